"""Communication plan and workshop: a dated timeline of touchpoints and a timed workshop agenda."""

from __future__ import annotations

import streamlit as st

from toolkit.models import Draft
from ui import artefact, state
from ui.widgets import run_page

TIMELINE_COLUMNS = ("date_label", "touchpoint", "sender", "audience", "channel")
WORKSHOP_COLUMNS = ("start", "minutes", "title", "description")


def _rows(items, columns) -> list[dict]:
    return [{c: getattr(item, c) for c in columns} for item in items]


def apply_tables(draft: Draft, timeline: list[dict], workshop: list[dict]) -> Draft:
    """The draft with the timeline's and the agenda's text cells replaced by the user's (rows kept in place)."""
    result = draft.model_copy(deep=True)
    for entry, row in zip(result.timeline, timeline, strict=False):
        for column in TIMELINE_COLUMNS:
            setattr(entry, column, str(row.get(column) or getattr(entry, column)))
    for block, row in zip(result.workshop, workshop, strict=False):
        for column in WORKSHOP_COLUMNS:
            value = row.get(column)
            if value in (None, ""):
                continue
            setattr(block, column, int(value) if column == "minutes" else str(value))
    return result


def editor(pid: str, brief, cur: artefact.Current) -> None:
    _ = state.tr()
    draft = cur.draft
    if draft.sections:
        artefact.section_editor(pid, brief, cur)
    st.subheader(_("Timeline"))
    timeline_cols = {
        "date_label": st.column_config.TextColumn(_("Date"), disabled=True),
        "touchpoint": st.column_config.TextColumn(_("Touchpoint"), width="large"),
        "sender": st.column_config.TextColumn(_("Sender")),
        "audience": st.column_config.TextColumn(_("Audience")),
        "channel": st.column_config.TextColumn(_("Channel")),
    }
    timeline = st.data_editor(_rows(draft.timeline, TIMELINE_COLUMNS), column_config=timeline_cols,
                              key=f"plan:{pid}:{cur.gen}:timeline", hide_index=True, use_container_width=True,
                              num_rows="fixed")
    st.subheader(_("Workshop agenda"))
    workshop_cols = {
        "start": st.column_config.TextColumn(_("Start"), disabled=True),
        "minutes": st.column_config.NumberColumn(_("Minutes"), min_value=5, max_value=240, step=5),
        "title": st.column_config.TextColumn(_("Block")),
        "description": st.column_config.TextColumn(_("What happens"), width="large"),
    }
    workshop = st.data_editor(_rows(draft.workshop, WORKSHOP_COLUMNS), column_config=workshop_cols,
                              key=f"plan:{pid}:{cur.gen}:workshop", hide_index=True, use_container_width=True,
                              num_rows="fixed")
    edited = apply_tables(draft, timeline, workshop)
    if edited != draft:
        artefact.save(pid, edited, replaced=False)
        st.toast(_("Saved."))


def render() -> None:
    _ = state.tr()
    artefact.page("plan", _("Plan & workshop"), editor)


run_page(render)
