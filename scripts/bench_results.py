"""Survey results benchmark: prints seconds per step (targets: import + score of 10,000 respondents x 20 items
under 2 s; the results report with charts under 5 s).

    .venv/bin/python scripts/bench_results.py [--respondents 10000] [--parts import]

Each part is a function in `PARTS` that prints its own lines; add a part by adding a function there.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import drafting  # noqa: E402
from toolkit.brief import load_brief  # noqa: E402
from toolkit.models import Draft, SurveyQuestion  # noqa: E402
from toolkit.results.ingest import read_responses  # noqa: E402

ITEMS = 20


class _NoGuidance:
    def search(self, query, lang=None, k=5):
        return []


def bench_survey(lang: str = "nl") -> Draft:
    """The example survey, padded with custom statements to `ITEMS` items."""
    brief = load_brief(ROOT / "examples" / f"brief-{lang}.yaml")
    survey = drafting.compose("survey", brief, lang, _NoGuidance(), 0, "during")
    options = survey.questions[0].options
    for n in range(ITEMS - len(survey.questions)):
        survey.questions.append(SurveyQuestion(key=f"extra_{n + 1}", text=f"Extra uitspraak nummer {n + 1} over het werk.",
                                               type="likert", options=options, dimension="readiness", custom=True))
    return survey


def _rows(survey: Draft, respondents: int, seed: int = 1) -> tuple[list[str], list[list]]:
    rng = random.Random(seed)
    header = ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Team", *(q.text for q in survey.questions)]
    rows = []
    for n in range(respondents):
        cells = []
        for q in survey.questions:
            if q.type == "likert":
                cells.append(rng.choice(q.options) if rng.random() > 0.03 else "")
            elif q.type == "nps":
                cells.append(rng.randint(0, 10))
            else:
                cells.append(rng.choice(("", "", "Meer oefentijd graag.", "De tool loopt vaak vast.")))
        rows.append([n + 1, 46000 + n / 100, 46000 + n / 100 + 0.003, "anonymous", "", f"Team {n % 12}", *cells])
    return header, rows


def make_csv(survey: Draft, respondents: int) -> bytes:
    header, rows = _rows(survey, respondents)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1252", errors="replace")


def make_xlsx(survey: Draft, respondents: int) -> bytes:
    from openpyxl import Workbook

    header, rows = _rows(survey, respondents)
    book = Workbook()  # not write_only: that leaves out <dimension>, which Excel and Forms always write
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _timed(function, repeat: int = 3) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds (CPU shows the cost on a machine busy with other work)."""
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def bench_import(respondents: int) -> None:
    """Reading a Forms-style export (CSV with `;` in cp1252, and XLSX) into `Responses`."""
    survey = bench_survey()
    for fmt, make in (("csv", make_csv), ("xlsx", make_xlsx)):
        data = make(survey, respondents)
        wall, cpu, responses = _timed(lambda fmt=fmt, data=data: read_responses(f"bench.{fmt}", data, survey,
                                                                                "during"))
        print(f"import {fmt:<4} {respondents} respondents x {len(survey.questions)} items "
              f"({len(data) / 1e6:.1f} MB): {wall:.2f} s (cpu {cpu:.2f} s)  -> {len(responses.respondents)} respondents, "
              f"{sum(responses.report.unreadable.values())} unreadable")


PARTS = {"import": bench_import}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    args = parser.parse_args(argv)
    for part in args.parts.split(","):
        if part.strip() not in PARTS:
            print(f"error: unknown part {part!r}; choose from {', '.join(PARTS)}", file=sys.stderr)
            return 2
        PARTS[part.strip()](args.respondents)
    return 0


if __name__ == "__main__":
    sys.exit(main())
