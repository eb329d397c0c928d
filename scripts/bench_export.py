"""Time `export.to_docx` on a story of about 20 pages (target: under 0.5 s warm).

    .venv/bin/python scripts/bench_export.py [--runs 30] [--sections 40] [--json]

Prints median and p95 in milliseconds, the page estimate and the file size. `bench()` returns the same numbers
for the drafting benchmark to include.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit import export  # noqa: E402
from toolkit.models import Citation, Draft, Section  # noqa: E402

PARAGRAPH = ("From 1 March the assistant suggests a reply in every chat, and you decide what is sent. We start "
             "with two teams, learn from what goes well and what does not, and only then bring in the other "
             "teams. Your team leader plans a one-to-one talk with you in the first week [1]. ")
WORDS_PER_PAGE = 450


def long_story(sections: int = 40, lang: str = "en") -> Draft:
    """A story of `sections` sections, each with paragraphs, bullets and a numbered list (about 20 pages at 40)."""
    citations = [Citation(id=f"card-{n}", title=f"Guidance note {n}", source="Publisher", year=2024)
                 for n in range(1, 9)]
    parts = []
    for n in range(sections):
        mark = f" [{n % 8 + 1}]"
        parts.append(Section(
            key=f"s{n}", heading=f"Section {n + 1}: what changes for you",
            paragraphs=[PARAGRAPH * 2, PARAGRAPH.replace("[1]", mark)],
            bullets=[f"Point {k} about the change, with enough words to wrap" for k in range(1, 5)],
            numbered=[f"Step {k}: do this first" for k in range(1, 4)],
        ))
    return Draft(kind="story", lang=lang, title="A long purpose story", organisation="Acme", ai_tool="Aria",
                 date="2027-03-01", sections=parts, citations=citations)


def words(draft: Draft) -> int:
    return len(draft.text.split())


def bench(runs: int = 30, sections: int = 40) -> dict:
    """Median and p95 (ms) of `to_docx` over `runs` warm runs of a long story."""
    draft = long_story(sections)
    export.to_docx(draft)  # warm-up: imports, reference cache
    times, cpu = [], []
    size = 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = export.to_docx(draft, include_findings=True)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)  # CPU time: less sensitive to a busy machine
        size = len(data)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"runs": runs, "sections": sections, "words": words(draft),
            "pages_estimate": round(words(draft) / WORDS_PER_PAGE, 1), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "cpu_median_ms": round(statistics.median(cpu), 1), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the Word export.")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sections", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = bench(args.runs, args.sections)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"to_docx: {result['words']} words (~{result['pages_estimate']} pages), {result['runs']} runs: "
              f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms (CPU median {result['cpu_median_ms']} ms), "
              f"{result['bytes']} bytes")
    return 0 if result["p95_ms"] < 500 else 1


if __name__ == "__main__":
    raise SystemExit(main())
