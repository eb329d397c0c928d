"""Heavy resources, created once per process and shared by every session (the only `st.cache_resource`).

The retriever (embedding model and Chroma client) and the chat model are keyed on the settings that shape
them, so a session that switches engine gets its own, and the others keep theirs. The retriever is opened in a
background thread as soon as the app starts (`prepare`), indexing the knowledge base if needed and warming
the embedding model and the language detector; a page that needs it first shows a progress bar meanwhile. API keys come from the
environment or `.streamlit/secrets.toml`; they are never part of a cache key or shown.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import streamlit as st

from toolkit.settings import KEY_VARIABLES, Settings

log = logging.getLogger("toolkit.ui")

# Adding or removing documents rebuilds part of the index; one writer at a time across sessions.
INDEX_LOCK = threading.Lock()
# Chroma's PersistentClient is not safe to create from two threads at once for the same folder (the second
# can see a half-started system); jobs for different settings share the data directory, so they take turns.
OPEN_LOCK = threading.Lock()
WARM_QUERY = "Why are we introducing AI, and what does it mean for my job?"
# Lingua loads its language models on the first detection, not when the detector is built.
WARM_TEXTS = ("Waarom voeren we AI in en wat betekent dat voor mijn werk?",
              "Varför inför vi AI och vad betyder det för mitt arbete?", WARM_QUERY)
POLL_SECONDS = 0.25
OPEN_WAIT = 2.0  # seconds the frame waits for a Chroma server to answer (a refused connection fails in ms)


class RetrieverJob:
    """Opening the knowledge index in a background thread: open Chroma, index the cards if anything changed
    (reporting progress), then warm the embedding model (one query) and the language detector, so the
    first draft does not pay for loading them. Pages wait on it with `retriever()`, which shows progress."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.phase = "opening"  # opening -> indexing -> warming -> ready | failed
        self.indexed = False  # whether this job had to build (part of) the index
        self.done_units = 0
        self.total_units = 0
        self.retriever = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._ready = threading.Event()
        self._opened = threading.Event()  # the store was reached (or could not be): the first, quick step
        self._thread = threading.Thread(target=self._run, name="toolkit-retriever", daemon=True)
        self._thread.start()

    def _progress(self, done: int, total: int, _what: str) -> None:
        self.done_units, self.total_units = done, total

    def _run(self) -> None:
        from toolkit.language import detect_language
        from toolkit.retrieval import Retriever

        started = time.perf_counter()
        try:
            self.settings.ensure_dirs()
            with OPEN_LOCK:
                retriever = Retriever.open(self.settings)
            self._opened.set()
            if retriever.needs_indexing():
                self.phase, self.indexed = "indexing", True
                with INDEX_LOCK:
                    retriever.ensure_indexed(progress=self._progress)
            self.phase = "warming"
            for text in WARM_TEXTS:
                detect_language(text)
            retriever.embeddings.embed_query(WARM_QUERY)
            self.retriever = retriever
            self.phase = "ready"
        except BaseException as exc:  # reported to the page that waits; never lost in the thread
            self.error, self.phase = exc, "failed"
            log.warning("opening the knowledge index failed: %s", type(exc).__name__)
            log.debug("details", exc_info=True)
        finally:
            self.seconds = time.perf_counter() - started
            self._opened.set()
            self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)


@st.cache_resource(show_spinner=False)
def _job(data_dir: str, embeddings: str, embeddings_model: str, chroma_host: str, chroma_port: int) -> RetrieverJob:
    settings = Settings.from_env().with_(
        data_dir=Path(data_dir), embeddings=embeddings, embeddings_model=embeddings_model,
        chroma_host=chroma_host, chroma_port=chroma_port,
    )
    return RetrieverJob(settings)


def _job_for(settings: Settings) -> RetrieverJob:
    return _job(str(settings.data_dir), settings.embeddings, settings.embeddings_model, settings.chroma_host,
                settings.chroma_port)


def prepare(settings: Settings) -> RetrieverJob:
    """Start opening the index for these settings in the background (once per process); returns at once."""
    return _job_for(settings)


def search_unavailable(settings: Settings, wait: float = OPEN_WAIT):
    """The `SearchUnavailable` error when the knowledge base's Chroma server could not be reached at start,
    else None. Waits up to `wait` seconds for the (quick) first step of opening; never raises, so the frame can
    say so on every page while the workspace stays usable. A failed start is forgotten, so the next page run
    tries the server again."""
    from toolkit.retrieval import SearchUnavailable

    if not settings.chroma_host:
        return None
    job = _job_for(settings)
    job._opened.wait(wait)
    if isinstance(job.error, SearchUnavailable):
        _job.clear()
        return job.error
    return None


def unavailable_message(error, _) -> str:
    """The localised sentence for a knowledge base server that cannot be reached (`_` is the page's translator)."""
    return _("Search is unavailable: the knowledge base server cannot be reached ({address}). Your projects "
                   "and drafts are still here; try again in a moment.", address=error.address)


def retriever(settings: Settings):
    """The knowledge index for these settings, ready to search. While it is still being opened (the first
    time in this process), the page shows a progress bar instead of freezing; a failure is raised here and
    the next call tries again."""
    job = _job_for(settings)
    if not job.ready:
        _show_progress(job)
    if job.error is not None:
        _job.clear()
        raise job.error
    return job.retriever


def _show_progress(job: RetrieverJob) -> None:
    from ui import state

    _ = state.tr()
    bar = st.progress(0.0, text=_("Preparing the knowledge base…"))
    while not job.wait(POLL_SECONDS):
        if job.phase == "indexing" and job.total_units:
            bar.progress(min(0.95, 0.9 * job.done_units / job.total_units),
                         text=_("Building the search index (first start only): {done} of {total} cards…",
                                done=job.done_units, total=job.total_units))
        elif job.phase == "warming":
            bar.progress(0.95, text=_("Loading the language models…"))
    bar.empty()


@st.cache_resource(show_spinner=False)
def _ingest_jobs(data_dir: str):
    from toolkit.ingest_jobs import IngestJobs

    return IngestJobs(Path(data_dir))


def ingest_jobs(settings: Settings):
    """The data folder's background ingests, one worker per process shared by every session (a job started in
    one session shows in all of them)."""
    return _ingest_jobs(str(settings.data_dir))


def api_key(settings: Settings, provider: str | None = None) -> str | None:
    """The provider's key from the environment, else from Streamlit secrets; None when there is none."""
    var = KEY_VARIABLES.get(provider or settings.llm_provider)
    if not var:
        return None
    value = os.environ.get(var)
    if value:
        return value
    try:
        secret = st.secrets.get(var)
    except Exception:  # no secrets.toml, or an unreadable one
        return None
    return str(secret) if secret else None


def key_source(settings: Settings, provider: str | None = None) -> str:
    """Where the key was found: 'environment', 'secrets' or '' (never the key itself)."""
    var = KEY_VARIABLES.get(provider or settings.llm_provider)
    if not var:
        return ""
    if os.environ.get(var):
        return "environment"
    return "secrets" if api_key(settings, provider) else ""


def _fingerprint(key: str | None) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12] if key else ""


@st.cache_resource(show_spinner=False)
def _chat_model(provider: str, model: str, base_url: str, timeout: float, key_fingerprint: str, _key: str | None):
    from toolkit import llm

    settings = Settings.from_env().with_(llm_provider=provider, llm_model=model, llm_base_url=base_url,
                                         llm_timeout=timeout)
    return llm.chat_model(settings, api_key=_key)


def chat_model(settings: Settings):
    """The LangChain chat model for these settings, or None for the offline composer."""
    if settings.llm_provider == "none":
        return None
    key = api_key(settings)
    return _chat_model(settings.llm_provider, settings.llm_model, settings.llm_base_url, settings.llm_timeout,
                       _fingerprint(key), key)
