"""Benchmarks of survey results (issue 8). Each part is a function that returns its numbers; `main` prints them.

    .venv/bin/python scripts/bench_results.py [import|score|report|themes|all] [--people 10000] [--runs 5] [--json]

- `import`: reading a Forms-style export (CSV with `;` in cp1252, and XLSX) of 10,000 respondents x 20 items
  into `Responses`, wall and CPU seconds.
- `score`: `summarise` on answers already read (three waves, four groups, reverse items, eNPS), split into
  reading the answers into arrays, the privacy plan plus scores, and the whole `summarise` (goal with import:
  10,000 respondents x 20 items under 2 s).
- `report`: the results report .docx with its four charts for three waves (target: under 5 s, also the first
  report in a fresh process, which pays for the imports and vl-convert's start).
- `themes`: themes of 1,000 open answers in three languages with the test embedder (no target).
"""


from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the hand-built three-wave Summary the report tests use

REPORT_TARGET_S = 5.0

from toolkit import drafting  # noqa: E402
from toolkit.brief import load_brief  # noqa: E402
from toolkit.models import Draft, SurveyQuestion  # noqa: E402
from toolkit.results import privacy, scoring  # noqa: E402
from toolkit.results.ingest import read_responses  # noqa: E402
from toolkit.results.model import Respondent, Responses  # noqa: E402
from toolkit.results.summary import summarise  # noqa: E402

DIMENSIONS = ("purpose", "trust", "job_security", "workload", "readiness", "involvement", "usefulness",
              "extra_a", "extra_b", "extra_c")
GROUPS = ("north", "south", "east", "west")


def survey() -> Draft:
    """Twenty Likert items (two per dimension, two reversed), eNPS and one open question."""
    questions = [SurveyQuestion(key=f"{d}_{n}", text=f"{d} {n}", type="likert", dimension=d,
                                reverse=f"{d}_{n}" in {"job_security_2", "workload_2"})
                 for d in DIMENSIONS for n in (1, 2)]
    questions += [SurveyQuestion(key="enps", text="recommend", type="nps", dimension="enps"),
                  SurveyQuestion(key="open_1", text="what helps", type="open", dimension="open")]
    return Draft(kind="survey", lang="en", title="bench", questions=questions)


def responses(wave: str, people: int, draft: Draft, seed: int) -> Responses:
    rng = np.random.default_rng(seed)
    keys = [q.key for q in draft.questions if q.type == "likert"]
    likert = rng.integers(1, 6, size=(people, len(keys)))
    skipped = rng.random((people, len(keys))) < 0.03
    nps = rng.integers(0, 11, size=people)
    crowd = []
    for i in range(people):
        answers: dict[str, int | str] = {k: int(v) for k, v, s in zip(keys, likert[i], skipped[i], strict=True)
                                         if not s}
        answers["enps"] = int(nps[i])
        crowd.append(Respondent(id=str(i), group=GROUPS[i % len(GROUPS)], answers=answers))
    return Responses(wave=wave, respondents=crowd)


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_score(people: int = 10_000, runs: int = 5) -> dict:
    """Median seconds for one wave of `people` x 20 items: arrays, plan + scores, and `summarise` of 3 waves."""
    draft = survey()
    waves = {w: responses(w, people, draft, seed) for seed, w in enumerate(("before", "during", "after"))}
    one = waves["before"]

    def plan_and_score():
        plan = privacy.plan_wave(scoring.Answers.from_responses(one, draft.questions), 0)
        scoring.item_scores(plan.answers)
        [scoring.dimension_score(plan.answers, d) for d in plan.answers.dimensions()]
        scoring.enps(plan.answers)

    return {
        "people": people,
        "items": sum(q.type == "likert" for q in draft.questions),
        "arrays_s": round(timed(lambda: scoring.Answers.from_responses(one, draft.questions), runs), 4),
        "score_one_wave_s": round(timed(plan_and_score, runs), 4),
        "summarise_three_waves_s": round(timed(lambda: summarise(waves, draft, themes=lambda *a, **k: []), runs),
                                         4),
    }


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


ITEMS = 20


class _NoGuidance:
    def search(self, query, lang=None, k=5):
        return []


def bench_survey(lang: str = "nl") -> Draft:
    """The example survey, padded with custom statements to `ITEMS` items."""
    brief = load_brief(ROOT / "examples" / f"brief-{lang}.yaml")
    survey = drafting.offline_draft("survey", brief, lang, _NoGuidance(), 0, "during")
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


def bench_import(respondents: int = 10_000) -> dict:
    """Reading a Forms-style export (CSV with `;` in cp1252, and XLSX) into `Responses`."""
    survey = bench_survey()
    for fmt, make in (("csv", make_csv), ("xlsx", make_xlsx)):
        data = make(survey, respondents)
        wall, cpu, responses = _timed(lambda fmt=fmt, data=data: read_responses(f"bench.{fmt}", data, survey,
                                                                                "during"))
        print(f"import {fmt:<4} {respondents} respondents x {len(survey.questions)} items "
              f"({len(data) / 1e6:.1f} MB): {wall:.2f} s (cpu {cpu:.2f} s)  -> {len(responses.respondents)} respondents, "
              f"{sum(responses.report.unreadable.values())} unreadable")
    return {}


PARTS = ("import", "score", "report", "themes")


def run(part: str, people: int, runs: int) -> dict:
    if part == "import":
        return bench_import(people)
    if part == "score":
        return bench_score(people, runs)
    if part == "report":
        return bench_report(runs)
    return bench_themes()


def show(part: str, result: dict) -> None:
    if part == "import":
        return  # printed as it runs
    if part == "score":
        print(f"score: {result['people']:,} people x {result['items']} items")
        print(f"  answers -> arrays          {result['arrays_s']:.3f} s")
        print(f"  plan + scores, one wave    {result['score_one_wave_s']:.3f} s")
        print(f"  summarise, three waves     {result['summarise_three_waves_s']:.3f} s")
    elif part == "report":
        print(f"results report (3 waves, 4 charts): first {result['report_cold_s']} s, warm median "
              f"{result['report_warm_median_s']} s over {result['report_runs']} runs, {result['report_bytes']} bytes "
              f"(target < {REPORT_TARGET_S} s)")
    else:
        print(f"themes: {result['themes_comments']} open answers in {result['themes_s']} s "
              f"({result['themes']} themes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", default="all", choices=(*PARTS, "all"))
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = PARTS if args.part == "all" else (args.part,)
    results = {part: run(part, args.people, args.runs) for part in parts}
    if args.json:
        print(json.dumps(results))
        return
    for part, result in results.items():
        show(part, result)


if __name__ == "__main__":
    main()
