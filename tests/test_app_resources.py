"""Cold start: the knowledge index is opened (and built when needed) in a background thread with progress,
the embedding model and the language detector are warmed, and a failure reaches the page and is retried."""

from __future__ import annotations

from toolkit import language
from toolkit.cards import load_cards
from toolkit.settings import Settings
from ui import resources


def _cards() -> int:
    return sum(len(load_cards(lang)) for lang in ("nl", "sv", "en"))


def test_job_builds_the_index_in_the_background_then_reopens_without_indexing():
    settings = Settings.from_env()  # conftest: hash embeddings, a fresh data directory
    job = resources.RetrieverJob(settings)
    assert job.wait(120) and job.error is None, job.error
    assert job.phase == "ready" and job.indexed
    assert job.total_units == job.done_units >= _cards() > 0  # progress counted every card
    assert job.retriever.search("job security and training", lang="en", k=3)
    assert language._detector is not None  # the detector was built (and its models loaded) while warming

    again = resources.RetrieverJob(settings)  # a restart: the index on disk is up to date
    assert again.wait(120) and again.error is None
    assert not again.indexed and again.total_units == 0


def test_prepare_returns_at_once_and_retriever_waits_for_the_same_job():
    settings = Settings.from_env()
    job = resources.prepare(settings)
    assert isinstance(job, resources.RetrieverJob)
    assert resources.prepare(settings) is job  # once per process and settings
    retriever = resources.retriever(settings)  # blocks (showing progress in a page) until ready
    assert job.ready and retriever is job.retriever


def test_a_failed_job_is_reported_and_the_next_call_tries_again(tmp_path):
    # Ollama embeddings with nothing listening: indexing fails in the background thread.
    settings = Settings.from_env().with_(embeddings="ollama", embeddings_model="none",
                                         data_dir=tmp_path / "failing")
    first = resources.prepare(settings)
    try:
        resources.retriever(settings)
    except Exception as exc:  # the page's guard turns this into a friendly message
        assert exc is first.error
    else:  # pragma: no cover - an Ollama server answered
        raise AssertionError("expected the index to fail without an Ollama server")
    assert first.phase == "failed"
    second = resources.prepare(settings)
    assert second is not first  # the failure was not cached
    assert second.wait(120) and second.error is not None and second.error is not first.error  # a real retry
