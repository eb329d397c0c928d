"""The Retriever against a real Chroma server started by the test on 127.0.0.1 (CHROMA_HOST/CHROMA_PORT)."""

from __future__ import annotations

import time

import pytest
from test_knowledge import DUTCH, make_docx
from test_retrieval import write_cards

from toolkit.retrieval import Retriever
from toolkit.settings import Settings

pytestmark = pytest.mark.integration


def test_retriever_uses_the_chroma_server(chroma_server, tmp_path):
    settings = Settings.from_env()
    assert (settings.chroma_host, settings.chroma_port) == ("127.0.0.1", chroma_server)
    knowledge = write_cards(tmp_path / "knowledge")
    retriever = Retriever.open(settings, knowledge_dir=knowledge)
    report = retriever.index_knowledge()
    assert report.added == 7
    doc = tmp_path / "memo.docx"
    doc.write_bytes(make_docx([DUTCH, "Het pilotteam heet IJsvogel."]))
    [result] = retriever.ingest([doc])
    assert result.status == "ok"

    # nothing was written to the on-disk index: the server holds the vectors
    assert not any(settings.index_dir.glob("*.sqlite3"))

    again = Retriever.open(Settings.from_env(), knowledge_dir=knowledge)
    assert not again.needs_indexing()
    assert again.collection.count() == retriever.collection.count()
    [hit] = again.search("pilotteam IJsvogel", lang="nl", k=1)
    assert hit.source == "memo.docx" and hit.lang == "nl"
    assert again.remove(result.source_id)
    assert Retriever.open(Settings.from_env(), knowledge_dir=knowledge).sources()[-1].origin == "knowledge"


# --- two machines: app processes with data folders of their own, sharing one Chroma server ------------------

def machine(tmp_path, name: str, knowledge) -> Retriever:
    """A Retriever as an app process on another machine opens it: its own data folder, the shared server."""
    return Retriever.open(Settings.from_env().with_(data_dir=tmp_path / name), knowledge_dir=knowledge)


def memo(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(make_docx([DUTCH, text]))
    return path


def listed(retriever: Retriever) -> list[str]:
    return [s.title for s in retriever.sources() if s.origin == "upload"]


def test_a_process_on_another_machine_sees_an_upload_and_a_removal(chroma_server, tmp_path):
    knowledge = write_cards(tmp_path / "knowledge")
    a = machine(tmp_path, "a", knowledge)
    a.index_knowledge()
    b = machine(tmp_path, "b", knowledge)
    assert b.search("pilotteam IJsvogel", lang="nl", k=1)[0].origin == "knowledge"

    [added] = a.ingest([memo(tmp_path, "memo.docx", "Het pilotteam heet IJsvogel.")])
    assert added.status == "ok"
    assert listed(b) == ["memo.docx"]  # B's long-lived Retriever: the next look finds it
    [hit] = b.search("pilotteam IJsvogel", lang="nl", k=1)
    assert (hit.source, hit.origin) == ("memo.docx", "upload")
    copy = tmp_path / "copy.docx"  # the same file under another name (a .docx made a second later differs:
    copy.write_bytes((tmp_path / "memo.docx").read_bytes())  # its zip entries carry the time they were written)
    [again] = b.ingest([copy])
    assert again.status == "duplicate"  # duplicate detection works across machines
    assert (tmp_path / "a" / "uploads" / added.source_id).is_dir()

    assert b.remove(added.source_id)
    assert listed(a) == [] and a.search("pilotteam IJsvogel", lang="nl", k=1)[0].origin == "knowledge"
    assert not (tmp_path / "a" / "uploads" / added.source_id).exists()  # A's copy went with it
    [readded] = a.ingest([memo(tmp_path, "memo.docx", "Het pilotteam heet IJsvogel.")])
    assert readded.status == "ok"


def test_a_reader_looks_at_one_number_and_reads_the_store_only_when_it_moved(chroma_server, tmp_path, monkeypatch):
    knowledge = write_cards(tmp_path / "knowledge")
    a = machine(tmp_path, "a", knowledge)
    a.index_knowledge()
    b = machine(tmp_path, "b", knowledge)
    reloads = []
    original = b._reload
    monkeypatch.setattr(b, "_reload", lambda: (reloads.append(1), original())[1])
    for _ in range(5):
        b.search("training for the new tool", lang="en", k=3)
        b.sources()
    assert reloads == []
    a.ingest([memo(tmp_path, "memo.docx", "Het pilotteam heet IJsvogel.")])
    b.search("training for the new tool", lang="en", k=3)
    b.sources()
    assert reloads == [1]


def test_a_write_elsewhere_during_our_own_write_is_not_missed(chroma_server, tmp_path):
    """The server's generation counts writes, so a writer that finds another write beside its own in the
    count reads the store again instead of taking the number as its own."""
    knowledge = write_cards(tmp_path / "knowledge")
    a = machine(tmp_path, "a", knowledge)
    a.index_knowledge()
    b = machine(tmp_path, "b", knowledge)
    with a._writing():  # A is writing (e.g. confirming a document) while B, elsewhere, adds one
        [added] = b.ingest([memo(tmp_path, "memo.docx", "Het pilotteam heet IJsvogel.")])
    assert added.status == "ok"
    assert listed(a) == ["memo.docx"]


def test_a_half_written_document_elsewhere_is_hidden_and_not_rolled_back_until_abandoned(chroma_server, tmp_path):
    """Another machine's writer does not take our lock: opening must not roll back its document in progress.
    A write begun longer ago than any writer waits for the lock is abandoned, and the next open removes it."""
    from toolkit.knowledge import upload_chunks
    from toolkit.store import LOCK_TIMEOUT

    knowledge = write_cards(tmp_path / "knowledge")
    a = machine(tmp_path, "a", knowledge)
    a.index_knowledge()
    chunks = upload_chunks("half.txt", DUTCH, "halfwritten00001", "/elsewhere/half.txt", "2027-01-01T10:00:00")
    for chunk in chunks:
        chunk.metadata["written_at"] = time.time()
    before = a.collection.count()
    with a._writing():  # as a writer on another machine leaves it between its batches: complete=False
        a._write(chunks, a.embeddings.embed_documents([c.index_text for c in chunks]))
    b = machine(tmp_path, "b", knowledge)
    assert listed(b) == [] and b.collection.count() == before + len(chunks)  # hidden, and left alone
    old = time.time() - LOCK_TIMEOUT - 60
    a._mark([c.id for c in chunks], written_at=old)
    c = machine(tmp_path, "c", knowledge)
    assert c.collection.get(where={"source_id": "halfwritten00001"}, include=[])["ids"] == []
    assert listed(c) == []
