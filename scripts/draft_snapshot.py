"""Write what `python -m toolkit draft` produces for every example brief, kind and language into one folder.

    .venv/bin/python scripts/draft_snapshot.py OUT_DIR [--embeddings hash]
    diff -r BEFORE_DIR AFTER_DIR

For a restructuring step that must not change behaviour: take a snapshot before and after, and compare the two
folders. Per run it writes the JSON (with the `created` timestamp removed), the plain text, the .docx's
`word/document.xml` and, for the survey, the CSV. Everything runs in one process with its own data folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("story", "faq", "survey", "plan")
LANGS = ("en", "nl", "sv")


def _run(argv: list[str]) -> str:
    from toolkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    if status != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {status}: {err.getvalue().strip()}")
    return out.getvalue()


def snapshot(brief: Path, kind: str, lang: str, target: Path) -> None:
    """One brief x kind x language: JSON without timestamp, text, document.xml and the survey's CSV."""
    stem = f"{brief.stem}.{kind}.{lang}"
    base = ["draft", kind, "--brief", str(brief), "--lang", lang]
    data = json.loads(_run([*base, "--json"]))
    data.pop("created", None)
    (target / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    (target / f"{stem}.txt").write_text(_run(base), encoding="utf-8")
    docx = target / f"{stem}.docx"
    extra = ["--csv", str(target / f"{stem}.csv")] if kind == "survey" else []
    _run([*base, "--out", str(docx), "--findings", *extra])
    with zipfile.ZipFile(docx) as archive:
        (target / f"{stem}.document.xml").write_bytes(archive.read("word/document.xml"))
    docx.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--embeddings", default="hash", help="TOOLKIT_EMBEDDINGS for the run (default hash)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ.update(TOOLKIT_DATA_DIR=data_dir, TOOLKIT_EMBEDDINGS=args.embeddings, TOOLKIT_LLM_PROVIDER="none")
        for brief in sorted((ROOT / "examples").glob("brief-*.yaml")):
            for kind in KINDS:
                for lang in LANGS:
                    snapshot(brief, kind, lang, args.out)
    print(f"Wrote {len(list(args.out.iterdir()))} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
