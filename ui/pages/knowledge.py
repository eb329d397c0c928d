"""Knowledge base: browse and search the guidance cards, add and remove your own documents."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from toolkit.cards import load_cards
from toolkit.knowledge import KnowledgeError
from ui import resources, state
from ui.widgets import guarded, number, run_page

UPLOAD_TYPES = ["md", "txt", "pdf", "docx"]
POLL_SECONDS = 1.0  # how often the panel of a running ingest refreshes
WATCHED = "kb_jobs_watched"  # the jobs this session started or resumed: their results stay shown until hidden
ACTIVE = "kb_jobs_active"  # the jobs that were active at the last full run of the page
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (the document keeps its visible name)."""
    name = _UNSAFE.sub("_", Path(name or "document").name).strip(" .") or "document"
    return name[:120]


def _cards(query: str) -> None:
    _, n_ = state.tr(), state.ntr()
    lang = state.ui_lang()
    cards = load_cards(lang) or load_cards("en")
    topics = sorted({t for c in cards for t in c.topics})
    chosen = st.multiselect(_("Topics"), topics, key="kb_topics", placeholder=_("All topics"))
    shown = [c for c in cards if not chosen or set(chosen) & set(c.topics)]
    if query:
        retriever = resources.retriever(state.settings())
        hits = retriever.search(query, lang=lang, k=10)
        st.caption(n_("{n} passage found for “{query}”.", "{n} passages found for “{query}”.", len(hits),
                               query=query))
        for hit in hits:
            _entry(hit.title, hit.source, hit.year, hit.claim, hit.text,
                   _("From your own documents") if hit.origin == "upload" else "")
        return
    st.caption(n_("{n} card", "{n} cards", len(shown)))
    for card in shown:
        _entry(card.title, card.source, card.year, card.claim, card.body, " · ".join(card.topics))


def _entry(title: str, source: str, year: int | None, claim: str, text: str, caption: str) -> None:
    """One card or passage: title, source and year as the expander's label; the claim highlighted."""
    with st.expander(f"{title} — {source}" + (f", {year}" if year else "")):
        if claim:
            st.info(claim)
        st.markdown(text)
        if caption:
            st.caption(caption)


def _upload() -> None:
    _ = state.tr()
    settings = state.settings()
    st.caption(_("Add your own guidance: policies, earlier announcements, research. Markdown, text, PDF or Word, "
                 "at most {mb} MB each.", mb=number(settings.max_upload_mb)))
    files = st.file_uploader(_("Documents"), type=UPLOAD_TYPES, accept_multiple_files=True, key="kb_files")
    if st.button(_("Add to the knowledge base"), disabled=not files, type="primary", icon=":material/upload:"):
        ingest(files)
    _jobs()
    _own_documents()


def ingest(files) -> None:
    """Start adding the uploaded files in the background and return at once; `_jobs` shows how it goes."""
    _ = state.tr()
    settings = state.settings()
    retriever = resources.retriever(settings)
    try:
        job = resources.ingest_jobs(settings).submit([(safe_name(u.name), u.getvalue()) for u in files],
                                                     retriever, lang=state.ui_lang())
    except KnowledgeError as error:  # a full disk or a read-only data folder: nothing was saved
        st.error(error.message(state.ui_lang()), icon=":material/error:")
        return
    st.session_state.setdefault(WATCHED, []).append(job.id)


def _jobs() -> None:
    """The data folder's ingest jobs. While one is active the panel refreshes on its own (a fragment), so
    neither the rest of the page nor any other session waits for it."""
    listing = resources.ingest_jobs(state.settings()).jobs()
    active = [j.id for j in listing if j.active]
    st.session_state[ACTIVE] = active
    st.fragment(run_every=POLL_SECONDS if active else None)(_jobs_panel)()


def _jobs_panel() -> None:
    jobs = resources.ingest_jobs(state.settings())
    listing = jobs.jobs()
    if [j.id for j in listing if j.active] != st.session_state.get(ACTIVE, []):
        # A job ended (the list of documents shows what it added) or one started (from Resume, or in another
        # session): redraw the whole page, which also turns the panel's refreshing on or off.
        st.rerun()
    watched = st.session_state.get(WATCHED, [])
    for job in listing:
        if job.active:
            _active_job(job)
        elif job.resumable:
            _stopped_job(job)
        elif job.id in watched:
            _ended_job(job)


def _active_job(job) -> None:
    _ = state.tr()
    st.progress(job.fraction, text=progress_text(job))
    st.button(_("Cancel"), key=f"kb_cancel:{job.id}", on_click=_cancel, args=(job.id,), icon=":material/close:")


def progress_text(job) -> str:
    """'File 2 of 5 · 340 of 1,200 passages · about 3 minutes left' in the UI language."""
    _, n_ = state.tr(), state.ntr()
    if job.state == "queued":
        return _("Waiting until the documents added before are done…")
    if job.reading:
        return _("Reading the files…")
    parts = [_("File {i} of {n}", i=number(job.file_number), n=number(len(job.files))),
             n_("{done} of {total} passage", "{done} of {total} passages", job.total_passages,
                done=number(job.done_passages), total=number(job.total_passages))]
    if job.eta_seconds is not None:
        minutes = round(job.eta_seconds / 60)
        parts.append(_("less than a minute left") if minutes < 1 else
                     n_("about {n} minute left", "about {n} minutes left", minutes))
    return " · ".join(parts)


def _stopped_job(job) -> None:
    _, n_ = state.tr(), state.ntr()
    if job.state == "failed":
        st.error(job.error, icon=":material/error:")
    else:
        st.warning(n_("Adding documents was interrupted (the app stopped): {done} of {n} file is done. Resume adds "
                      "the rest; nothing already added is added twice.",
                      "Adding documents was interrupted (the app stopped): {done} of {n} files are done. Resume "
                      "adds the rest; nothing already added is added twice.", len(job.files),
                      done=number(job.finished_files)), icon=":material/pause_circle:")
    c1, c2 = st.columns(2)
    c1.button(_("Resume"), key=f"kb_resume:{job.id}", on_click=_resume, args=(job.id,), type="primary",
              icon=":material/play_arrow:")
    c2.button(_("Discard"), key=f"kb_discard:{job.id}", on_click=_discard, args=(job.id,),
              icon=":material/delete:")
    _results(job)


def _ended_job(job) -> None:
    _, n_ = state.tr(), state.ntr()
    if job.state == "cancelled":
        left = sum(not f.finished for f in job.files)
        st.warning(n_("Cancelled. The documents finished before stay in the knowledge base; {n} file was not "
                      "added.", "Cancelled. The documents finished before stay in the knowledge base; {n} files "
                      "were not added.", left), icon=":material/cancel:")
    _results(job)
    st.button(_("Hide these results"), key=f"kb_hide:{job.id}", on_click=_hide, args=(job.id,),
              icon=":material/visibility_off:")


def _results(job) -> None:
    for f in job.files:
        result = f.result
        if result is None:
            continue
        if result.status == "ok":
            st.success(result.message, icon=":material/check_circle:")
        elif result.status == "duplicate":
            st.info(result.message, icon=":material/content_copy:")
        else:
            st.error(result.message, icon=":material/error:")


@guarded
def _cancel(job_id: str) -> None:
    resources.ingest_jobs(state.settings()).cancel(job_id)


@guarded
def _resume(job_id: str) -> None:
    _ = state.tr()
    settings = state.settings()
    job = resources.ingest_jobs(settings).resume(job_id, resources.retriever(settings), lang=state.ui_lang())
    if job is None:
        state.flash("info", _("These documents are already being added: someone resumed them in another tab."))
        return
    st.session_state.setdefault(WATCHED, []).append(job_id)


@guarded
def _discard(job_id: str) -> None:
    resources.ingest_jobs(state.settings()).discard(job_id)


def _hide(job_id: str) -> None:
    st.session_state[WATCHED] = [j for j in st.session_state.get(WATCHED, []) if j != job_id]


@guarded
def _remove(source_id: str) -> None:
    _ = state.tr()
    removed = resources.retriever(state.settings()).remove(source_id)
    state.flash("info" if removed else "warning",
                _("Document removed.") if removed else _("That document was already removed."))


def _own_documents() -> None:
    _, n_ = state.tr(), state.ntr()
    st.subheader(_("Your documents"))
    sources = [s for s in resources.retriever(state.settings()).sources() if s.origin == "upload"]
    if not sources:
        st.caption(_("You have not added any documents yet."))
        return
    for source in sources:
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        c1.markdown(f"**{source.title}**  \n" + n_("{n} passage · {langs}", "{n} passages · {langs}",
                                                               source.chunks, langs=", ".join(source.langs)))
        c2.button(_("Remove"), key=f"kb_remove:{source.source_id}", on_click=_remove, args=(source.source_id,),
                  icon=":material/delete:")


def render() -> None:
    _ = state.tr()
    st.title(_("Knowledge base"))
    browse, own = st.tabs([_("Guidance"), _("Your documents")])
    with browse:
        query = st.text_input(_("Search"), key="kb_query", placeholder=_("e.g. job security, training, eNPS"))
        _cards(query.strip())
    with own:
        _upload()


run_page(render)
