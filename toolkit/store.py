"""How processes share one store: one writer at a time, and a generation counter readers check.

Chroma's embedded client keeps each collection's vector index in memory. A process that keeps using its
copy after another process wrote sees stale or missing vectors, and its next write can save that stale copy
over the other's work. So every write takes the folder's lock and bumps the generation; a process that finds
the generation moved since it last looked drops its Chroma client and opens the folder afresh.

With a Chroma server the passages live on the server, and so does the generation (`ServerGuard`): app
processes on other machines, each with a data folder of its own, notice each other's writes the same way.
"""

from __future__ import annotations

import errno
import os
import threading
import uuid
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from chromadb.api.shared_system_client import SharedSystemClient
from filelock import FileLock, Timeout

from toolkit.knowledge import KnowledgeError

LOCK_NAME = "index.lock"
GENERATION_NAME = "index.generation"
LOCK_TIMEOUT = 600.0  # seconds a writer waits for another process's write (a large ingest) to finish
_FULL = (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT)


class StoreGuard:
    """The lock and generation counter of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = FileLock(str(data_dir / LOCK_NAME), timeout=LOCK_TIMEOUT, thread_local=False)
        self._threads = threading.RLock()  # FileLock is re-entrant, but not exclusive between our threads

    def generation(self) -> str:
        """The current generation ('' before the first write). One small read: cheap before every search."""
        try:
            return (self.data_dir / GENERATION_NAME).read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return ""

    @contextmanager
    def tidying(self):
        """Hold the folder's lock if no writer on this machine holds it now; yields whether it did. For
        clean-ups that may be put off to another time."""
        with self._threads:
            try:
                self._lock.acquire(blocking=False)
            except Timeout:
                yield False
                return
            try:
                yield True
            finally:
                self._lock.release()

    @contextmanager
    def writing(self):
        """Hold the folder's lock for a write; disk-full and read-only faults become a KnowledgeError."""
        with self._threads, storage_errors():
            try:
                self._lock.acquire()
            except Timeout:
                raise KnowledgeError(_BUSY_MESSAGE, minutes=f"{LOCK_TIMEOUT / 60:g}") from None
            try:
                yield
            finally:
                self._lock.release()

    def bump(self, seen: str = "") -> str:
        """Tell other processes the store changed (call while holding the lock); returns the new generation.
        (`seen`, the generation the writer started from, matters only on a server: see ServerGuard.)"""
        current = self.generation()
        new = str(int(current) + 1 if current.isdigit() else 1)
        path = self.data_dir / GENERATION_NAME
        temporary = path.with_suffix(".tmp")
        with storage_errors():
            temporary.write_text(new, encoding="ascii")
            os.replace(temporary, path)  # atomic: a reader sees the old or the new number, never half
        return new


class ServerGuard(StoreGuard):
    """The lock of this machine's data folder, and a generation kept on the Chroma server.

    The generation is the number of records in a small collection beside the passages (`changes`): every
    write adds one record with a new id. Adding never overwrites, so two writers on two machines both count,
    where a shared counter could lose one of two increments. Reading it is one request (about 1-2 ms on a
    local network), cheap enough before every search.
    """

    def __init__(self, data_dir: Path, changes) -> None:
        super().__init__(data_dir)
        self._changes = changes
        self._last = ""

    def generation(self) -> str:
        """The server's generation; while the server cannot be reached, the last one read (readers keep what
        they have, and the next search names the server)."""
        with suppress(Exception):  # any transport error: see the docstring
            self._last = str(self._changes.count())
        return self._last

    def bump(self, seen: str = "") -> str:
        """Record one write on the server. Returns the new generation when this was the only write since
        `seen`; '' when a process elsewhere wrote meanwhile (not under our lock), so the caller reads the
        store again at its next look instead of believing it has seen that write."""
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with storage_errors():
            self._changes.add(ids=[uuid.uuid4().hex], embeddings=[[1.0]], metadatas=[{"at": stamp}])
        new = self.generation()
        return new if seen.isdigit() and new == str(int(seen) + 1) else ""


@contextmanager
def storage_errors():
    """Turn a full disk or a read-only data folder (from Python or from Chroma) into one clear KnowledgeError."""
    try:
        yield
    except KnowledgeError:
        raise
    except OSError as error:
        if error.errno in _FULL:
            raise KnowledgeError(_STORAGE_MESSAGE) from error
        raise
    except Exception as error:
        if _is_storage_fault(error):
            raise KnowledgeError(_STORAGE_MESSAGE) from error
        raise


_STORAGE_MESSAGE = ("The knowledge base could not be saved: the disk is full or the data folder is read-only. "
                    "Nothing was changed; what was there before is still available.")
_BUSY_MESSAGE = ("The knowledge base is busy: another process has been writing to it for {minutes} minutes. "
                 "Try again later.")
_STORAGE_WORDS = ("disk is full", "no space left", "readonly database", "read-only file system",
                  "attempt to write a readonly")


def _is_storage_fault(error: Exception) -> bool:
    text = str(error).lower()
    return any(word in text for word in _STORAGE_WORDS)


def forget_client(index_dir: Path) -> None:
    """Drop this process's cached Chroma system for a folder, so the next client reads it from disk again."""
    identifier = str(index_dir)
    with SharedSystemClient._refcount_lock:
        system = SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    if system is not None:
        system.stop()
