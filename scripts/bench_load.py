"""Load test: N concurrent sessions of one app process create projects, draft every kind and export Word.

Each session is a real session of `streamlit_app.py` (Streamlit's AppTest), all sharing one data folder, on
127.0.0.1 only (no server port is opened; nothing leaves the machine). A session opens the project shown by
default, reads it without editing, creates its own project, fills that brief field by field, drafts the story,
FAQ, survey and plan, downloads each Word file, and looks at a seeded project again, including the case of a
browser that redraws the form without its own copy of the widgets (`browser_redraw`, the fault of issue 11). Bounded: sessions x
rounds, and a time-out per run of the page.

Prints JSON: throughput (page runs and drafts per second), p50/p95 of each action as the user waits for it
(queueing included) and as the app spends on it, errors, and the checks: every draft correct, every Word
file opens, and no brief changed that its session did not edit (the seeded briefs stay at version 1).

    .venv/bin/python scripts/bench_load.py [--sessions 20] [--rounds 1]

AppTest is not safe to run from two threads at once (it swaps process-wide objects for each run), so page
runs take turns through one lock while the sessions' turns interleave freely, as many users' clicks on one
server do; the workspace sees the same interleaving of writers as with browsers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("story", "faq", "survey", "plan")
LANGS = ("en", "nl", "sv")
RUN_LOCK = threading.Lock()


@dataclass
class Session:
    """What one session did: timings per action (waited, spent), the project it made, errors."""

    n: int
    lang: str
    waited: dict[str, list[float]] = field(default_factory=dict)
    spent: dict[str, list[float]] = field(default_factory=dict)
    projects: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    session_id: str = ""


def _setup_env(data_dir: Path) -> None:
    os.environ["TOOLKIT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("TOOLKIT_EMBEDDINGS", "hash")
    os.environ["TOOLKIT_LLM_PROVIDER"] = "none"
    for path in (ROOT, ROOT / "tests"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def _timed(session: Session, action: str, step):
    """Run one page run (`step()` returns the AppTest) under the run lock; record waited and spent time."""
    asked = time.perf_counter()
    with RUN_LOCK:
        started = time.perf_counter()
        at = step()
        done = time.perf_counter()
    session.waited.setdefault(action, []).append(done - asked)
    session.spent.setdefault(action, []).append(done - started)
    if at.exception:
        session.errors.append(f"{action}: {[e.value for e in at.exception][:1]}")
    return at


def _choice(box, index: int):
    """The option value (not its label) at `index` of a selectbox whose labels come from a dict's `get`."""
    labels = box.format_func
    return next(value for value in getattr(labels, "__self__", {}) if labels(value) == box.options[index])


def browser_redraw(at, prefix: str = "brief:"):
    """What a browser without its own copy of the form's widgets sends with its next click: each widget at the
    default the server sent (unless the server told it to take a value), then that click (a rerun)."""
    for kind in ("text_input", "text_area", "number_input", "date_input", "selectbox", "multiselect"):
        for widget in getattr(at, kind):
            if not (widget.key or "").startswith(prefix) or widget.proto.set_value:
                continue
            proto = widget.proto
            if kind == "selectbox":
                widget.set_value(_choice(widget, proto.default) if proto.HasField("default") else None)
            elif kind == "number_input":
                widget.set_value(int(proto.default) if proto.HasField("default") else None)
            elif kind == "multiselect":
                widget.set_value([widget.options[i] for i in proto.default])
            elif kind == "date_input":
                widget.set_value(date.fromisoformat(proto.default[0]) if proto.default else None)
            else:
                widget.set_value(proto.default)
    return at.run()


def _fill_brief(session: Session, at, pid: str, brief: dict):
    """Type the example brief into the form of `pid`, one field per run, as a user does."""
    for name, value in brief.items():
        key = f"brief:{pid}:{name}"
        if name == "start_date":
            at = _timed(session, "edit", lambda k=key, v=value, a=at: a.date_input(key=k).set_value(
                date.fromisoformat(str(v))).run())
        elif name == "team_size":
            at = _timed(session, "edit", lambda k=key, v=value, a=at: a.number_input(key=k).set_value(v).run())
        elif name in ("tone", "language", "sender", "address"):
            at = _timed(session, "edit", lambda k=key, v=value, a=at: a.selectbox(key=k).set_value(v).run())
        elif name == "tool_kinds":
            at = _timed(session, "edit", lambda k=key, v=value, a=at: a.multiselect(key=k).set_value(v).run())
        elif isinstance(value, list):
            at = _timed(session, "edit", lambda k=key, v=value, a=at: a.text_area(key=k).input("\n".join(v)).run())
        else:
            widget = at.text_area if any(w.key == key for w in at.text_area) else at.text_input
            at = _timed(session, "edit", lambda k=key, v=value, w=widget: w(key=k).input(str(v)).run())
    return at


def _draft_and_export(session: Session, at, pid: str, downloads: dict[str, bytes]):
    from app_support import page

    from toolkit.i18n import translator

    _ = translator(session.lang)
    for kind in KINDS:
        at = _timed(session, "open page", lambda k=kind, a=at: page(a, k))
        labels = {b.label: b for b in at.button}
        button = labels.get(_("Write draft")) or labels.get(_("Write a new draft"))
        if button is None:
            session.errors.append(f"{kind}: no draft button ({sorted(labels)[:6]})")
            continue
        before = set(downloads)
        at = _timed(session, "draft", lambda b=button: b.click().run())
        if not [b for b in at.get("download_button") if b.label == _("Ready to send")]:
            session.errors.append(f"{kind}: no Word download")
        new = [name for name in downloads if name not in before and name.endswith(f"-{kind}-{session.lang}.docx")]
        if not new and not any(n.endswith(f"-{kind}-{session.lang}.docx") for n in downloads):
            session.errors.append(f"{kind}: no Word file was offered")
    return _timed(session, "open page", lambda a=at: page(a, "rollout"))


def _session(session: Session, brief: dict, rounds: int, downloads: dict[str, bytes], look_at: str) -> None:
    from app_support import APP, TIMEOUT, AppTest, button

    from toolkit.i18n import translator

    _ = translator(session.lang)
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.query_params["lang"] = session.lang
        at = _timed(session, "open app", at.run)  # the project shown by default, read and not edited
        session.session_id = at.session_state["session_id"]
        for r in range(rounds):
            at.text_input(key="new_project_name").input(f"Load {session.n}.{r}")
            at = _timed(session, "create project", lambda a=at: button(a, _("Create project")).click().run())
            pid = at.session_state["project_id"]
            session.projects.append(pid)
            at = _fill_brief(session, at, pid, brief)
            at = _draft_and_export(session, at, pid, downloads)
            # Look at a seeded project again, without editing it.
            at = _timed(session, "open project",
                        lambda a=at: a.selectbox(key="project_select").set_value(look_at).run())
            at = _timed(session, "open project", at.run)  # one more click on it
            # The browser redraws the form without its own copy (a dropped connection on a loaded server).
            at = _timed(session, "open project", lambda a=at: browser_redraw(a))
    except Exception as exc:  # a failed step is counted, the other sessions go on
        session.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")


def _record_downloads() -> tuple[dict[str, bytes], type]:
    """Keep every file the app offers for download (as the browser would receive it); returns the files and
    the storage class to put back afterwards."""
    from app_support import recording_storage
    from streamlit.testing.v1 import app_test

    files, recording = recording_storage()
    original = app_test.MemoryMediaFileStorage
    app_test.MemoryMediaFileStorage = recording
    return files, original


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "p50_s": round(statistics.median(ordered), 3), "p95_s": round(p95, 3)}


def _check(sessions: list[Session], seeded: dict[str, int], downloads: dict[str, bytes]) -> list[str]:
    """Problems: unedited briefs that changed, briefs written by a session that did not own them, drafts
    of the wrong kind or language, Word files that do not open."""
    from app_support import workspace

    ws = workspace()
    problems = []
    for pid, version in seeded.items():
        versions = ws.brief_versions(pid)
        if [v.version for v in versions] != [version]:
            problems.append(f"unedited brief {pid} has versions {[v.version for v in versions]}")
    for session in sessions:
        for pid in session.projects:
            writers = {v.session_id for v in ws.brief_versions(pid)}
            if writers - {session.session_id}:
                problems.append(f"brief {pid} of session {session.n} also written by {len(writers) - 1} other(s)")
            for kind in KINDS:
                latest = ws.latest_draft(pid, kind)
                if latest is None or latest.draft.kind != kind or latest.draft.lang != session.lang:
                    problems.append(f"project {pid}: {kind} draft missing or wrong")
                elif not (latest.draft.sections or latest.draft.items or latest.draft.questions):
                    problems.append(f"project {pid}: {kind} draft is empty")
    for name, payload in downloads.items():
        if name.endswith(".docx"):
            try:
                zipfile.ZipFile(io.BytesIO(payload)).getinfo("word/document.xml")
            except (zipfile.BadZipFile, KeyError):
                problems.append(f"{name} is not a Word file")
    return problems


def run(sessions: int = 20, rounds: int = 1, data_dir: Path | None = None) -> dict:
    """Drive `sessions` concurrent app sessions for `rounds` rounds each; return the numbers and checks."""
    data_dir = Path(data_dir or tempfile.mkdtemp(prefix="bench-load-"))
    _setup_env(data_dir)
    from app_support import example_brief, seed_project

    seeded = {seed_project(lang, name=f"Seed {lang}"): 1 for lang in LANGS}
    downloads, storage = _record_downloads()
    briefs = {lang: {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in example_brief(lang).items()}
              for lang in LANGS}
    people = [Session(n=n, lang=LANGS[n % len(LANGS)]) for n in range(sessions)]
    seeds = list(seeded)
    threads = [threading.Thread(target=_session, args=(s, briefs[s.lang], rounds, downloads, seeds[s.n % len(seeds)]),
                                name=f"session-{s.n}") for s in people]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        from streamlit.testing.v1 import app_test

        app_test.MemoryMediaFileStorage = storage
    elapsed = time.perf_counter() - started
    actions = sorted({a for s in people for a in s.waited})
    runs = sum(len(v) for s in people for v in s.waited.values())
    drafts = sum(len(s.waited.get("draft", [])) for s in people)
    errors = [f"session {s.n}: {e}" for s in people for e in s.errors]
    return {
        "sessions": sessions, "rounds": rounds, "elapsed_s": round(elapsed, 1),
        "page_runs": runs, "runs_per_s": round(runs / elapsed, 2), "drafts": drafts,
        "drafts_per_min": round(60 * drafts / elapsed, 1),
        "waited": {a: _percentiles([t for s in people for t in s.waited.get(a, [])]) for a in actions},
        "spent": {a: _percentiles([t for s in people for t in s.spent.get(a, [])]) for a in actions},
        "errors": errors, "problems": _check(people, seeded, downloads),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.sessions <= 100 or not 1 <= args.rounds <= 10:
        print("bench_load: --sessions must be 1-100 and --rounds 1-10", file=sys.stderr)
        raise SystemExit(2)
    import logging

    logging.disable(logging.WARNING)  # Streamlit's deprecation notes would drown the numbers
    with tempfile.TemporaryDirectory(prefix="bench-load-", ignore_cleanup_errors=True) as tmp:
        result = run(args.sessions, args.rounds, data_dir=Path(tmp))  # nothing left behind in CI
    print(json.dumps(result, indent=2, ensure_ascii=False))
    raise SystemExit(1 if result["errors"] or result["problems"] else 0)


if __name__ == "__main__":
    main()
