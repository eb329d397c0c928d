"""FAQ: the questions staff ask, each answered from the brief and the guidance; add your own."""

from __future__ import annotations

import streamlit as st

from toolkit import drafting
from toolkit.cards import get_card
from toolkit.models import Citation, Draft
from ui import artefact, editing, state
from ui.widgets import run_page


def _on_edit(pid: str, key: str, q_key: str, a_key: str) -> None:
    cur = artefact.current(pid, "faq")
    edited = editing.edit_faq_item(cur.draft, key, st.session_state.get(q_key, ""),
                                   st.session_state.get(a_key, ""))
    if edited != cur.draft:
        artefact.save(pid, artefact.recheck(edited, artefact.brief_for(pid)[0]), replaced=False)


def _on_remove(pid: str, key: str) -> None:
    cur = artefact.current(pid, "faq")
    artefact.save(pid, artefact.recheck(editing.remove_faq_item(cur.draft, key), artefact.brief_for(pid)[0]),
                  replaced=True)


def citations_for(ids: list[str], lang: str, retriever) -> list[Citation]:
    """Citation records for the card ids an answer cites (cards first, then the index for own documents)."""
    result = []
    for cid in ids:
        card = get_card(cid, lang)
        if card is not None:
            result.append(Citation(id=cid, title=card.title, source=card.source, year=card.year,
                                   lang=card.lang, kind=card.kind, text=(card.claim + "\n" + card.body).strip()))
            continue
        hits = [h for h in retriever.search(cid, lang=lang, k=10) if h.card_id == cid] if retriever else []
        if hits:
            h = hits[0]
            result.append(Citation(id=cid, title=h.title, source=h.source, year=h.year, lang=h.lang,
                                   kind=h.kind, text=h.text))
        else:
            result.append(Citation(id=cid, title=cid, source="", lang=lang))
    return result


def add_question(draft: Draft, question: str, brief, retriever, model) -> Draft:
    """The draft with the user's own question and a grounded answer appended."""
    item = drafting.answer_question(question, brief, lang=draft.lang, retriever=retriever, chat_model=model)
    existing = {i.key for i in draft.items}
    key = item.key if item.key and item.key not in existing else f"custom-{len(draft.items) + 1}"
    while key in existing:
        key += "x"
    item = item.model_copy(update={"key": key, "question": question.strip(), "custom": True})
    return drafting.add_faq_item(draft, item, citations_for(item.citations, draft.lang, retriever), brief)


def _on_add(pid: str, input_key: str) -> None:
    _ = state.tr()
    question = (st.session_state.get(input_key) or "").strip()
    brief = artefact.brief_for(pid)[0]
    if not question:
        state.flash("warning", _("Type a question first."))
        return
    if brief is None:
        state.flash("warning", _("The brief is not complete yet. Complete it to draft this document."))
        return
    cur = artefact.current(pid, "faq")
    retriever, model, _notice = artefact.engine(state.settings())
    artefact.save(pid, add_question(cur.draft, question, brief, retriever, model), replaced=True)
    st.session_state[input_key] = ""
    state.flash("success", _("Your question was added with an answer. Check the answer before you use it."))


def editor(pid: str, brief, cur: artefact.Current) -> None:
    _ = state.tr()
    st.caption(_("Edit any question or answer; changes are saved straight away."))
    for n, item in enumerate(cur.draft.items, start=1):
        base = f"faq:{pid}:{cur.gen}:{item.key}"
        q_key, a_key = f"{base}:q", f"{base}:a"
        st.session_state.setdefault(q_key, item.question)
        st.session_state.setdefault(a_key, item.answer)
        marks = [_("your question")] if item.custom else []
        if item.edited:
            marks.append(_("edited by you"))
        label = f"{n}. {item.question}" + (f" ({', '.join(marks)})" if marks else "")
        with st.expander(label, expanded=n <= 2):
            st.text_input(_("Question"), key=q_key, on_change=_on_edit, args=(pid, item.key, q_key, a_key))
            st.text_area(_("Answer"), key=a_key, height=artefact.box_height(item.answer), on_change=_on_edit,
                         args=(pid, item.key, q_key, a_key))
            c1, c2 = st.columns(2)
            c1.button(_("Write again"), key=f"{base}:regen", icon=":material/refresh:", disabled=brief is None or item.custom,
                      help=_("A new answer to this question only. Everything else stays as it is."),
                      on_click=artefact.on_regenerate, args=(pid, "faq", item.key))
            c2.button(_("Remove"), key=f"{base}:remove", icon=":material/delete:", on_click=_on_remove,
                      args=(pid, item.key))
    st.subheader(_("Add your own question"))
    input_key = f"faq:{pid}:new"
    st.text_input(_("Your question"), key=input_key,
                  placeholder=_("e.g. Can I still take calls without Assist?"))
    st.button(_("Answer and add"), on_click=_on_add, args=(pid, input_key), icon=":material/add:",
              disabled=brief is None)


def render() -> None:
    _ = state.tr()
    artefact.page("faq", _("FAQ"), editor)


run_page(render)
