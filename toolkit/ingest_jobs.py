"""Long ingests in the background: progress, an ETA, cancel, and resume after the process died.

A job is a list of files. Their bytes are saved under `jobs/<id>/files/` before anything else, and the job's
state under `jobs/<id>/job.json`, rewritten after every file and every few embedding batches. Every session of
every process reads it there: a job belongs to the data folder, not to the session that started it.

The process that runs a job holds `jobs/<id>/run.lock` (a file lock the kernel releases when the process dies),
so a job still marked queued or running whose lock is free was interrupted. It is offered for resume, not
resumed on its own: the process may have died because of this very ingest (memory, a stuck embedding server),
or an operator stopped it on purpose, and an app that resumed it at every start would repeat the fault at every
start. Resume continues with the files not finished; a finished one is never added twice (the store knows a
document by its content, and the half-written one was rolled back when the store was opened).

Cancel is cooperative: the worker checks for `jobs/<id>/cancel` between embedding batches. A document's
passages are written only after all of them are embedded, so a cancelled document leaves nothing behind; the
documents finished before it stay.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel, Field

from toolkit.i18n import translator
from toolkit.knowledge import IngestResult, KnowledgeError, Limits, check_data, extract_text, passage_count
from toolkit.store import storage_errors

if TYPE_CHECKING:
    from toolkit.retrieval import Retriever

log = logging.getLogger("toolkit.jobs")

JOBS_DIR = "jobs"
STATE_FILE, LOCK_FILE, CANCEL_FILE = "job.json", "run.lock", "cancel"
KEEP_ENDED = 20  # finished and cancelled jobs kept (their results), newest first

JobState = Literal["queued", "running", "done", "cancelled", "failed"]
FileState = Literal["waiting", "running", "ok", "duplicate", "error", "cancelled"]
FINISHED: tuple[FileState, ...] = ("ok", "duplicate", "error")


class IngestCancelled(Exception):
    """The user cancelled the job; raised between embedding batches, so nothing of the current file is written."""


class JobFile(BaseModel):
    """One file of a job and what became of it."""

    name: str
    size: int
    source_id: str  # the content's id, as the store names documents (to count a known one as nothing to do)
    status: FileState = "waiting"
    planned: int | None = None  # passages it will add (None: not read yet)
    done: int = 0  # passages embedded so far
    result: IngestResult | None = None  # the same result (and localised message) as a foreground ingest

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def passages(self) -> int:
        """What the file counts for in the job's total."""
        return self.result.chunks if self.result is not None else self.planned or 0


class IngestJob(BaseModel):
    """A background ingest as stored in `job.json`; `interrupted` is found out when it is read."""

    id: str
    created: str
    lang: str | None = None
    state: JobState = "queued"
    files: list[JobFile]
    runs: int = 0  # 1 for a job that ran once; more after a resume
    started: str = ""
    finished: str = ""
    rate: float | None = None  # passages per second measured in this run (None before the first batch)
    eta_seconds: float | None = None
    error: str = ""  # why a failed job stopped, in the job's language
    interrupted: bool = Field(default=False, exclude=True)

    @property
    def active(self) -> bool:
        """Queued or running in a live process."""
        return self.state in ("queued", "running") and not self.interrupted

    @property
    def resumable(self) -> bool:
        """Interrupted by a dead process, or stopped by a fault (a full disk, a server gone)."""
        return self.interrupted or self.state == "failed"

    @property
    def reading(self) -> bool:
        """Still counting the passages of its files (before the first one is embedded)."""
        return any(f.planned is None for f in self.files if not f.finished)

    @property
    def total_passages(self) -> int:
        return sum(f.passages for f in self.files)

    @property
    def done_passages(self) -> int:
        return sum(f.passages if f.status == "ok" else f.done if f.status == "running" else 0 for f in self.files)

    @property
    def file_number(self) -> int:
        """1-based number of the file being added (or next)."""
        for n, f in enumerate(self.files, start=1):
            if not f.finished:
                return n
        return len(self.files)

    @property
    def finished_files(self) -> int:
        return sum(f.finished for f in self.files)

    @property
    def fraction(self) -> float:
        """Progress from 0 to 1, by passages once they are counted, else by files."""
        total = self.total_passages
        if total and not self.reading:
            return min(1.0, self.done_passages / total)
        return self.finished_files / len(self.files) if self.files else 1.0


def content_id(data: bytes) -> str:
    """The id the store gives a document with these bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class IngestJobs:
    """The ingest jobs of one data folder, as this process sees and runs them. Safe to share between threads
    (every session of the app uses one): one worker thread runs this process's jobs one after another.

    `listener(job)`, when given, is called after each write of a job's state (the CLI prints progress with it).
    """

    def __init__(self, data_dir: Path, listener: Callable[[IngestJob], None] | None = None) -> None:
        self.root = Path(data_dir) / JOBS_DIR
        self.listener = listener
        self._mutex = threading.RLock()
        self._queue: deque[tuple[str, Retriever]] = deque()
        self._locks: dict[str, FileLock] = {}  # the jobs this process owns
        self._ended: dict[str, threading.Event] = {}
        self._worker: threading.Thread | None = None

    # reading ----------------------------------------------------------------------------------------------

    def get(self, job_id: str) -> IngestJob | None:
        """A job as stored, or None when there is no such job (or its state cannot be read)."""
        path = self.root / job_id / STATE_FILE
        try:
            job = IngestJob.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            return None
        job.interrupted = job.state in ("queued", "running") and not self._alive(job_id)
        return job

    def jobs(self) -> list[IngestJob]:
        """Every job of the data folder, newest first."""
        if not self.root.is_dir():
            return []
        found = [self.get(folder.name) for folder in self.root.iterdir() if folder.is_dir()]
        return sorted((j for j in found if j is not None), key=lambda j: (j.created, j.id), reverse=True)

    def _alive(self, job_id: str) -> bool:
        """Whether a live process (this one or another) holds the job's lock."""
        if job_id in self._locks:
            return True
        probe = FileLock(str(self.root / job_id / LOCK_FILE), thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        except OSError:  # a read-only folder: we cannot tell, so do not offer to take it over
            return True
        probe.release()
        return False

    # starting, cancelling, resuming -----------------------------------------------------------------------

    def submit(self, files: list[tuple[str, bytes]], retriever: Retriever, lang: str | None = None) -> IngestJob:
        """Save the files under the data folder and queue the job; returns at once. A full disk or a read-only
        folder raises KnowledgeError, and nothing is left behind."""
        job_id = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        folder = self.root / job_id
        try:
            with storage_errors():
                (folder / "files").mkdir(parents=True)
                self._hold(job_id)  # before the state exists: a job is never seen without its owner
                for n, (_name, data) in enumerate(files):
                    (folder / "files" / str(n)).write_bytes(data)
                job = IngestJob(id=job_id, created=_now(), lang=lang, files=[
                    JobFile(name=name, size=len(data), source_id=content_id(data)) for name, data in files])
                self._save(job)
        except Exception:
            self._release(job_id)
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._enqueue(job_id, retriever)
        return job

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running job to stop (the worker stops at its next embedding batch, in whichever
        process runs it). False when the job is not active."""
        job = self.get(job_id)
        if job is None or not job.active:
            return False
        (self.root / job_id / CANCEL_FILE).touch()
        with self._mutex:
            waiting = [item for item in self._queue if item[0] == job_id]
            for item in waiting:  # not started yet: stop it now rather than when the worker gets to it
                self._queue.remove(item)
        if waiting:
            self._end(job, "cancelled")
            self._release(job_id)
        return True

    def resume(self, job_id: str, retriever: Retriever, background: bool = True,
               lang: str | None = None) -> IngestJob | None:
        """Take over an interrupted (or failed) job and run the files it did not finish. None when the job is
        not resumable or another session took it over first. `background=False` runs it here and now."""
        job = self.get(job_id)
        if job is None or not job.resumable or not self._hold(job_id):
            return None
        (self.root / job_id / CANCEL_FILE).unlink(missing_ok=True)
        job.state, job.error, job.interrupted = "queued", "", False
        job.lang = lang or job.lang
        self._save(job)
        if background:
            self._enqueue(job_id, retriever)
        else:
            self._ended[job_id] = threading.Event()
            self._run(job_id, retriever)
        return self.get(job_id)

    def discard(self, job_id: str) -> bool:
        """Forget an interrupted, failed or ended job (documents it added stay). False for an active job."""
        job = self.get(job_id)
        if job is None or job.active or not self._hold(job_id):
            return False
        try:
            shutil.rmtree(self.root / job_id, ignore_errors=True)
        finally:
            self._release(job_id)
        return True

    def wait(self, job_id: str, timeout: float | None = None) -> IngestJob | None:
        """Block until a job this process runs has ended (or the timeout passed); returns its state."""
        event = self._ended.get(job_id)
        if event is not None:
            event.wait(timeout)
        return self.get(job_id)

    # the worker -------------------------------------------------------------------------------------------

    def _hold(self, job_id: str) -> bool:
        lock = FileLock(str(self.root / job_id / LOCK_FILE), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        with self._mutex:
            self._locks[job_id] = lock
        return True

    def _release(self, job_id: str) -> None:
        with self._mutex:
            lock = self._locks.pop(job_id, None)
        if lock is not None:
            lock.release()

    def _enqueue(self, job_id: str, retriever: Retriever) -> None:
        with self._mutex:
            self._ended[job_id] = threading.Event()
            self._queue.append((job_id, retriever))
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="toolkit-ingest", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        while True:
            with self._mutex:
                if not self._queue:
                    self._worker = None  # started again by the next submit
                    return
                job_id, retriever = self._queue.popleft()
            self._run(job_id, retriever)

    def _run(self, job_id: str, retriever: Retriever) -> None:
        try:
            job = self.get(job_id)
            if job is not None and job.state == "queued":
                _Run(self, job, retriever).execute()
        except Exception as exc:  # noqa: BLE001 - the worker must survive to run the next job
            log.error("ingest job %s failed: %s", job_id, type(exc).__name__)
        finally:
            self._release(job_id)
            self._ended.setdefault(job_id, threading.Event()).set()

    # state on disk ----------------------------------------------------------------------------------------

    def _save(self, job: IngestJob) -> None:
        path = self.root / job.id / STATE_FILE
        temporary = path.with_name(f"{STATE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        with storage_errors():
            temporary.write_text(job.model_dump_json(indent=1), encoding="utf-8")
            os.replace(temporary, path)  # atomic: a reader sees the old state or the new, never half
        if self.listener:
            self.listener(job)

    def _end(self, job: IngestJob, state: JobState, error: str = "") -> None:
        job.state, job.error, job.finished, job.eta_seconds = state, error, _now(), None
        for f in job.files:
            if f.status == "running":
                f.status = "cancelled" if state == "cancelled" else "waiting"
        self._save(job)
        if state != "failed":  # a failed job may be resumed: keep its files
            shutil.rmtree(self.root / job.id / "files", ignore_errors=True)
        self._prune()

    def _prune(self) -> None:
        ended = [j for j in self.jobs() if j.state in ("done", "cancelled")]
        for job in ended[KEEP_ENDED:]:
            shutil.rmtree(self.root / job.id, ignore_errors=True)

    def _cancelled(self, job_id: str) -> bool:
        return (self.root / job_id / CANCEL_FILE).exists()

    def _data(self, job_id: str, n: int) -> bytes:
        return (self.root / job_id / "files" / str(n)).read_bytes()


class _Run:
    """One run of a job: count the passages, add the files not finished, keep the state on disk up to date."""

    def __init__(self, jobs: IngestJobs, job: IngestJob, retriever: Retriever) -> None:
        self.jobs, self.job, self.retriever = jobs, job, retriever
        self.todo: list[int] = []
        self.embedded = 0  # passages embedded in this run, for the rate
        self.started = 0.0

    def execute(self) -> None:
        job = self.job
        job.state, job.runs, job.started = "running", job.runs + 1, _now()
        job.rate = job.eta_seconds = None
        for f in job.files:
            if not f.finished:
                f.status, f.done = "waiting", 0
        self.jobs._save(job)
        self.todo = [n for n, f in enumerate(job.files) if not f.finished]
        try:
            self._plan()
            self.started = time.perf_counter()
            self.retriever.ingest_batch(self._items(), progress=self._progress, lang=job.lang,
                                        on_result=self._result)
        except IngestCancelled:
            self.jobs._end(job, "cancelled")
        except Exception as exc:  # noqa: BLE001 - a fault of the store or a server: say so, keep the files
            log.warning("ingest job %s stopped: %s", job.id, type(exc).__name__)
            message = exc.message(job.lang) if isinstance(exc, KnowledgeError) else translator(job.lang)(
                "Adding the documents stopped because of an unexpected error. The documents finished before "
                "stay in the knowledge base; resume to add the rest.")
            self.jobs._end(job, "failed", message)
        else:
            self.jobs._end(job, "done")

    def _plan(self) -> None:
        """Count each file's passages first (reading is quick next to embedding), so progress and the ETA are
        in passages of the whole job. A file the store already has, or one that cannot be read, counts 0."""
        settings = self.retriever.settings
        known = {s.source_id for s in self.retriever.sources()}
        for n in self.todo:
            f = self.job.files[n]
            if f.planned is None:
                f.planned = 0 if f.source_id in known else self._count(f.name, n, settings)
            if self.jobs._cancelled(self.job.id):
                raise IngestCancelled
        self.jobs._save(self.job)

    def _count(self, name: str, n: int, settings) -> int:
        try:
            data = check_data(name, self.jobs._data(self.job.id, n), settings.max_upload_mb)
            return passage_count(name, extract_text(name, data, Limits.from_settings(settings)))
        except (KnowledgeError, OSError, ValueError):  # the ingest itself reports why
            return 0

    def _items(self) -> Iterator[tuple[str, Callable[[], bytes]]]:
        for n in self.todo:
            if self.jobs._cancelled(self.job.id):
                raise IngestCancelled
            f = self.job.files[n]
            f.status, f.done = "running", 0
            self.jobs._save(self.job)
            yield f.name, partial(self.jobs._data, self.job.id, n)

    def _running(self) -> JobFile | None:
        return next((f for f in self.job.files if f.status == "running"), None)

    def _progress(self, done: int, total: int, _what: str) -> None:
        f = self._running()
        if f is not None:
            self.embedded += done - f.done
            f.done, f.planned = done, total
        now = time.perf_counter()
        if self.embedded and now > self.started:
            self.job.rate = self.embedded / (now - self.started)
            left = max(0, self.job.total_passages - self.job.done_passages)
            self.job.eta_seconds = left / self.job.rate
        self.jobs._save(self.job)  # every batch (a few seconds of a real embedder): a small JSON file
        if self.jobs._cancelled(self.job.id):
            raise IngestCancelled

    def _result(self, i: int, result: IngestResult) -> None:
        f = self.job.files[self.todo[i]]
        f.result, f.status = result, result.status
        f.done = result.chunks if result.status == "ok" else 0
        self.jobs._save(self.job)
