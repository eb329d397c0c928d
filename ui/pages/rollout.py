"""Rollout (start page): saved projects, and the brief everything is drafted from."""

from __future__ import annotations

import streamlit as st

from ui import auth, brief_form, state
from ui.widgets import format_when, guarded, run_page

ARTEFACT_PAGES = (
    ("ui/pages/story.py", "Purpose story", ":material/campaign:"),
    ("ui/pages/faq.py", "FAQ", ":material/quiz:"),
    ("ui/pages/survey.py", "Pulse survey", ":material/ballot:"),
    ("ui/pages/plan.py", "Plan & workshop", ":material/event_note:"),
)


@guarded
def _create(name_key: str) -> None:
    _ = state.tr()
    name = st.session_state.get(name_key, "")
    project = state.workspace().create_project(name or _("New rollout"))
    state.set_project(project.id)
    st.session_state[name_key] = ""
    state.flash("success", _("Project “{name}” created.", name=project.name))


@guarded
def _open(select_key: str) -> None:
    state.set_project(st.session_state[select_key])


@guarded
def _rename(pid: str, key: str) -> None:
    _ = state.tr()
    project = state.workspace().rename(pid, st.session_state.get(key, ""))
    state.flash("success", _("Renamed to “{name}”.", name=project.name))


@guarded
def _duplicate(pid: str) -> None:
    _ = state.tr()
    ws = state.workspace()
    original = ws.get_project(pid)
    copy = ws.duplicate(pid, _("Copy of {name}", name=original.name))
    state.set_project(copy.id)
    state.flash("success", _("Project “{name}” created.", name=copy.name))


@guarded
def _delete(pid: str) -> None:
    _ = state.tr()
    ws = state.workspace()
    name = ws.get_project(pid).name
    ws.delete(pid)
    remaining = ws.list_projects()
    state.set_project(remaining[0].id if remaining else None)
    state.flash("info", _("Project “{name}” deleted.", name=name))


@guarded
def _set_private(pid: str, key: str) -> None:
    _ = state.tr()
    private = bool(st.session_state.get(key))
    state.workspace().set_visibility(pid, "private" if private else "shared")
    state.flash("info", _("Only you can see this project now.") if private
                else _("Everyone who signs in can see this project now."))


def _visibility(current) -> None:
    """Private or shared (with sign-in on only): the owner switches it; others see who can."""
    if not auth.enabled():
        return
    _ = state.tr()
    key = f"private:{current.id}"
    st.session_state[key] = current.private
    if not current.owner:
        note = _("This project was made before sign-in was switched on. It has no owner, so it stays shared.")
    elif current.owner != auth.user_id():
        note = _("Only its owner, {owner}, can make this project private.", owner=current.owner)
    else:
        note = None
    st.toggle(_("Private: only I can see this project"), key=key, disabled=note is not None, help=note,
              on_change=_set_private, args=(current.id, key))


def _welcome() -> None:
    _ = state.tr()
    st.markdown(_("Describe your AI rollout once. The toolkit then drafts a purpose story, an FAQ, a pulse "
                  "survey and a communication plan with a workshop, grounded in research on change and AI, "
                  "in Dutch, Swedish or English."))
    with st.container(border=True):
        st.text_input(_("Name of the new project"), key="new_project_name",
                      placeholder=_("e.g. Assist in customer service, spring 2027"))
        st.button(_("Create project"), type="primary", on_click=_create, args=("new_project_name",),
                  icon=":material/add:")


def _project_bar(projects, pid: str) -> None:
    _ = state.tr()
    names = {p.id: p.name for p in projects}
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    with c1:
        st.session_state["project_select"] = pid
        st.selectbox(_("Project"), options=list(names), format_func=names.get, key="project_select",
                     on_change=_open, args=("project_select",))
    with c2:
        current = next(p for p in projects if p.id == pid)
        st.caption(_("Last saved {when}", when=format_when(current.updated)))
    with st.expander(_("Manage projects"), icon=":material/settings:"):
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        with c1:
            st.text_input(_("Name of the new project"), key="new_project_name",
                          placeholder=_("e.g. Assist in customer service, spring 2027"))
        with c2:
            st.button(_("Create project"), on_click=_create, args=("new_project_name",), icon=":material/add:")
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        with c1:
            st.text_input(_("New name"), key=f"rename:{pid}", value=current.name)
        with c2:
            st.button(_("Rename"), on_click=_rename, args=(pid, f"rename:{pid}"), icon=":material/edit:")
        c1, c2 = st.columns(2)
        with c1:
            st.button(_("Duplicate"), on_click=_duplicate, args=(pid,), icon=":material/content_copy:")
        with c2:
            confirm = st.checkbox(_("Yes, delete this project"), key=f"confirm_delete:{pid}")
            st.button(_("Delete"), on_click=_delete, args=(pid,), disabled=not confirm,
                      icon=":material/delete:")
        _visibility(current)


def _status(pid: str, brief) -> None:
    _, n_ = state.tr(), state.ntr()
    if brief is not None:
        st.success(_("The brief is complete. Draft your documents:"), icon=":material/check_circle:")
        cols = st.columns(len(ARTEFACT_PAGES))
        for col, (path, title, icon) in zip(cols, ARTEFACT_PAGES, strict=True):
            col.page_link(path, label=_(title), icon=icon)
        return
    count = brief_form.problems_count(brief_form.collect(pid), state.ui_lang())
    message = n_("One field still needs attention before you can draft.",
                          "{n} fields still need attention before you can draft.", count)
    st.warning(message, icon=":material/edit_note:")
    if st.button(_("Check the brief"), icon=":material/fact_check:"):
        st.session_state.setdefault("check_all", {})[pid] = True
        st.rerun()


def render() -> None:
    _ = state.tr()
    st.title(_("Rollout"))
    ws = state.workspace()
    projects = ws.list_projects()
    pid = state.project_id()
    if pid not in {p.id for p in projects}:
        pid = projects[0].id if projects else None
        state.set_project(pid)
    if not projects:
        _welcome()
        return
    _project_bar(projects, pid)
    latest = ws.latest_brief(pid)
    st.divider()
    brief = brief_form.render(pid, latest.data if latest else {}, latest.version if latest else None)
    st.divider()
    _status(pid, brief)


run_page(render)
