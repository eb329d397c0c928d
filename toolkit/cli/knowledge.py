"""`python -m toolkit index | ingest | sources | search | remove`: the knowledge base and the user's documents."""

from __future__ import annotations

import argparse
import json
import sys
import time

from toolkit.cli import EXIT_OK, EXIT_USAGE, UsageError, register
from toolkit.cli.common import JobProgressPrinter, ProgressPrinter, ensure_indexed, open_retriever
from toolkit.models import LANGS


def _configure_index(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--check", action="store_true",
                        help="only check that every passage has a readable vector, and repair those that do not")


def _run_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    retriever = open_retriever()
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
    parser.add_argument("files", nargs="*", metavar="FILE", help=".md, .txt, .pdf or .docx")
    parser.add_argument("--lang", choices=LANGS, help="language of the messages")
    parser.add_argument("--resume", action="store_true",
                        help="finish the ingests the app started that were interrupted (or stopped by a fault)")


def _run_ingest(args: argparse.Namespace) -> int:
    if args.resume and args.files:
        raise UsageError("give files or --resume, not both")
    if not args.files and not args.resume:
        raise UsageError("the following arguments are required: FILE (or --resume)")
    retriever = open_retriever()
    if args.resume:
        results = _resume_jobs(retriever, args.lang)
    else:
        results = retriever.ingest(args.files, progress=ProgressPrinter("Embedding"), lang=args.lang)
    for result in results:
        stream = sys.stderr if result.status == "error" else sys.stdout
        suffix = f"  [{result.source_id}]" if result.source_id else ""
        print(f"{result.status}: {result.message}{suffix}", file=stream)
    return EXIT_USAGE if any(r.status == "error" for r in results) else EXIT_OK


def _resume_jobs(retriever, lang: str | None) -> list:
    """Run each interrupted or failed background ingest here, in the foreground; the results of all its files."""
    from toolkit.ingest_jobs import IngestJobs

    jobs = IngestJobs(retriever.settings.data_dir, listener=JobProgressPrinter())
    pending = [job for job in jobs.jobs() if job.resumable]
    if not pending:
        print("Nothing to resume.")
    results = []
    for job in reversed(pending):  # oldest first
        ended = jobs.resume(job.id, retriever, background=False, lang=lang)
        if ended is None:
            print(f"{job.id}: another process took it over", file=sys.stderr)
            continue
        if ended.state != "done":
            print(f"{job.id}: {ended.state}{': ' + ended.error if ended.error else ''}", file=sys.stderr)
        results += [f.result for f in ended.files if f.result is not None]
    return results


def _configure_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array")


def _run_sources(args: argparse.Namespace) -> int:
    sources = open_retriever().sources()
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
    parser.add_argument("--lang", choices=LANGS, help="the reader's language (preferred)")
    parser.add_argument("--k", type=_positive_k, default=5, help="number of results (default 5)")
    parser.add_argument("--mode", choices=("fused", "dense", "lexical"), default="fused")
    parser.add_argument("--json", action="store_true", help="print a JSON array")


def _run_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise UsageError("the query is empty")
    retriever = open_retriever()
    ensure_indexed(retriever)
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
    if not open_retriever().remove(args.source_id):
        raise UsageError(f"no user document with source id {args.source_id!r} (see: python -m toolkit sources)")
    print(f"Removed {args.source_id}.")
    return EXIT_OK


register("index", "build or refresh the knowledge index; prints what it did", _configure_index, _run_index)
register("ingest", "add your own documents (.md, .txt, .pdf, .docx)", _configure_ingest, _run_ingest)
register("sources", "list what is indexed", _configure_sources, _run_sources)
register("search", "search the knowledge base and your documents", _configure_search, _run_search)
register("remove", "remove one of your documents", _configure_remove, _run_remove)
