"""Knowledge base: browse and search the guidance cards, add and remove your own documents."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from toolkit.cards import load_cards
from ui import resources, state
from ui.widgets import guarded, number, run_page

UPLOAD_TYPES = ["md", "txt", "pdf", "docx"]
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
    _own_documents()


def ingest(files) -> None:
    """Add the uploaded files, with a progress bar and one clear result per file."""
    _ = state.tr()
    retriever = resources.retriever(state.settings())
    bar = st.progress(0.0, text=_("Adding documents…"))
    results = []
    for i, upload in enumerate(files):

        def progress(done: int, total: int, what: str, i=i) -> None:
            share = (i + (done / total if total else 1)) / len(files)
            bar.progress(min(1.0, share), text=_("Reading {name}…", name=what))

        bar.progress(i / len(files), text=_("Reading {name}…", name=safe_name(upload.name)))
        results.append(retriever.ingest_data(safe_name(upload.name), upload.getvalue(), progress=progress,
                                             lang=state.ui_lang()))
    bar.progress(1.0, text=_("Done."))
    for result in results:
        if result.status == "ok":
            st.success(result.message, icon=":material/check_circle:")
        elif result.status == "duplicate":
            st.info(result.message, icon=":material/content_copy:")
        else:
            st.error(result.message, icon=":material/error:")


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
