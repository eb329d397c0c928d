"""Time survey results: scoring 10,000 respondents x 20 items (goal with import: under 2 s).

    .venv/bin/python scripts/bench_results.py [score] [--people 10000] [--runs 5] [--json]

`score` times `summarise` on answers already read (three waves, four groups, reverse items, eNPS), split into
reading the answers into arrays, the privacy plan plus scores, and the whole `summarise`. Prints medians in
seconds. The import part (files -> Responses) lives beside it as its own part.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.models import Draft, SurveyQuestion  # noqa: E402
from toolkit.results import privacy, scoring  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", default="score", choices=("score",))
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench_score(args.people, args.runs)
    if args.json:
        print(json.dumps(result))
        return
    print(f"score: {result['people']:,} people x {result['items']} items")
    print(f"  answers -> arrays          {result['arrays_s']:.3f} s")
    print(f"  plan + scores, one wave    {result['score_one_wave_s']:.3f} s")
    print(f"  summarise, three waves     {result['summarise_three_waves_s']:.3f} s")


if __name__ == "__main__":
    main()
