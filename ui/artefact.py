"""What the four artefact pages share: draft with one button, edit in place (saved at once), regenerate one
part or a whole new variant without losing edits, sources, quality, the sender's notes beside each section and
the Word download in two editions (for review, ready to send)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import streamlit as st

from toolkit import drafting, editing
from toolkit.brief import Brief, quoted_fields
from toolkit.i18n import LANGUAGE_NAMES
from toolkit.models import Draft
from ui import brief_form, resources, state
from ui.widgets import format_when, guarded, quality_panel, redact, require_project, sources_panel

log = logging.getLogger("toolkit.ui")
DRAFT_ARGS = "draft_args"  # session state: (project, kind) -> args(lang), see `page`


@dataclass
class Current:
    """The draft a session is working on, the workspace version its edits build on, and a generation counter
    that renews the editors' widget keys whenever the draft is replaced from outside the editors. Generations
    are unique within the session, so two languages of one document never share an editor's widget key."""

    draft: Draft
    version: int
    gen: int = 0
    variant: int = 0
    regenerations: dict[str, int] = field(default_factory=dict)


def _store() -> dict:
    return st.session_state.setdefault(state.DRAFTS, {})


def doc_lang(pid: str, kind: str) -> str:
    """The document language the page shows: the one chosen, else the one in the address (a reload or a shared
    link), else that of the newest draft of this kind, else the brief's language, else the interface language."""
    chosen = st.session_state.get(state.doc_lang_key(pid, kind)) or state.url_doc_lang()
    if chosen in LANGUAGE_NAMES:
        return chosen
    latest = state.workspace().latest_draft(pid, kind)
    if latest is not None:
        return latest.draft.lang
    brief = state.workspace().latest_brief(pid)
    wanted = brief.data.get("language") if brief else None
    return wanted if wanted in LANGUAGE_NAMES else state.ui_lang()


def current(pid: str, kind: str, lang: str | None = None) -> Current | None:
    """This session's draft of a kind in the document language (or `lang`), loaded from the workspace the
    first time. Each language is a document of its own, with its own versions."""
    lang = lang or doc_lang(pid, kind)
    store = _store()
    if (pid, kind, lang) not in store:
        saved = state.workspace().latest_draft(pid, kind, lang)
        store[(pid, kind, lang)] = Current(saved.draft, saved.version, gen=_next_gen(),
                                           variant=saved.draft.variant) if saved else None
    return store[(pid, kind, lang)]


def _next_gen() -> int:
    """A generation number not used before in this session."""
    gen = st.session_state.get("draft_gen", 0) + 1
    st.session_state["draft_gen"] = gen
    return gen


def save(pid: str, draft: Draft, *, replaced: bool, action: str = "edit", restored_from: int | None = None) -> None:
    """Save a draft version at once; `replaced` renews the editors (a new draft or a regenerated part).
    `action` (a workspace DRAFT_ACTIONS name) says in the version list what made this version."""
    _ = state.tr()
    key = (pid, draft.kind, draft.lang)
    cur = _store().get(key)
    base = cur.version if cur else None
    result = state.workspace().save_draft(pid, draft, state.session_id(), base, action=action,
                                          restored_from=restored_from)
    if result.conflict:
        state.flash("warning", _("This draft was also changed in another window. Both versions are kept "
                                 "(version {mine} is yours, version {other} is the other).",
                                 mine=result.version, other=result.other_version))
    gen = _next_gen() if (replaced or cur is None) else cur.gen
    variant = draft.variant
    regenerations = cur.regenerations if cur else {}
    _store()[key] = Current(draft, result.version, gen, variant, regenerations)


def plan_confirmed(pid: str) -> bool:
    """Whether the user confirmed the project's newest plan (its touchpoints are then agreed)."""
    return state.workspace().plan_is_confirmed(pid)


def recheck(draft: Draft, brief: Brief | None, pid: str | None = None) -> Draft:
    """Fresh findings after an edit; an edit is never lost because a check failed."""
    try:
        return drafting.recheck(draft, brief, plan_confirmed=bool(pid) and plan_confirmed(pid))
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
    cols = st.columns([2, 2, 2, 2] if kind == "survey" else [2, 2, 2], vertical_alignment="bottom")
    lang = language_choice(cols[0], pid, kind)
    cur = current(pid, kind, lang)
    state.set_doc_lang(lang)  # a reload or a shared link opens the document in this language
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
                       key=f"draft:{kind}", icon=":material/edit_document:", width="stretch"):
        if first or not edited_parts(cur.draft):
            _draft_new(pid, kind, brief, lang, wave, variant=0, keep=None)
        else:  # the user's own text would be replaced: ask first
            st.session_state[_confirm_key(pid, kind)] = True
    if cols[-1].button(_("New variant"), disabled=brief is None or first, key=f"variant:{kind}",
                       icon=":material/autorenew:", help=_("Another wording. Your own edits are kept."),
                       width="stretch"):
        _draft_new(pid, kind, brief, lang, wave, variant=cur.variant + 1, keep=cur.draft)
    if not first and st.session_state.get(_confirm_key(pid, kind)):
        _confirm_new_draft(pid, kind, brief, lang, wave, cur)
    return lang, wave


def language_choice(container, pid: str, kind: str) -> str:
    """The document language: every language, those the project holds this document in marked as written.
    Choosing one shows its own draft; choosing one without a draft lets the user write it."""
    _ = state.tr()
    written = set(state.workspace().draft_langs(pid, kind))
    langs = list(LANGUAGE_NAMES)

    def label(code: str) -> str:
        name = LANGUAGE_NAMES[code]
        return _("{language} (written)", language=name) if code in written else \
            _("{language} (not written yet)", language=name)

    key = state.doc_lang_key(pid, kind)
    labels = {code: label(code) for code in langs}
    index = langs.index(doc_lang(pid, kind))
    chosen, shown = st.session_state.get(key), st.session_state.get(f"{key}:labels", {})
    if chosen in labels and shown.get(chosen, labels[chosen]) != labels[chosen]:
        # The browser holds the label it was sent last ("… (not written yet)") as the box's value and shows it
        # until told otherwise: a draft written since then needs the value sent again with its new label.
        st.session_state[key], index = chosen, 0  # (index 0: the value comes from the session, no default)
    st.session_state[f"{key}:labels"] = labels
    return container.selectbox(_("Document language"), langs, index=index, format_func=labels.get, key=key,
                               help=_("Each language is a document of its own, with its own versions. Choose "
                                      "a language without a draft to write this document in it too."))


def edited_parts(draft: Draft) -> int:
    """How many sections, FAQ items and survey items hold the user's own text (edited or added)."""
    return sum(1 for part in (*draft.sections, *draft.items, *draft.questions)
               if part.edited or getattr(part, "custom", False))


def _confirm_key(pid: str, kind: str) -> str:
    return f"confirm_new:{pid}:{kind}"


def _confirm_new_draft(pid, kind, brief, lang, wave, cur: Current) -> None:
    """Ask before a new draft replaces the user's edits (they stay in the version list either way)."""
    _, n_ = state.tr(), state.ntr()
    with st.container(border=True):
        st.warning(n_("You changed {n} part of this draft. A new draft replaces it with new text. Your version "
                      "stays in the list of versions. To keep your edits in the draft, choose “New variant”.",
                      "You changed {n} parts of this draft. A new draft replaces them with new text. Your version "
                      "stays in the list of versions. To keep your edits in the draft, choose “New variant”.",
                      edited_parts(cur.draft)), icon=":material/warning:")
        c1, c2, c3 = st.columns(3)
        if c1.button(_("Write a new draft anyway"), key=f"confirm_new_yes:{kind}", type="primary",
                     icon=":material/edit_document:", width="stretch"):
            st.session_state.pop(_confirm_key(pid, kind), None)
            _draft_new(pid, kind, brief, lang, wave, variant=0, keep=None)
        if c2.button(_("A new variant instead"), key=f"confirm_new_variant:{kind}",
                     icon=":material/autorenew:", width="stretch"):
            st.session_state.pop(_confirm_key(pid, kind), None)
            _draft_new(pid, kind, brief, lang, wave, variant=cur.variant + 1, keep=cur.draft)
        if c3.button(_("Cancel"), key=f"confirm_new_no:{kind}", icon=":material/close:", width="stretch"):
            st.session_state.pop(_confirm_key(pid, kind), None)
            st.rerun()


def _draft_new(pid, kind, brief, lang, wave, *, variant: int, keep: Draft | None) -> None:
    _ = state.tr()
    settings = state.settings()
    retriever, model, notice = engine(settings)  # the first time: a progress bar while the index opens
    with st.spinner(_("Drafting…")):
        result = drafting.draft(kind, brief, lang=lang, variant=variant, wave=wave, retriever=retriever,
                                chat_model=model, plan_confirmed=plan_confirmed(pid), **draft_args(pid, kind, lang))
        if keep is not None and keep.lang == result.lang:
            result = recheck(editing.keep_edits(keep, result), brief, pid)
        if notice:
            result.notices.append(notice)
    save(pid, result, replaced=True, action="variant" if keep is not None else "draft")
    st.rerun()


def regenerate(pid: str, kind: str, brief: Brief, key: str) -> None:
    """Write one section / FAQ item / survey item anew, keeping everything else (callback). The new wording
    is one this document never had; when none is left, the user is told so."""
    _ = state.tr()
    cur = current(pid, kind)
    count = cur.regenerations.get(key, 0) + 1
    cur.regenerations[key] = count
    retriever, model, _notice = engine(state.settings())
    earlier = [drafting.part_text(v.draft, key) for v in state.workspace().draft_versions(pid, kind, cur.draft.lang)]
    extra = draft_args(pid, kind, cur.draft.lang)  # what the kind needs beyond the brief (a follow-up's results)
    try:
        result = drafting.regenerate_section(cur.draft, brief, key, variant=cur.variant * 100 + count,
                                             retriever=retriever, chat_model=model, avoid=earlier,
                                             plan_confirmed=plan_confirmed(pid), **extra)
    except drafting.NoMoreVariants:
        message = _("There is no other wording for this part: you have seen every wording the writer has. "
                    "Edit the text yourself if you want it different.")
        state.flash("warning", message)
        st.toast(_("No other wording left for this part."), icon=":material/info:")  # seen where the user is
        return
    save(pid, result, replaced=True, action="rewrite")


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


def translation_offer(pid: str, brief: Brief | None, draft: Draft) -> None:
    """The brief's fields this document quotes in another language, to translate here (saved in the brief)."""
    _ = state.tr()
    lang = draft.lang
    untranslated = quoted_fields(brief.for_lang(lang), draft.text) if brief is not None else ()
    if not untranslated:
        return
    latest = state.workspace().latest_brief(pid)
    brief_form.load_into_widgets(pid, latest.data if latest else {}, latest.version if latest else None)
    with st.expander(_("Translate the brief's text into {language}", language=LANGUAGE_NAMES[lang]),
                     icon=":material/translate:"):
        st.caption(_("These fields of the brief have no text in {language} yet, so this document quotes them "
                     "in another language. Add their translation here (it is saved in the brief), then write "
                     "the draft again.", language=LANGUAGE_NAMES[lang]))
        brief_form.translation_fields(pid, lang, untranslated)


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
    cols = st.columns(3 if extra is not None else 2)
    author = str(data.get("author") or "")
    editions = (("review", _("For review"), _("With the sender's notes as comments and the sources listed."),
                 ":material/rate_review:"),
                ("ready", _("Ready to send"), _("Clean, as staff receive it: no comments, no source marks."),
                 ":material/send:"))
    for col, (edition, label, help_text, icon) in zip(cols, editions, strict=False):
        try:
            payload = _docx(pid, draft, reference, include, author, edition)
        except Exception as exc:
            log.error("export failed: %s", redact(str(exc)))
            st.error(_("The Word document could not be made. Your draft is saved; please try again."))
            return
        suffix = "-review" if edition == "review" else ""
        col.download_button(label, payload, file_name=filename(draft, "docx", suffix), help=help_text,
                            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            type="primary" if edition == "ready" else "secondary", icon=icon,
                            key=f"docx:{draft.kind}:{edition}", on_click="ignore", width="stretch")
    if extra is not None:
        with cols[2]:
            extra()


def _docx(pid: str, draft: Draft, reference: bytes | None, include: bool, author: str,
          edition: str = "review") -> bytes:
    """The Word file of one edition, made once per saved version and options (reruns happen on every click)."""
    from toolkit import export

    cur = _store().get((pid, draft.kind, draft.lang))
    version = (pid, draft.kind, draft.lang, cur.version if cur else None)
    key = (*version, hash(reference), include, author, edition)
    cache = st.session_state.setdefault("docx_cache", {})
    if key not in cache:
        for old in [k for k in cache if k[:4] != version or k[4:7] != key[4:7]]:
            del cache[old]  # keep both editions of this version, drop the rest
        cache[key] = export.to_docx(draft, reference=reference, include_findings=include, author=author,
                                    edition=edition)
    return cache[key]


def filename(draft: Draft, ext: str, suffix: str = "") -> str:
    stem = "".join(ch if ch.isalnum() else "-" for ch in (draft.organisation or draft.kind)).strip("-").lower()
    return f"{stem or 'draft'}-{draft.kind}-{draft.lang}{suffix}.{ext}"


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


def plan_parts(draft: Draft) -> list[str]:
    """The sections, items and survey items whose text names a touchpoint of the plan (their notes say so)."""
    return list(dict.fromkeys(n.section for n in draft.notes if n.source == "plan"))


def stale_notice(pid: str, kind: str, brief: Brief | None, cur: Current) -> None:
    """When the plan changed after this draft was saved, say so and offer to write the parts that name its
    touchpoints again (the user's edits elsewhere stay)."""
    _ = state.tr()
    if kind == "plan" or kind not in state.workspace().stale_kinds(pid):
        return
    parts = plan_parts(cur.draft)
    with st.container(border=True):
        st.warning(_("The plan changed after this draft was written: the dates and meetings it names may no "
                     "longer match."), icon=":material/event_busy:")
        if parts and brief is not None and st.button(_("Write the parts that name the plan again"),
                                                     key=f"stale_rewrite:{pid}:{kind}",
                                                     icon=":material/update:"):
            rewrite_plan_parts(pid, kind, brief, parts)


def rewrite_plan_parts(pid: str, kind: str, brief: Brief, parts: list[str]) -> None:
    """Write each part that names the plan again from the current plan; a part without another wording keeps
    its text (its dates are the plan's proposal either way)."""
    cur = current(pid, kind)
    retriever, model, _notice = engine(state.settings())
    result = cur.draft
    for key in parts:
        try:
            result = drafting.regenerate_section(result, brief, key, variant=cur.variant, retriever=retriever,
                                                 chat_model=model, plan_confirmed=plan_confirmed(pid),
                                                 **draft_args(pid, kind, cur.draft.lang))
        except (KeyError, drafting.NoMoreVariants):
            continue
    save(pid, result, replaced=True, action="rewrite")
    st.rerun()


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
    stale_notice(pid, kind, brief, cur)
    translation_offer(pid, brief, cur.draft)
    versions_panel(pid, kind)
    extra = (lambda: extra_download(cur.draft)) if extra_download else None
    panels(pid, cur.draft, data, lambda: editor(pid, brief, cur), extra)


@guarded
def _on_section_edit(pid: str, kind: str, key: str, heading_key: str, body_key: str) -> None:
    cur = current(pid, kind)
    edited = editing.edit_section(cur.draft, key, st.session_state.get(heading_key, ""),
                                  st.session_state.get(body_key, ""))
    if edited != cur.draft:
        save(pid, recheck(edited, brief_for(pid)[0], pid), replaced=False)


@guarded
def on_regenerate(pid: str, kind: str, key: str) -> None:
    _ = state.tr()
    brief = brief_for(pid)[0]
    if brief is None:
        state.flash("warning", _("The brief is not complete yet. Complete it to draft this document."))
        return
    if _holds_own_text(current(pid, kind).draft, key) and not st.session_state.pop(_rewrite_key(pid, kind, key),
                                                                                      False):
        st.session_state[_rewrite_key(pid, kind, key)] = True  # the next click on the same button writes
        message = _("This part holds your own text. Click “Write again” once more to replace it; your text stays "
                    "in the list of versions.")
        state.flash("warning", message)
        st.toast(message, icon=":material/warning:")
        return
    regenerate(pid, kind, brief, key)


def _rewrite_key(pid: str, kind: str, key: str) -> str:
    return f"confirm_rewrite:{pid}:{kind}:{key}"


def _holds_own_text(draft: Draft, key: str) -> bool:
    """Whether the part `key` holds the user's edit (writing it again would replace it)."""
    return any(part.key == key and part.edited for part in (*draft.sections, *draft.items, *draft.questions))


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
                      width="stretch")
            st.text_area(_("Text"), key=body_key, height=box_height(editing.section_body(section)),
                         on_change=_on_section_edit, args=(pid, kind, section.key, heading_key, body_key),
                         help=save_help(), label_visibility="collapsed")
            if section.edited:
                st.caption(_("Edited by you"))
            notes_panel(cur.draft, section.key)


def notes_panel(draft: Draft, key: str) -> None:
    """The sender's notes on one section, FAQ item or survey item, beside its text (nothing when it has none)."""
    _ = state.tr()
    notes = [note for note in draft.notes if note.section == key]
    if not notes:
        return
    titles = {c.id: c.title for c in draft.citations}
    with st.expander(f"{_('Notes for the sender')} ({len(notes)})", icon=":material/sticky_note_2:"):
        st.caption(_("For you as the sender, not for staff. They appear as comments in the review edition."))
        for note in notes:
            source = titles.get(note.source, "")
            st.markdown(f"- {note.text}" + (f"  \n  *{_('Source: {title}', title=source)}*" if source else ""))


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


# --- versions: list, compare, restore -----------------------------------------------------------------------

def _action_labels(_) -> dict[str, str]:
    return {"draft": _("New draft"), "variant": _("New variant"), "edit": _("Edited"),
            "rewrite": _("Part written again"), "add": _("Added"), "remove": _("Removed"),
            "restore": _("Restored"), "copy": _("Project copied"), "": _("Saved")}


def version_label(version, labels: dict[str, str]) -> str:
    """'Version 3 · 1 dec. 2026 20:14 · Part written again · with your edits' in the UI language."""
    _ = state.tr()
    action = labels.get(version.action, labels[""])
    if version.action == "restore" and version.restored_from:
        action = _("Restored from version {n}", n=version.restored_from)
    parts = [_("Version {n}", n=version.version), format_when(version.saved_at), action]
    if version.edited:
        parts.append(_("with your edits"))
    return " · ".join(parts)


def versions_panel(pid: str, kind: str) -> None:
    """Every version of this document: when, by which action, edited or not; compare one with the current
    version and restore it (as a new version: nothing is overwritten)."""
    _ = state.tr()
    cur = current(pid, kind)
    versions = state.workspace().draft_versions(pid, kind, cur.draft.lang)  # this language's document
    labels = _action_labels(_)
    with st.expander(_("Versions ({n})", n=len(versions)), icon=":material/history:"):
        st.caption(_("Every save is kept. Compare an earlier version with the current one, or restore it: "
                     "restoring adds a new version, so nothing is lost."))
        st.markdown("\n".join(f"- {version_label(v, labels)}" + (" — " + _("current") if v.version == cur.version
                                                                   else "") for v in versions))
        earlier = [v for v in versions if v.version != cur.version]
        if not earlier:
            return
        by_number = {v.version: v for v in earlier}
        names = {v.version: version_label(v, labels) for v in earlier}  # made now, in this run's language
        # Keyed by the current version and the newest: the choice starts afresh whenever the list changes
        # (another window may save versions meanwhile), so it never holds a version the list no longer offers.
        number = st.selectbox(_("Compare with the current version"), list(by_number),
                              format_func=names.get,
                              key=f"versions:{pid}:{kind}:{cur.version}:{versions[0].version}")
        chosen = by_number[number]
        changes = editing.diff_drafts(chosen.draft, cur.draft)
        if not changes:
            st.info(_("Version {n} reads the same as the current version.", n=chosen.version))
        else:
            st.caption(_("Lines starting with “-” are only in version {old}; lines starting with “+” only in "
                         "the current version ({new}).", old=chosen.version, new=cur.version))
            st.code(diff_text(changes), language="diff", wrap_lines=True)
        st.button(_("Restore version {n}", n=chosen.version), key=f"restore:{pid}:{kind}",
                  icon=":material/restore:", on_click=on_restore, args=(pid, kind, chosen.version))


def diff_text(changes: list[editing.DiffLine]) -> str:
    """A comparison as diff text: '+ ' added, '− ' removed, '  ' unchanged, '…' for unchanged lines left out."""
    marks = {"added": "+ ", "removed": "- ", "same": "  "}
    return "\n".join("  …" if line.kind == "gap" else marks[line.kind] + line.text for line in changes)


@guarded
def on_restore(pid: str, kind: str, version: int) -> None:
    """Save an earlier version again as the newest one (a callback)."""
    _ = state.tr()
    old = state.workspace().get_draft(pid, kind, version)
    if old is None:
        return
    save(pid, recheck(old.draft, brief_for(pid)[0], pid), replaced=True, action="restore", restored_from=version)
    state.flash("success", _("Version {n} is the current version again.", n=version))
