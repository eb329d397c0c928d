"""What the four artefact pages share: draft with one button, edit in place (saved at once), regenerate one
part or a whole new variant without losing edits, sources, quality and Word download."""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field

import streamlit as st

from toolkit import drafting, editing
from toolkit.brief import Brief
from toolkit.i18n import LANGUAGE_NAMES
from toolkit.models import Draft
from ui import brief_form, resources, state
from ui.widgets import format_when, guarded, quality_panel, redact, require_project, sources_panel

log = logging.getLogger("toolkit.ui")
DRAFT_ARGS = "draft_args"  # session state: (project, kind) -> args(lang), see `page`


@dataclass
class Current:
    """The draft a session is working on, the workspace version its edits build on, and a generation counter
    that renews the editors' widget keys whenever the draft is replaced from outside the editors."""

    draft: Draft
    version: int
    gen: int = 0
    variant: int = 0
    regenerations: dict[str, int] = field(default_factory=dict)


def _store() -> dict:
    return st.session_state.setdefault(state.DRAFTS, {})


def current(pid: str, kind: str) -> Current | None:
    """This session's draft of a kind, loaded from the workspace the first time."""
    store = _store()
    if (pid, kind) not in store:
        saved = state.workspace().latest_draft(pid, kind)
        store[(pid, kind)] = Current(saved.draft, saved.version, variant=saved.draft.variant) if saved else None
    return store[(pid, kind)]


def save(pid: str, draft: Draft, *, replaced: bool) -> None:
    """Save a draft version at once; `replaced` renews the editors (a new draft or a regenerated part)."""
    _ = state.tr()
    cur = _store().get((pid, draft.kind))
    base = cur.version if cur else None
    result = state.workspace().save_draft(pid, draft, state.session_id(), base)
    if result.conflict:
        state.flash("warning", _("This draft was also changed in another window. Both versions are kept "
                                 "(version {mine} is yours, version {other} is the other).",
                                 mine=result.version, other=result.other_version))
    gen = (cur.gen + 1) if (cur and replaced) else (cur.gen if cur else 0)
    variant = draft.variant
    regenerations = cur.regenerations if cur else {}
    _store()[(pid, draft.kind)] = Current(draft, result.version, gen, variant, regenerations)


def recheck(draft: Draft, brief: Brief | None) -> Draft:
    """Fresh findings after an edit; an edit is never lost because a check failed."""
    try:
        return drafting.recheck(draft, brief)
    except Exception as exc:
        log.warning("checks failed after an edit: %s", redact(str(exc)))
        return draft


def engine(settings):
    """(retriever, chat model, notice): the resources to draft with; a model that cannot start falls back."""
    _ = state.tr()
    retriever = resources.retriever(settings)
    try:
        return retriever, resources.chat_model(settings), ""
    except Exception as exc:
        log.warning("chat model unavailable: %s", redact(str(exc)))
        return retriever, None, _("The language model could not be started; the offline composer wrote "
                                  "this draft. Check the settings page.")


def brief_for(pid: str) -> tuple[Brief | None, dict]:
    latest = state.workspace().latest_brief(pid)
    data = latest.data if latest else {}
    return brief_form.validate(data, state.ui_lang())[0], data


def header(kind: str, title: str, pid: str, brief: Brief | None, data: dict, *, heading=None) -> tuple[str, str]:
    """Title (`heading`, st.title unless given), document language and draft buttons. Returns (document
    language, wave)."""
    _ = state.tr()
    (heading or st.title)(title)
    if brief is None:
        st.warning(_("The brief is not complete yet. Complete it to draft this document."),
                   icon=":material/edit_note:")
        st.page_link("ui/pages/rollout.py", label=_("Go to Rollout"), icon=":material/arrow_forward:")
    cur = current(pid, kind)
    default_lang = cur.draft.lang if cur else (data.get("language") or state.ui_lang())
    langs = list(LANGUAGE_NAMES)
    cols = st.columns([2, 2, 2, 2] if kind == "survey" else [2, 2, 2], vertical_alignment="bottom")
    lang = cols[0].selectbox(_("Document language"), langs, index=langs.index(default_lang),
                             format_func=LANGUAGE_NAMES.get, key=f"doclang:{pid}:{kind}")
    wave = "before"
    if kind == "survey":
        waves = {"before": _("Before the rollout"), "during": _("During the rollout"),
                 "after": _("After the rollout")}
        default_wave = (cur.draft.wave if cur and cur.draft.wave else "before")
        wave = cols[1].selectbox(_("Survey moment"), list(waves), index=list(waves).index(default_wave),
                                 format_func=waves.get, key=f"wave:{pid}")
    first = cur is None
    label = _("Write draft") if first else _("Write a new draft")
    if cols[-2].button(label, type="primary" if first else "secondary", disabled=brief is None,
                       key=f"draft:{kind}", icon=":material/edit_document:", use_container_width=True):
        _draft_new(pid, kind, brief, lang, wave, variant=0, keep=None)
    if cols[-1].button(_("New variant"), disabled=brief is None or first, key=f"variant:{kind}",
                       icon=":material/autorenew:", help=_("Another wording. Your own edits are kept."),
                       use_container_width=True):
        _draft_new(pid, kind, brief, lang, wave, variant=cur.variant + 1, keep=cur.draft)
    return lang, wave


def _draft_new(pid, kind, brief, lang, wave, *, variant: int, keep: Draft | None) -> None:
    _ = state.tr()
    settings = state.settings()
    retriever, model, notice = engine(settings)  # the first time: a progress bar while the index opens
    with st.spinner(_("Drafting…")):
        result = drafting.draft(kind, brief, lang=lang, variant=variant, wave=wave, retriever=retriever,
                                chat_model=model, **draft_args(pid, kind, lang))
        if keep is not None and keep.lang == result.lang:
            result = recheck(editing.keep_edits(keep, result), brief)
        if notice:
            result.notices.append(notice)
    save(pid, result, replaced=True)
    st.rerun()


def regenerate(pid: str, kind: str, brief: Brief, key: str) -> None:
    """Write one section / FAQ item / survey item anew, keeping everything else (callback)."""
    cur = current(pid, kind)
    count = cur.regenerations.get(key, 0) + 1
    cur.regenerations[key] = count
    retriever, model, _notice = engine(state.settings())
    extra = draft_args(pid, kind, cur.draft.lang)
    accepted = inspect.signature(drafting.regenerate_section).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):  # only what this core's function takes
        extra = {name: value for name, value in extra.items() if name in accepted}
    result = drafting.regenerate_section(cur.draft, brief, key, variant=cur.variant * 100 + count,
                                         retriever=retriever, chat_model=model, **extra)
    save(pid, result, replaced=True)


def status_line(pid: str, kind: str) -> None:
    _ = state.tr()
    cur = current(pid, kind)
    saved = state.workspace().get_draft(pid, kind, cur.version)
    when = format_when(saved.saved_at) if saved else ""
    engine_name = _("offline composer") if cur.draft.engine == "composer" else cur.draft.engine
    st.caption(_("Version {version}, saved {when}. Written by: {engine}.", version=cur.version, when=when,
                 engine=engine_name))
    for notice in cur.draft.notices:
        st.info(notice, icon=":material/info:")


def download(pid: str, draft: Draft, data: dict, extra=None) -> None:
    """The Word download (and extra downloads, e.g. the survey CSV), with options."""
    _ = state.tr()
    from toolkit import export

    with st.expander(_("Word options"), icon=":material/tune:"):
        include = st.checkbox(_("Add the quality findings as an appendix"), key=f"findings:{pid}:{draft.kind}")
        upload = st.file_uploader(_("Your own Word template (.docx) for styles, header and footer"),
                                  type=["docx"], key=f"reference:{pid}:{draft.kind}")
    reference = None
    if upload is not None:
        reference, message = export.load_reference(upload.getvalue(), state.ui_lang())
        if message:
            st.warning(message, icon=":material/warning:")
    cols = st.columns(2)
    try:
        payload = _docx(pid, draft, reference, include, str(data.get("author") or ""))
    except Exception as exc:
        log.error("export failed: %s", redact(str(exc)))
        st.error(_("The Word document could not be made. Your draft is saved; please try again."))
        return
    cols[0].download_button(_("Download Word document"), payload, file_name=filename(draft, "docx"),
                            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            type="primary", icon=":material/download:", key=f"docx:{draft.kind}",
                            on_click="ignore", use_container_width=True)
    if extra is not None:
        with cols[1]:
            extra()


def _docx(pid: str, draft: Draft, reference: bytes | None, include: bool, author: str) -> bytes:
    """The Word file, made once per saved version and options (reruns happen on every click)."""
    from toolkit import export

    cur = _store().get((pid, draft.kind))
    key = (pid, draft.kind, cur.version if cur else None, hash(reference), include, author)
    cache = st.session_state.setdefault("docx_cache", {})
    if key not in cache:
        cache.clear()
        cache[key] = export.to_docx(draft, reference=reference, include_findings=include, author=author)
    return cache[key]


def filename(draft: Draft, ext: str) -> str:
    stem = "".join(ch if ch.isalnum() else "-" for ch in (draft.organisation or draft.kind)).strip("-").lower()
    return f"{stem or 'draft'}-{draft.kind}-{draft.lang}.{ext}"


def panels(pid: str, draft: Draft, data: dict, editor, extra_download=None) -> None:
    """The draft's tabs: edit, sources, quality, and the downloads beneath."""
    _ = state.tr()
    download(pid, draft, data, extra_download)
    problems = sum(1 for f in draft.checks if f.severity in ("warning", "error"))
    quality = _("Quality") + (f" ({problems})" if problems else "")
    edit_tab, sources_tab, quality_tab = st.tabs([_("Draft"), _("Sources ({n})", n=len(draft.citations)),
                                                  quality])
    with edit_tab:
        editor()
    with sources_tab:
        sources_panel(draft)
    with quality_tab:
        quality_panel(draft.checks)


def draft_args(pid: str, kind: str, lang: str) -> dict:
    """The extra arguments a kind drafts with (the follow-up: the results and the commitments), from the
    function its page registered; {} for the kinds that draft from the brief alone."""
    source = st.session_state.get(DRAFT_ARGS, {}).get((pid, kind))
    return source(lang) if source else {}


def page(kind: str, title: str, editor, extra_download=None, *, args=None, heading=None) -> None:
    """The body of an artefact page. `editor(pid, brief, cur)` draws the editable draft. `args(lang)` returns
    extra keyword arguments for `drafting.draft` (asked for when the user drafts, so they are current);
    `heading` draws the title (st.title unless given, e.g. st.header when the draft is part of a page)."""
    _ = state.tr()
    project = require_project()
    pid = project.id
    if args is not None:
        st.session_state.setdefault(DRAFT_ARGS, {})[(pid, kind)] = args
    brief, data = brief_for(pid)
    header(kind, title, pid, brief, data, heading=heading)
    cur = current(pid, kind)
    if cur is None:
        st.info(_("No draft yet. Press “Write draft” to write one from the brief."), icon=":material/edit_document:")
        return
    status_line(pid, kind)
    extra = (lambda: extra_download(cur.draft)) if extra_download else None
    panels(pid, cur.draft, data, lambda: editor(pid, brief, cur), extra)


@guarded
def _on_section_edit(pid: str, kind: str, key: str, heading_key: str, body_key: str) -> None:
    cur = current(pid, kind)
    edited = editing.edit_section(cur.draft, key, st.session_state.get(heading_key, ""),
                                  st.session_state.get(body_key, ""))
    if edited != cur.draft:
        save(pid, recheck(edited, brief_for(pid)[0]), replaced=False)


@guarded
def on_regenerate(pid: str, kind: str, key: str) -> None:
    _ = state.tr()
    brief = brief_for(pid)[0]
    if brief is None:
        state.flash("warning", _("The brief is not complete yet. Complete it to draft this document."))
        return
    regenerate(pid, kind, brief, key)


def section_editor(pid: str, brief: Brief | None, cur: Current) -> None:
    """Each section as a heading and a text box; edits are saved when the box loses focus."""
    _ = state.tr()
    st.caption(_("Edit any text below. A change is saved as soon as you click outside the box or press "
                 "Ctrl+Enter. Lines starting with “- ” become bullets, lines starting with “1. ” a numbered list."))
    kind = cur.draft.kind
    for section in cur.draft.sections:
        base = f"{kind}:{pid}:{cur.gen}:{section.key}"
        heading_key, body_key = f"{base}:heading", f"{base}:body"
        st.session_state.setdefault(heading_key, section.heading)
        st.session_state.setdefault(body_key, editing.section_body(section))
        with st.container(border=True):
            c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
            c1.text_input(_("Heading"), key=heading_key, on_change=_on_section_edit, help=save_help(),
                          args=(pid, kind, section.key, heading_key, body_key))
            c2.button(_("Write again"), key=f"{base}:regen", icon=":material/refresh:",
                      help=_("A new wording for this section only. Everything else stays as it is."),
                      on_click=on_regenerate, args=(pid, kind, section.key), disabled=brief is None,
                      use_container_width=True)
            st.text_area(_("Text"), key=body_key, height=box_height(editing.section_body(section)),
                         on_change=_on_section_edit, args=(pid, kind, section.key, heading_key, body_key),
                         help=save_help(), label_visibility="collapsed")
            if section.edited:
                st.caption(_("Edited by you"))


def save_help() -> str:
    """The help text of every edit box: when an edit is saved, and what is lost when the tab closes first.

    Streamlit (1.67) sends a text box's value to the app when the box loses focus or on Ctrl+Enter (Enter in
    a one-line box); `st.text_area` has no setting to send it while typing. Words still being typed when the
    tab is closed never reach the app."""
    _ = state.tr()
    return _("Saved as soon as you click outside the box or press Ctrl+Enter. Before you close the window, "
             "click outside the box: text you are still typing is not saved yet.")


def box_height(text: str, chars_per_line: int = 95) -> int:
    """A text box tall enough for its text (wrapped), within sensible bounds."""
    lines = sum(1 + len(line) // chars_per_line for line in text.split("\n"))
    return max(100, min(520, 26 * lines + 20))
