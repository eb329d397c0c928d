"""`python -m toolkit draft {story,faq,survey,plan,followup} --brief FILE ...`: the drafting walk without the UI.

`draft followup` also reads survey answers: `WAVE=FILE ...` as `results summary` reads them (the shared pieces
are in `toolkit.cli.results`), then drafts the follow-up for the latest wave with the `--commitment`s given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from toolkit.cli import EXIT_OK, UsageError, register
from toolkit.cli.common import check_output_path, ensure_indexed, open_chat_model, open_retriever, read_brief
from toolkit.models import DRAFT_KINDS, LANGS, Draft


def configure(parser: argparse.ArgumentParser) -> None:
    """The `draft` subcommand: one sub-parser per kind (the follow-up takes answer files as well)."""
    from toolkit import cli

    kinds = parser.add_subparsers(dest="kind", metavar="KIND", parser_class=cli.Parser)
    for kind in DRAFT_KINDS:
        sub = kinds.add_parser(kind, help=HELP[kind], description=HELP[kind])
        if kind == "followup":
            _configure_followup(sub)
        else:
            _configure_common(sub)
            sub.add_argument("--wave", choices=("before", "during", "after"), default="before",
                             help="survey wave (survey only)")
            sub.add_argument("--csv", help="survey only: write the items as CSV to this path")


HELP = {"story": "the purpose story", "faq": "the frequently asked questions", "survey": "the pulse survey",
        "plan": "the communication plan and workshop",
        "followup": "the follow-up after a survey wave: you said, here is what we will do"}


def _configure_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brief", required=True, help="the rollout brief (YAML or JSON)")
    parser.add_argument("--lang", choices=LANGS, help="document language (default: the brief's)")
    parser.add_argument("--variant", type=int, default=0, help="another wording: 1, 2, ...")
    parser.add_argument("--json", action="store_true", help="print the draft as JSON")
    parser.add_argument("--out", help="write a Word document to this .docx path")
    parser.add_argument("--findings", action="store_true", help="add the quality findings as an appendix")
    parser.add_argument("--ready", action="store_true",
                        help="with --out: the ready-to-send edition (no sender's notes, no source marks); "
                             "without it the review edition (notes as Word comments, sources listed)")


def _configure_followup(parser: argparse.ArgumentParser) -> None:
    from toolkit.cli.results import add_wave_arguments

    add_wave_arguments(parser)
    _configure_common(parser)
    parser.add_argument("--survey", help="the survey as JSON (from `draft survey --json`) the answers belong to")
    parser.add_argument("--commitment", action="append", default=[], metavar="TEXT",
                        help="a step you will take (repeat for more)")
    parser.add_argument("--cannot-do", action="append", default=[], metavar="TEXT",
                        help="something you cannot do yet, and why (repeat for more)")
    parser.add_argument("--ledger", help="the commitments made after earlier waves, as JSON "
                        '({"entries": [{"text": ..., "wave": "before", "done": true}]})')


def run(args: argparse.Namespace) -> int:
    """Draft, then print (text or JSON) and write the files asked for."""
    from toolkit import drafting

    if not args.kind:
        raise UsageError("choose what to draft: " + ", ".join(DRAFT_KINDS))
    if args.variant < 0:
        raise UsageError("--variant must be 0 or more")
    check_output_path(args.out, ".docx")
    if args.kind == "followup":
        return _followup(args)
    check_output_path(args.csv, ".csv")
    if args.csv and args.kind != "survey":
        raise UsageError("--csv is only for the survey")
    brief = read_brief(args.brief, args.lang)
    retriever = open_retriever()
    ensure_indexed(retriever)
    model = open_chat_model(retriever.settings)
    result = drafting.draft(args.kind, brief, lang=args.lang, variant=args.variant, wave=args.wave,
                            retriever=retriever, chat_model=model, timeout=retriever.settings.llm_timeout)
    return _emit(args, result, brief.author)


def _followup(args: argparse.Namespace) -> int:
    """Summarise the answer files, then draft the follow-up for the latest wave (no knowledge index needed:
    the message states results, not guidance)."""
    from toolkit import drafting
    from toolkit.cli.results import summary_from_args
    from toolkit.settings import Settings

    ledger = _ledger(args.ledger)
    brief = read_brief(args.brief, args.lang)
    _brief, summary = summary_from_args(args, brief)
    try:
        settings = Settings.from_env()
    except ValueError as error:
        raise UsageError(str(error)) from None
    result = drafting.draft("followup", brief, lang=summary.lang, variant=args.variant, retriever=_NoGuidance(),
                            chat_model=open_chat_model(settings), timeout=settings.llm_timeout, summary=summary,
                            commitments=args.commitment, cannot_do=args.cannot_do, ledger=ledger)
    return _emit(args, result, brief.author)


class _NoGuidance:
    """The follow-up cites nothing: a retriever that finds nothing, so the index is never opened."""

    def search(self, query: str, lang: str | None = None, k: int = 5) -> list:
        return []


def _ledger(path: str | None):
    """The `--ledger` file as a `Ledger` (None without one); unreadable or malformed: a UsageError."""
    from pydantic import ValidationError

    from toolkit.results.ledger import Ledger

    if not path:
        return None
    try:
        return Ledger.model_validate_json(Path(path).read_bytes())
    except OSError:
        raise UsageError(f"cannot read the ledger file {path}") from None
    except ValidationError:
        raise UsageError(f"{Path(path).name} is not a commitment ledger (JSON with entries: text, wave, done)") \
            from None


def _emit(args: argparse.Namespace, result: Draft, author: str) -> int:
    """Write the files asked for and print the draft (text, or JSON with --json)."""
    from toolkit import export

    if args.out:
        edition = "ready" if getattr(args, "ready", False) else "review"
        Path(args.out).write_bytes(export.to_docx(result, include_findings=args.findings, author=author,
                                                  edition=edition))
    if getattr(args, "csv", None):
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


register("draft", "draft a purpose story, FAQ, pulse survey, plan or survey follow-up from a brief", configure,
         run)
