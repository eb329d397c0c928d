"""A background ingest in a real browser: the progress refreshes on its own while the page stays usable, and
after the server is killed (kill -9) mid-ingest and started again, Resume adds the rest, each file once.

`streamlit run` on 127.0.0.1 through tests/slow_app.py (the test embedder at about a real embedder's pace),
Playwright with Debian's chromium.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_support import document, wait_for
from servers import free_port, wait_until_ok
from test_e2e import settle

from toolkit.ingest_jobs import JOBS_DIR, STATE_FILE
from toolkit.retrieval import Retriever
from toolkit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "e2e"

pytestmark = pytest.mark.e2e


def start(data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": "hash",
           "TOOLKIT_LLM_PROVIDER": "none", "SLOW_EMBED_DELAY": "0.5", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "slow_app.py"), "run", "streamlit_app.py", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats",
         "false"], cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_ok(f"{url}/_stcore/health", proc, 90, "streamlit")
    return proc, url


def job_state(data_dir: Path) -> dict | None:
    for path in (data_dir / JOBS_DIR).glob(f"*/{STATE_FILE}"):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
    return None


def open_knowledge(page, url: str) -> None:
    page.goto(f"{url}/knowledge?lang=en")
    page.get_by_role("heading", name="Knowledge base", exact=True).wait_for(timeout=90_000)
    settle(page, timeout=120_000)
    page.get_by_role("tab", name="Your documents").click()
    settle(page)


def progress_text(page) -> str:
    bar = page.locator('[data-testid="stProgress"]')
    return bar.first.inner_text() if bar.count() else ""


def test_background_ingest_refreshes_by_itself_and_resumes_after_kill_9(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data_dir, log = tmp_path / "data", tmp_path / "streamlit.log"
    files = []
    for n, tag in enumerate(("one", "two", "three")):
        files.append(tmp_path / f"{tag}.txt")
        files[-1].write_bytes(document(f"{tag}{n}", 48))
    server, url = start(data_dir, log)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_knowledge(page, url)
        page.locator('input[type="file"]').set_input_files([str(f) for f in files])
        settle(page)
        page.get_by_role("button", name="Add to the knowledge base").click()
        page.locator('[data-testid="stProgress"]').wait_for(timeout=30_000)
        # No clicks from here: the panel refreshes on its own, and the progress moves.
        seen = {wait_for(lambda: "passages" in progress_text(page) and progress_text(page), timeout=30)}
        wait_for(lambda: seen.add(progress_text(page)) or len({s for s in seen if "passages" in s}) >= 3,
                 timeout=60, every=0.2)
        page.screenshot(path=str(ARTIFACTS / "ingest-01-progress.png"), full_page=True)
        assert page.get_by_role("button", name="Cancel").count() == 1
        wait_for(lambda: (s := job_state(data_dir)) and s["files"][0]["status"] == "ok"
                 and s["files"][1]["done"] > 0, timeout=60)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    server, url = start(data_dir, log)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_knowledge(page, url)
        page.get_by_text("Adding documents was interrupted (the app stopped): 1 of 3 files are done.").wait_for()
        page.screenshot(path=str(ARTIFACTS / "ingest-02-interrupted.png"), full_page=True)
        page.get_by_role("button", name="Resume").click()
        for name in ("two.txt", "three.txt"):
            page.get_by_text(f"{name}: added (48 passages).").wait_for(timeout=90_000)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "ingest-03-resumed.png"), full_page=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    store = Retriever.open(Settings.from_env().with_(data_dir=data_dir))
    titles = sorted(s.title for s in store.sources() if s.origin == "upload")
    assert titles == ["one.txt", "three.txt", "two.txt"]
    assert store.check(repair=False).unreadable == []
