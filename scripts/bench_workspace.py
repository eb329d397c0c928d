"""Workspace calls on SQLite and PostgreSQL: p50 / p95 of the calls the app makes most (issue 11, section 4).

    .venv/bin/python scripts/bench_workspace.py [--calls 200] [--url postgresql://...] [--postgresql] [--json]

Without a URL it measures a SQLite file in a temporary folder. `--url` adds a database you name (it must be
empty or a toolkit workspace; the benchmark adds one project). `--postgresql` starts a throwaway PostgreSQL
server with the test suite's helper (tests/db_support.py, but with fsync on, as a real server commits) and
measures a fresh database on it.
Each call is timed alone, with a new `Workspace(...)` per call as the app builds one per run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from toolkit.models import Draft, Section  # noqa: E402
from toolkit.workspace import Workspace  # noqa: E402


def _draft(n: int) -> Draft:
    return Draft(kind="story", lang="nl", title="Titel",
                 sections=[Section(key="why", heading="Waarom", paragraphs=[f"Alinea {n}. " * 40])])


def _timed(call, calls: int) -> dict:
    times = []
    for n in range(calls):
        start = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


def measure(location, calls: int) -> dict:
    """The p50/p95 of save_draft, latest_brief and list_projects, and the first open (migrations included)."""
    start = time.perf_counter()
    ws = Workspace(location)
    first_open = (time.perf_counter() - start) * 1000
    for n in range(20):  # a workspace with some projects in it
        ws.create_project(f"Project {n}")
    pid = ws.create_project("Bench").id
    ws.save_brief(pid, {"organisation": "Acme", "team_size": 60, "tone": "formal"})
    base = {"version": None}

    def save(n: int) -> None:
        base["version"] = Workspace(location).save_draft(pid, _draft(n), session_id="bench",
                                                         base_version=base["version"]).version

    return {"first_open_ms": round(first_open, 1),
            "save_draft": _timed(save, calls),
            "latest_brief": _timed(lambda n: Workspace(location).latest_brief(pid), calls),
            "list_projects": _timed(lambda n: Workspace(location).list_projects(), calls)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--url", action="append", default=[], help="also measure this database")
    parser.add_argument("--postgresql", action="store_true", help="start a throwaway PostgreSQL and measure it")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        targets: dict[str, object] = {"sqlite": folder / "workspace.sqlite3"}
        for n, url in enumerate(args.url):
            targets[f"url{n + 1}"] = url
        if args.postgresql:
            import db_support
            server = stack.enter_context(db_support.running_postgresql(durable=True))
            targets["postgresql"] = stack.enter_context(db_support.fresh_database(server))
        for name, location in targets.items():
            results[name] = measure(location, args.calls)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, numbers in results.items():
        print(f"{name}: first open {numbers['first_open_ms']} ms")
        for call in ("save_draft", "latest_brief", "list_projects"):
            print(f"  {call:14} p50 {numbers[call]['p50_ms']:7.2f} ms   p95 {numbers[call]['p95_ms']:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
