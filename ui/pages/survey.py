"""Pulse survey: items per dimension; edit, remove and add items; download as Word or CSV."""

from __future__ import annotations

import streamlit as st

from toolkit import editing
from toolkit.models import Draft
from ui import artefact, state
from ui.widgets import guarded, run_page


def _save(pid: str, draft: Draft, replaced: bool, action: str = "edit") -> None:
    artefact.save(pid, artefact.recheck(draft, artefact.brief_for(pid)[0], pid), replaced=replaced, action=action)


@guarded
def _on_edit(pid: str, key: str, widget_key: str) -> None:
    cur = artefact.current(pid, "survey")
    text = (st.session_state.get(widget_key) or "").strip()
    original = next((q for q in cur.draft.questions if q.key == key), None)
    if original is None or not text or text == original.text:
        return
    _save(pid, editing.edit_survey_item(cur.draft, key, text), replaced=False)


@guarded
def _on_remove(pid: str, key: str) -> None:
    cur = artefact.current(pid, "survey")
    _save(pid, editing.remove_survey_item(cur.draft, key), replaced=True, action="remove")


@guarded
def _on_add(pid: str, text_key: str, type_key: str, dim_key: str) -> None:
    _ = state.tr()
    text = (st.session_state.get(text_key) or "").strip()
    if not text:
        state.flash("warning", _("Type the text of the item first."))
        return
    cur = artefact.current(pid, "survey")
    _save(pid, editing.add_survey_item(cur.draft, text, st.session_state[type_key], st.session_state[dim_key]),
          replaced=True, action="add")
    st.session_state[text_key] = ""
    state.flash("success", _("Item added."))


def dimensions(draft: Draft) -> dict[str, str]:
    """Dimension keys in order of appearance, with their label in the survey's language."""
    labels: dict[str, str] = {}
    for q in draft.questions:
        labels.setdefault(q.dimension, q.dimension_label or q.dimension)
    return labels


def editor(pid: str, brief, cur: artefact.Current) -> None:
    _, n_ = state.tr(), state.ntr()
    draft = cur.draft
    types = {"likert": _("Agree scale (5 points)"), "nps": _("Recommendation (0–10)"), "open": _("Open question")}
    if draft.survey_intro:
        st.markdown(f"*{draft.survey_intro}*")
    st.caption(n_("{n} item. Edit the wording of any item; a change is saved as soon as you click "
                           "outside the box or press Enter.",
                           "{n} items. Edit the wording of any item; a change is saved as soon as you click "
                           "outside the box or press Enter.", len(draft.questions)))
    labels = dimensions(draft)
    for dim, label in labels.items():
        st.markdown(f"**{label}**")
        for q in (q for q in draft.questions if q.dimension == dim):
            base = f"survey:{pid}:{cur.gen}:{q.key}"
            st.session_state.setdefault(f"{base}:text", q.text)
            c1, c2, c3 = st.columns([6, 2, 2], vertical_alignment="bottom")
            c1.text_input(types.get(q.type, q.type), key=f"{base}:text", on_change=_on_edit,
                          args=(pid, q.key, f"{base}:text"), help=artefact.save_help())
            c2.button(_("Write again"), key=f"{base}:regen", icon=":material/refresh:", disabled=brief is None
                      or q.custom, on_click=artefact.on_regenerate, args=(pid, "survey", q.key),
                      help=_("A new wording for this item only."), width="stretch")
            c3.button(_("Remove"), key=f"{base}:remove", icon=":material/delete:", on_click=_on_remove,
                      args=(pid, q.key), width="stretch")
            if q.options and q.type == "likert":
                st.caption(" · ".join(q.options))
    st.subheader(_("Add your own item"))
    text_key, type_key, dim_key = f"survey:{pid}:new:text", f"survey:{pid}:new:type", f"survey:{pid}:new:dim"
    st.text_input(_("Item text"), key=text_key, placeholder=_("e.g. I know who to ask about Assist."))
    c1, c2 = st.columns(2)
    c1.selectbox(_("Type"), list(types), format_func=types.get, key=type_key)
    c2.selectbox(_("Dimension"), list(labels) or ["other"], format_func=lambda d: labels.get(d, d), key=dim_key)
    st.button(_("Add item"), on_click=_on_add, args=(pid, text_key, type_key, dim_key), icon=":material/add:")


# Excel opens a double-clicked CSV with the list separator of the computer's region: ";" where the decimal
# separator is a comma (Dutch, Swedish), "," in English. The UI language is the best guess of that region.
CSV_SEPARATORS = (";", ",")


def default_separator(ui_lang: str) -> str:
    """The CSV separator Excel expects for this UI language: ';' for Dutch and Swedish, ',' for English."""
    return ";" if ui_lang in ("nl", "sv") else ","


def csv_download(draft: Draft) -> None:
    _ = state.tr()
    from toolkit import export

    labels = {";": _("Semicolons (Excel in Dutch or Swedish)"), ",": _("Commas (Excel in English, other programs)")}
    key = f"survey:csv_sep:{state.ui_lang()}"
    separator = st.session_state.get(key, default_separator(state.ui_lang()))
    st.download_button(_("Download items as CSV"), export.survey_csv(draft, delimiter=separator),
                       file_name=artefact.filename(draft, "csv"), mime="text/csv", icon=":material/table:",
                       key="survey:csv", on_click="ignore", width="stretch")
    st.selectbox(_("CSV separator"), CSV_SEPARATORS, index=CSV_SEPARATORS.index(separator),
                 format_func=labels.get, key=key,
                 help=_("Excel opens a CSV file with the separator of your computer's region settings."))


def render() -> None:
    _ = state.tr()
    artefact.page("survey", _("Pulse survey"), editor, extra_download=csv_download)


run_page(render)
