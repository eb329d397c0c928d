"""Helpers for the background-ingest tests: embedders a test can hold back, documents, an interrupted job."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from toolkit.embeddings import HashEmbeddings
from toolkit.ingest_jobs import JOBS_DIR, STATE_FILE, IngestJob, IngestJobs, JobFile, content_id

GATE_MARK = "Heronsgate"  # documents with this word wait for the test between embedding batches


class GatedEmbeddings(HashEmbeddings):
    """The test embedder (same id, so the same collection), except that a batch of documents containing
    GATE_MARK waits until the test lets it through (`step`), so a test sees a job mid-file deterministically."""

    def __init__(self) -> None:
        super().__init__()
        self._gate = threading.Semaphore(0)
        self._open = threading.Event()
        self.waiting = 0  # batches blocked right now

    def step(self, batches: int = 1) -> None:
        for _ in range(batches):
            self._gate.release()

    def open(self) -> None:
        """Let every batch through from now on."""
        self._open.set()
        self.step(1000)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if any(GATE_MARK in t for t in texts) and not self._open.is_set():
            self.waiting += 1
            passed = self._gate.acquire(timeout=60)
            self.waiting -= 1
            if not passed:
                raise TimeoutError("the test never let this batch through")
        return super().embed_documents(texts)


class SlowEmbeddings(HashEmbeddings):
    """The test embedder, `delay` seconds per batch of documents: a real embedder's pace, in milliseconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        time.sleep(self.delay)
        return super().embed_documents(texts)


def document(tag: str, paragraphs: int, gated: bool = False) -> bytes:
    """A text document of about `paragraphs` passages, its words unique to `tag`."""
    word = f" {GATE_MARK}" if gated else ""
    paragraph = " ".join(f"{tag} paragraph {{n}} sentence {i} about the rollout of the assistant{word}."
                         for i in range(14))
    return "\n\n".join(paragraph.format(n=n) for n in range(paragraphs)).encode()


def wait_for(condition, timeout: float = 60.0, every: float = 0.02):
    """Poll until `condition()` is truthy; returns its value (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting for the condition")


def interrupted_job(data_dir: Path, files: dict[str, bytes], lang: str | None = None, done: int = 0) -> str:
    """What a process killed mid-job leaves: its saved files and a state that says running, with no process
    holding its lock. The first `done` files are marked finished without being in the store (they are not
    touched by a resume). Returns the job id."""
    job_id = "20270101-000000-abcdef"
    folder = data_dir / JOBS_DIR / job_id
    (folder / "files").mkdir(parents=True)
    entries = []
    for n, (name, data) in enumerate(files.items()):
        (folder / "files" / str(n)).write_bytes(data)
        entries.append(JobFile(name=name, size=len(data), source_id=content_id(data),
                               status="running" if n == done else "waiting"))
    for entry in entries[:done]:
        entry.status = "ok"
    job = IngestJob(id=job_id, created="2027-01-01T00:00:00", lang=lang, state="running", runs=1, files=entries)
    (folder / STATE_FILE).write_text(job.model_dump_json(), encoding="utf-8")
    return job_id


def finish_ingests(at, timeout: float = 60.0):
    """Wait until no background ingest of the test's data folder is active, then run the page again (in a
    browser the panel refreshes on its own); returns the AppTest."""
    from toolkit.settings import Settings

    jobs = IngestJobs(Settings.from_env().data_dir)
    wait_for(lambda: not any(j.active for j in jobs.jobs()), timeout=timeout)
    return at.run()
