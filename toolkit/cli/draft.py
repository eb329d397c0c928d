"""`python -m toolkit draft {story,faq,survey,plan} --brief FILE ...`: the drafting walk without the UI."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from toolkit.cli import EXIT_OK, UsageError, register
from toolkit.cli.common import check_output_path, ensure_indexed, open_chat_model, open_retriever, read_brief
from toolkit.models import DRAFT_KINDS, LANGS


def configure(parser: argparse.ArgumentParser) -> None:
    """The `draft` subcommand's arguments."""
    parser.add_argument("kind", choices=DRAFT_KINDS)
    parser.add_argument("--brief", required=True, help="the rollout brief (YAML or JSON)")
    parser.add_argument("--lang", choices=LANGS, help="document language (default: the brief's)")
    parser.add_argument("--variant", type=int, default=0, help="another wording: 1, 2, ...")
    parser.add_argument("--wave", choices=("before", "during", "after"), default="before",
                        help="survey wave (survey only)")
    parser.add_argument("--json", action="store_true", help="print the draft as JSON")
    parser.add_argument("--out", help="write a Word document to this .docx path")
    parser.add_argument("--csv", help="survey only: write the items as CSV to this path")
    parser.add_argument("--findings", action="store_true", help="add the quality findings as an appendix")
    parser.add_argument("--ready", action="store_true",
                        help="with --out: the ready-to-send edition (no sender's notes, no source marks); "
                             "without it the review edition (notes as Word comments, sources listed)")


def run(args: argparse.Namespace) -> int:
    """Draft, then print (text or JSON) and write the files asked for."""
    from toolkit import drafting, export

    if args.variant < 0:
        raise UsageError("--variant must be 0 or more")
    check_output_path(args.out, ".docx")
    check_output_path(args.csv, ".csv")
    if args.csv and args.kind != "survey":
        raise UsageError("--csv is only for the survey")
    brief = read_brief(args.brief, args.lang)
    retriever = open_retriever()
    ensure_indexed(retriever)
    model = open_chat_model(retriever.settings)
    result = drafting.draft(args.kind, brief, lang=args.lang, variant=args.variant, wave=args.wave,
                            retriever=retriever, chat_model=model, timeout=retriever.settings.llm_timeout)
    if args.out:
        data = export.to_docx(result, include_findings=args.findings, author=brief.author,
                              edition="ready" if args.ready else "review")
        Path(args.out).write_bytes(data)
    if args.csv:
        Path(args.csv).write_bytes(export.survey_csv(result))
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.text)
        for notice in result.notices:
            print(f"! {notice}", file=sys.stderr)
        if args.out:
            print(f"Wrote {args.out}", file=sys.stderr)
    return EXIT_OK


register("draft", "draft a purpose story, FAQ, pulse survey or plan from a brief", configure, run)
