"""The Retriever against a real Chroma server started by the test on 127.0.0.1 (CHROMA_HOST/CHROMA_PORT)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_knowledge import DUTCH, make_docx
from test_retrieval import write_cards

from toolkit.retrieval import Retriever
from toolkit.settings import Settings

pytestmark = pytest.mark.integration

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma exited with {process.returncode}: {process.stdout.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"chroma did not answer on port {port} within {timeout} s")


@pytest.fixture
def chroma_server(tmp_path, monkeypatch):
    port = free_port()
    process = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "chroma")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_up(port, process)
        monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("CHROMA_PORT", str(port))
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
