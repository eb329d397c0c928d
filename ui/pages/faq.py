"""FAQ: the questions staff ask, each answered from the brief and the guidance; add your own."""

from __future__ import annotations

import streamlit as st

from toolkit import drafting, editing
from ui import artefact, state
from ui.widgets import guarded, run_page


@guarded
def _on_edit(pid: str, key: str, q_key: str, a_key: str) -> None:
    cur = artefact.current(pid, "faq")
    edited = editing.edit_faq_item(cur.draft, key, st.session_state.get(q_key, ""),
                                   st.session_state.get(a_key, ""))
    if edited != cur.draft:
        artefact.save(pid, artefact.recheck(edited, artefact.brief_for(pid)[0], pid), replaced=False)


@guarded
def _on_remove(pid: str, key: str) -> None:
    cur = artefact.current(pid, "faq")
    artefact.save(pid, artefact.recheck(editing.remove_faq_item(cur.draft, key), artefact.brief_for(pid)[0], pid),
                  replaced=True, action="remove")


@guarded
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
    try:
        result = drafting.add_question(cur.draft, question, brief, retriever=retriever, chat_model=model)
    except drafting.QuestionTooLong as exc:  # refused whole; the text stays in the box to shorten
        st.session_state[f"{input_key}:refused"] = _("Your question is {n} characters long; the limit is {limit}. "
                                                     "Shorten it and add it again.", n=exc.length, limit=exc.limit)
        return
    artefact.save(pid, result, replaced=True, action="add")
    st.session_state[input_key] = ""
    state.flash("success", _("Your question was added with an answer. Check the answer before you use it."))


def editor(pid: str, brief, cur: artefact.Current) -> None:
    _ = state.tr()
    st.caption(_("Edit any question or answer. A change is saved as soon as you click outside the box or press "
                 "Ctrl+Enter."))
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
            if getattr(item, "notice", ""):
                st.info(item.notice, icon=":material/info:")
            st.text_input(_("Question"), key=q_key, on_change=_on_edit, args=(pid, item.key, q_key, a_key),
                          help=artefact.save_help())
            st.text_area(_("Answer"), key=a_key, height=artefact.box_height(item.answer), on_change=_on_edit,
                         args=(pid, item.key, q_key, a_key), help=artefact.save_help())
            c1, c2 = st.columns(2)
            c1.button(_("Write again"), key=f"{base}:regen", icon=":material/refresh:", disabled=brief is None or item.custom,
                      help=_("A new answer to this question only. Everything else stays as it is."),
                      on_click=artefact.on_regenerate, args=(pid, "faq", item.key))
            c2.button(_("Remove"), key=f"{base}:remove", icon=":material/delete:", on_click=_on_remove,
                      args=(pid, item.key))
    st.subheader(_("Add your own question"))
    input_key = f"faq:{pid}:new"
    st.text_input(_("Your question"), key=input_key,
                  placeholder=_("e.g. Can I still take calls without Assist?"),
                  help=_("At most {limit} characters.", limit=drafting.MAX_QUESTION))
    refused = st.session_state.pop(f"{input_key}:refused", None)
    if refused:  # beside the box the user is looking at, not at the top of a long page
        st.warning(refused, icon=":material/warning:")
    st.button(_("Answer and add"), on_click=_on_add, args=(pid, input_key), icon=":material/add:",
              disabled=brief is None)


def render() -> None:
    _ = state.tr()
    artefact.page("faq", _("FAQ"), editor)


run_page(render)
