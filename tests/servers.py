"""The real servers tests and benchmarks start on 127.0.0.1: a Chroma server, the Streamlit app, and the
headless Chromium that drives it. One place for how each starts, waits until it answers and stops.

Its fixtures are available to every test (tests/conftest.py loads this module as a plugin).
Every server writes its output to a log file, never to a pipe nobody reads: a full pipe blocks the server
(seen: a Chroma server stopped answering after 64 KB of request log).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMA = Path(sys.executable).parent / "chroma"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ok(url: str, process: subprocess.Popen, seconds: float = 90, what: str = "the server") -> float:
    """Poll `url` until it answers 200; seconds it took. Fails at once if the process exits meanwhile."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{what} did not answer {url} within {seconds} s")


def stop(process: subprocess.Popen, seconds: float = 15) -> None:
    """Terminate, then kill if it does not end in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Chroma ----------------------------------------------------------------------------------------------

class ChromaServer:
    """`chroma run` on one port and folder, which a test can stop and start again."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self.log = path.parent / f"{path.name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """The settings that point a process at this server."""
        return {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(self.port)}

    def start(self) -> ChromaServer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
                stdout=log, stderr=subprocess.STDOUT)
        wait_until_ok(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.process, 60, "chroma")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, 10)
            self.process = None


@pytest.fixture
def chroma(tmp_path, monkeypatch) -> Iterator[ChromaServer]:
    """A Chroma server the test starts and stops itself; CHROMA_HOST/CHROMA_PORT point at it already."""
    server = ChromaServer(tmp_path / "chroma")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def chroma_server(chroma) -> int:
    """A running Chroma server (CHROMA_HOST/CHROMA_PORT set); its port."""
    return chroma.start().port


# --- the app ---------------------------------------------------------------------------------------------

def app_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an app process: its own data folder, the cheap embedder, the offline composer."""
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": "hash",
           "TOOLKIT_LLM_PROVIDER": "none"}
    for name in ("CHROMA_HOST", "CHROMA_PORT"):  # only where asked for: the test process may have its own
        env.pop(name, None)
    return {**env, **extra}


@contextmanager
def streamlit_app(env: Mapping[str, str], log: Path, *args: str, port: int | None = None,
                  seconds: float = 90) -> Iterator[str]:
    """`streamlit run streamlit_app.py` from the project folder on 127.0.0.1; yields its URL once healthy."""
    port = port or free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             *args], cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{url}/_stcore/health", process, seconds, "streamlit")
        yield url
    finally:
        stop(process)


# --- the browser -----------------------------------------------------------------------------------------

@contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: run `bash scripts/system_deps.sh` (or `make system-deps`)")
    with chromium() as instance:
        yield instance
