"""`python -m toolkit ...`: index, ingest, sources, search, remove.

Other modules add subcommands with `register(name, help, configure, run)` (or by being listed in
`EXTENSIONS`, imported when the parser is built). Bad arguments or input exit with status 2 and one line on
stderr; nothing prints a traceback unless TOOLKIT_DEBUG is set.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXTENSIONS: list[str] = ["toolkit.cli_draft"]  # modules that call `register` when imported


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports errors in one line (exit 2) instead of usage + message."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None],
             run: Callable[[argparse.Namespace], int]) -> None:
    """Add (or replace) a subcommand: `configure` adds its arguments, `run` returns the exit status."""
    COMMANDS[name] = Command(name, help, configure, run)


# --- progress --------------------------------------------------------------------------------------------

class ProgressPrinter:
    """Prints 'Indexing 135 cards… 40/135' on stderr: in place on a terminal, else every ~10%."""

    def __init__(self, verb: str, stream=None) -> None:
        self.verb = verb
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int, what: str) -> None:
        step = max(1, total // 10)
        if not self.tty and done != total and done // step == self._last // step:
            return
        self._last = done
        line = f"{self.verb} {total} {what}… {done}/{total}"
        end = "\n" if not self.tty or done == total else ""
        self.stream.write(("\r" + line if self.tty else line) + end)
        self.stream.flush()


def _open_retriever():
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings

    try:
        settings = Settings.from_env()
    except ValueError as error:  # an invalid setting in the environment is bad input
        raise UsageError(str(error)) from None
    return Retriever.open(settings)


def _ensure_indexed(retriever) -> None:
    report = retriever.ensure_indexed(ProgressPrinter("Indexing"))
    if report:
        print(f"Knowledge base indexed: {report.summary()}", file=sys.stderr)


# --- commands --------------------------------------------------------------------------------------------

def _configure_index(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--check", action="store_true",
                        help="only check that every passage has a readable vector, and repair those that do not")


def _run_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    retriever = _open_retriever()
    check = retriever.check(repair=True)  # `index` always checks: a lost vector does not change a card's hash
    if not args.quiet or check.unreadable:
        print(f"Check: {check.summary()}", file=sys.stderr if check.unreadable else sys.stdout)
    if args.check:
        return EXIT_OK
    report = retriever.index_knowledge(None if args.quiet else ProgressPrinter("Indexing"))
    if not args.quiet:
        for card in report.cards[:20]:
            print(f"  indexed {card}")
        if len(report.cards) > 20:
            print(f"  … and {len(report.cards) - 20} more")
        for problem in report.problems:
            print(f"  skipped {problem}", file=sys.stderr)
        total = time.perf_counter() - started
        print(f"Cards: {report.summary()} (total {total:.1f} s)")
    return EXIT_OK


def _configure_ingest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".md, .txt, .pdf or .docx")
    parser.add_argument("--lang", choices=("en", "nl", "sv"), help="language of the messages")


def _run_ingest(args: argparse.Namespace) -> int:
    retriever = _open_retriever()
    results = retriever.ingest(args.files, progress=ProgressPrinter("Embedding"), lang=args.lang)
    for result in results:
        stream = sys.stderr if result.status == "error" else sys.stdout
        suffix = f"  [{result.source_id}]" if result.source_id else ""
        print(f"{result.status}: {result.message}{suffix}", file=stream)
    return EXIT_USAGE if any(r.status == "error" for r in results) else EXIT_OK


def _configure_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array")


def _run_sources(args: argparse.Namespace) -> int:
    sources = _open_retriever().sources()
    if args.json:
        print(json.dumps([s.model_dump() for s in sources], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not sources:
        print("Nothing indexed yet. Run: python -m toolkit index")
    for s in sources:
        detail = f"{s.items} cards, " if s.origin == "knowledge" else ""
        print(f"{s.source_id:<18} {s.origin:<9} {','.join(s.langs):<8} {detail}{s.chunks} passages  {s.title}")
    return EXIT_OK


def _positive_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k must be a whole number, not {value!r}") from None
    if not 1 <= k <= 100:
        raise argparse.ArgumentTypeError("--k must be between 1 and 100")
    return k


def _configure_search(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY")
    parser.add_argument("--lang", choices=("en", "nl", "sv"), help="the reader's language (preferred)")
    parser.add_argument("--k", type=_positive_k, default=5, help="number of results (default 5)")
    parser.add_argument("--mode", choices=("fused", "dense", "lexical"), default="fused")
    parser.add_argument("--json", action="store_true", help="print a JSON array")


def _run_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise UsageError("the query is empty")
    retriever = _open_retriever()
    _ensure_indexed(retriever)
    hits = retriever.search(args.query, lang=args.lang, k=args.k, mode=args.mode)
    if args.json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2))
        return EXIT_OK
    for n, hit in enumerate(hits, start=1):
        year = f", {hit.year}" if hit.year else ""
        print(f"{n}. [{hit.lang}] {hit.title} — {hit.source}{year}  (score {hit.score:.3f}, {hit.card_id})")
        print(f"   {' '.join(hit.text.split())[:300]}")
    if not hits:
        print("No results.")
    return EXIT_OK


def _configure_remove(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source_id", metavar="SOURCE_ID", help="as listed by `sources`")


def _run_remove(args: argparse.Namespace) -> int:
    if not _open_retriever().remove(args.source_id):
        raise UsageError(f"no user document with source id {args.source_id!r} (see: python -m toolkit sources)")
    print(f"Removed {args.source_id}.")
    return EXIT_OK


register("index", "build or refresh the knowledge index; prints what it did", _configure_index, _run_index)
register("ingest", "add your own documents (.md, .txt, .pdf, .docx)", _configure_ingest, _run_ingest)
register("sources", "list what is indexed", _configure_sources, _run_sources)
register("search", "search the knowledge base and your documents", _configure_search, _run_search)
register("remove", "remove one of your documents", _configure_remove, _run_remove)


# --- entry point -----------------------------------------------------------------------------------------

def build_parser() -> Parser:
    """The parser with every registered subcommand."""
    for module in EXTENSIONS:
        importlib.import_module(module)
    parser = Parser(prog="python -m toolkit", description="AI change-management communication toolkit.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS.values():
        command.configure(sub.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    if not os.environ.get("TOOLKIT_DEBUG"):
        warnings.simplefilter("ignore")  # library warnings are noise for a command-line user
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            raise UsageError("choose a command: " + ", ".join(COMMANDS))
        return COMMANDS[args.command].run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # last resort: one line, not a traceback
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
