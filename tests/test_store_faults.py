"""The knowledge store never loses data: two processes at once, a kill -9 mid-ingest, lost vectors, a full disk.

Every test runs real processes on a real on-disk Chroma store with the hash embedder.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_retrieval import write_cards

from toolkit.retrieval import Retriever
from toolkit.settings import PROJECT_ROOT, Settings
from toolkit.store import forget_client

KINGFISHER = ("Project Kingfisher brings the new planning assistant to the Utrecht team in April. Team leaders "
              "explain the change in the first huddle of the week, and agents can try it in a sandbox first.")


def long_text(tag: str, passages: int) -> str:
    """A document of about `passages` passages, each paragraph unique to this document."""
    paragraph = " ".join(f"{tag} paragraph {{n}} sentence {i} about the rollout of the assistant." for i in range(14))
    return "\n\n".join(paragraph.format(n=n) for n in range(passages))


def cli(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], env=env, capture_output=True, text=True,
                          timeout=300, **kwargs)


@pytest.fixture
def knowledge(tmp_path) -> Path:
    return write_cards(tmp_path / "knowledge")


@pytest.fixture
def app(knowledge) -> Retriever:
    """A long-lived Retriever, as the app holds one, that has already searched (its vectors are in memory)."""
    retriever = Retriever.open(knowledge_dir=knowledge)
    retriever.index_knowledge()
    retriever.search("purpose of the assistant")
    return retriever


def uploads(settings: Settings) -> list[str]:
    root = settings.uploads_dir
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


# --- two processes -----------------------------------------------------------------------------------------

def test_a_long_lived_retriever_finds_what_the_cli_added(app, tmp_path):
    doc = tmp_path / "kingfisher.txt"
    doc.write_text(KINGFISHER, encoding="utf-8")
    assert cli("ingest", str(doc)).returncode == 0
    hits = app.search("project Kingfisher", k=1)
    assert hits and hits[0].source == "kingfisher.txt"
    assert [s.title for s in app.sources() if s.origin == "upload"] == ["kingfisher.txt"]


def test_the_app_and_the_cli_writing_at_once_lose_no_vector(app, tmp_path):
    cli_docs = []
    for n in range(3):
        cli_docs.append(tmp_path / f"cli-{n}.txt")
        cli_docs[-1].write_text(long_text(f"cli{n}", 40), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    other = subprocess.Popen([sys.executable, "-m", "toolkit", "ingest", *map(str, cli_docs)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    app_docs = []
    for n in range(3):
        app_docs.append(tmp_path / f"app-{n}.txt")
        app_docs[-1].write_text(long_text(f"app{n}", 40), encoding="utf-8")
        assert app.ingest([app_docs[-1]])[0].status == "ok"
    out, err = other.communicate(timeout=300)
    assert other.returncode == 0, err
    names = sorted(s.title for s in app.sources() if s.origin == "upload")
    assert names == sorted(p.name for p in cli_docs + app_docs)
    fresh = Retriever.open(knowledge_dir=app.knowledge_dir)
    report = fresh.check(repair=False)
    assert report.unreadable == []
    assert report.passages == len(fresh.collection.get(include=[])["ids"]) > 240
    for doc in cli_docs + app_docs:
        tag = doc.stem.replace("-", "")
        assert fresh.search(f"{tag} paragraph 7", k=1, mode="dense")[0].source == doc.name
    assert fresh.needs_indexing() is False


# --- lost vectors ------------------------------------------------------------------------------------------

def lose_vectors(settings: Settings) -> None:
    """What an unlocked second writer left behind: passages (text and metadata) whose vector can no longer be
    read. The vectors live in the write-ahead log until Chroma persists its vector index: lose both."""
    forget_client(settings.index_dir)
    for segment in settings.index_dir.iterdir():
        if segment.is_dir():
            shutil.rmtree(segment)
    with sqlite3.connect(settings.index_dir / "chroma.sqlite3") as db:
        db.execute("DELETE FROM embeddings_queue")


def test_index_check_finds_and_repairs_passages_without_a_vector(app, tmp_path):
    doc = tmp_path / "kingfisher.txt"
    doc.write_text(KINGFISHER, encoding="utf-8")
    app.ingest([doc])
    total = len(app.collection.get(include=[])["ids"])
    lose_vectors(app.settings)
    result = cli("index", "--check", env={})
    assert result.returncode == 0, result.stderr
    assert f"{total} passages checked, {total} without a readable vector, {total} repaired" in result.stderr
    fresh = Retriever.open(knowledge_dir=app.knowledge_dir)
    assert fresh.check(repair=False).unreadable == []
    assert fresh.search("project Kingfisher", k=1, mode="dense")[0].source == "kingfisher.txt"


def test_index_on_its_own_repairs_lost_vectors(app, knowledge):
    lose_vectors(app.settings)
    result = cli("index", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "without a readable vector" in result.stderr
    assert Retriever.open(knowledge_dir=knowledge).check(repair=False).unreadable == []


# --- kill -9 in the middle of an ingest --------------------------------------------------------------------

def test_a_document_killed_mid_write_is_invisible_and_rolled_back(app, tmp_path):
    doc = tmp_path / "big.txt"
    doc.write_text(long_text("big", 30), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TOOLKIT_TEST_WRITE_PAUSE": "10,120"}
    writer = subprocess.Popen([sys.executable, "-m", "toolkit", "ingest", str(doc)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    paused = any("TOOLKIT_TEST_PAUSED" in line for line in writer.stderr)  # read until the pause (or the end)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert paused, "the ingest finished before it could be killed mid-write"
    # another reader while nobody has cleaned up yet: the half-written document is not there
    assert [s for s in app.sources() if s.origin == "upload"] == []
    assert all(h.origin == "knowledge" for h in app.search("big paragraph 3 rollout", k=5))
    # the next open rolls it back and removes the copy under uploads/
    reopened = Retriever.open(knowledge_dir=app.knowledge_dir)
    assert reopened.collection.get(where={"origin": "upload"}, include=[])["ids"] == []
    assert uploads(reopened.settings) == []
    result = reopened.ingest([doc])[0]
    assert result.status == "ok", result.message
    assert reopened.search("big paragraph 3 rollout", k=1)[0].source == "big.txt"


def test_an_orphan_upload_folder_is_removed_at_open(app):
    orphan = app.settings.uploads_dir / "0123456789abcdef"
    orphan.mkdir(parents=True)
    (orphan / "left-behind.txt").write_text("half", encoding="utf-8")
    Retriever.open(knowledge_dir=app.knowledge_dir)
    assert uploads(app.settings) == []


# --- a full disk or a read-only folder ---------------------------------------------------------------------

@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_changes_nothing_and_says_so(app, tmp_path, monkeypatch, code):
    doc = tmp_path / "kingfisher.txt"
    doc.write_text(KINGFISHER, encoding="utf-8")
    before = ([s.model_dump() for s in app.sources()], sorted(app.collection.get(include=[])["ids"]))
    original = Path.write_bytes

    def full(self, data):
        if self.parent.parent == app.settings.uploads_dir:
            raise OSError(code, os.strerror(code))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = app.ingest([doc], lang="nl")[0]
    assert result.status == "error"
    assert "de schijf is vol of de gegevensmap is alleen-lezen" in result.message
    assert "Er is niets gewijzigd" in result.message
    assert ([s.model_dump() for s in app.sources()], sorted(app.collection.get(include=[])["ids"])) == before
    assert uploads(app.settings) == []
    assert app.search("purpose of the assistant", k=1)  # the last good state stays readable
    monkeypatch.setattr(Path, "write_bytes", original)
    assert Retriever.open(knowledge_dir=app.knowledge_dir).check(repair=False).unreadable == []


def test_a_write_refused_by_chroma_is_one_clear_message(app, tmp_path, monkeypatch):
    doc = tmp_path / "kingfisher.txt"
    doc.write_text(KINGFISHER, encoding="utf-8")

    def refused(self, *args, **kwargs):
        raise RuntimeError("error returned from database: (code: 13) database or disk is full")

    monkeypatch.setattr(type(app.collection), "upsert", refused)
    result = app.ingest([doc], lang="sv")[0]
    assert result.status == "error"
    assert result.message.startswith("Kunskapsbasen kunde inte sparas: disken är full")
    assert [s for s in app.sources() if s.origin == "upload"] == []
    assert uploads(app.settings) == []


def test_a_card_left_with_fewer_passages_is_indexed_again(app, knowledge):
    card = knowledge / "en" / "purpose-first.md"
    card.write_text(card.read_text(encoding="utf-8").replace("kind: guidance\n", "kind: guidance\nasks:\n"
                    "  - why do we get this tool\n  - what is the assistant for\n"), encoding="utf-8")
    app.index_knowledge()
    app._delete(["k:en:purpose-first:asks"])  # what an indexing run killed mid-write leaves behind
    app.refresh()
    assert app.needs_indexing() is True
    report = app.index_knowledge()
    assert (report.updated, report.cards) == (1, ["en/purpose-first"])
    assert app.collection.get(ids=["k:en:purpose-first:asks"], include=[])["ids"] == ["k:en:purpose-first:asks"]


def test_a_writer_that_waits_too_long_for_the_lock_gets_a_clear_message(app, tmp_path, monkeypatch):
    import toolkit.store

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock; "
                               "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
                               str(app.settings.data_dir / toolkit.store.LOCK_NAME)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(toolkit.store, "LOCK_TIMEOUT", 0.2)
        busy = Retriever.open(knowledge_dir=app.knowledge_dir)
        doc = tmp_path / "kingfisher.txt"
        doc.write_text(KINGFISHER, encoding="utf-8")
        result = busy.ingest([doc], lang="nl")[0]
    finally:
        holder.kill()
        holder.wait()
    assert result.status == "error"
    assert result.message.startswith("De kennisbank is bezet: een ander proces schrijft er al")
    assert [s for s in busy.sources() if s.origin == "upload"] == []


def test_a_retriever_opened_after_another_process_wrote_reads_it_fresh(app, tmp_path):
    doc = tmp_path / "kingfisher.txt"
    doc.write_text(KINGFISHER, encoding="utf-8")
    assert cli("ingest", str(doc)).returncode == 0
    second = Retriever.open(knowledge_dir=app.knowledge_dir)  # shares this process's cached Chroma client
    assert second.search("project Kingfisher", k=1, mode="dense")[0].source == "kingfisher.txt"
