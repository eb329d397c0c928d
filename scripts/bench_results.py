"""Benchmarks of survey results (issue 8). Each part is a function that returns its numbers; `main` prints them.

    .venv/bin/python scripts/bench_results.py [--runs 5] [--json]

- `bench_report`: the results report .docx with its four charts for three waves (target: under 5 s, also the
  first report in a fresh process, which pays for the imports and vl-convert's start).
- `bench_themes`: themes of 1,000 open answers in three languages with the test embedder (no target; the real
  embedder adds its own time, cached per text).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the hand-built three-wave Summary the report tests use

REPORT_TARGET_S = 5.0


def bench_report(runs: int = 5, lang: str = "nl") -> dict:
    """Seconds for `report.to_docx` of a three-wave summary: the first call (cold) and the median of warm ones."""
    start = time.perf_counter()
    from results_samples import three_waves

    from toolkit.results.report import to_docx

    summary = three_waves(lang)
    data = to_docx(summary, lang)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        data = to_docx(summary, lang)
        warm.append(time.perf_counter() - start)
    return {"report_cold_s": round(cold, 2), "report_warm_median_s": round(statistics.median(warm), 2),
            "report_runs": runs, "report_bytes": len(data), "report_target_s": REPORT_TARGET_S}


def bench_themes(comments: int = 1000) -> dict:
    """Seconds for `find_themes` on `comments` answers (nl, sv, en) with the hash embedder."""
    import random

    from toolkit.embeddings import HashEmbeddings
    from toolkit.results.themes import find_themes

    base = ["Ik wil meer training voordat we live gaan.", "Jag behöver mer utbildning innan vi börjar.",
            "I need more training before the launch.", "Ik ben bang dat mijn baan verdwijnt.",
            "Hur länge sparas inspelningarna och vem ser min data?", "The car park is always full at eight.",
            "Het rooster voor de avonddienst is onhandig.", "Schemat för kvällspasset är krångligt."]
    rng = random.Random(8)
    texts = [f"{rng.choice(base)} {rng.choice(['Echt.', 'Really.', 'Verkligen.', 'Nu.', 'Now.'])}"
             for _ in range(comments)]
    start = time.perf_counter()
    themes = find_themes(texts, "en", embeddings=HashEmbeddings())
    return {"themes_comments": comments, "themes_s": round(time.perf_counter() - start, 2), "themes": len(themes)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark survey results.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = {**bench_report(args.runs), **bench_themes()}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"results report (3 waves, 4 charts): first {result['report_cold_s']} s, warm median "
              f"{result['report_warm_median_s']} s over {result['report_runs']} runs, {result['report_bytes']} bytes "
              f"(target < {REPORT_TARGET_S} s)")
        print(f"themes: {result['themes_comments']} open answers in {result['themes_s']} s "
              f"({result['themes']} themes)")
    return 0 if result["report_cold_s"] < REPORT_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
