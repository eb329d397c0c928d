"""Communication plan and workshop: a dated timeline of touchpoints and a timed workshop agenda."""

from __future__ import annotations

import streamlit as st

from toolkit.editing import TIMELINE_COLUMNS, WORKSHOP_COLUMNS, apply_tables, table_rows
from ui import artefact, state
from ui.widgets import run_page


def confirmation(pid: str, cur: artefact.Current) -> None:
    """Confirm this version of the plan: its meetings, training and survey waves are then agreed, and the other
    documents stop asking to confirm them. A later change to the plan needs confirming again."""
    _ = state.tr()
    workspace = state.workspace()
    if workspace.plan_is_confirmed(pid):
        st.success(_("This plan is confirmed (version {version}). The other documents speak of its dates as "
                     "agreed.", version=cur.version), icon=":material/verified:")
        return
    st.info(_("Until you confirm the plan, the other documents name its meetings as a proposal and their "
              "notes ask you to confirm them."), icon=":material/event_available:")
    if st.button(_("Confirm this plan"), key=f"confirm_plan:{pid}", icon=":material/check:"):
        workspace.confirm_plan(pid, cur.version, state.session_id())
        st.rerun()


def editor(pid: str, brief, cur: artefact.Current) -> None:
    _ = state.tr()
    draft = cur.draft
    confirmation(pid, cur)
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
    timeline = st.data_editor(table_rows(draft.timeline, TIMELINE_COLUMNS), column_config=timeline_cols,
                              key=f"plan:{pid}:{cur.gen}:timeline", hide_index=True, width="stretch",
                              num_rows="fixed")
    st.subheader(_("Workshop agenda"))
    workshop_cols = {
        "start": st.column_config.TextColumn(_("Start"), disabled=True),
        "minutes": st.column_config.NumberColumn(_("Minutes"), min_value=5, max_value=240, step=5),
        "title": st.column_config.TextColumn(_("Block")),
        "description": st.column_config.TextColumn(_("What happens"), width="large"),
    }
    workshop = st.data_editor(table_rows(draft.workshop, WORKSHOP_COLUMNS), column_config=workshop_cols,
                              key=f"plan:{pid}:{cur.gen}:workshop", hide_index=True, width="stretch",
                              num_rows="fixed")
    edited = apply_tables(draft, timeline, workshop)
    if edited != draft:
        artefact.save(pid, edited, replaced=False)
        st.toast(_("Saved."))


def render() -> None:
    _ = state.tr()
    artefact.page("plan", _("Plan & workshop"), editor)


run_page(render)
