"""Hand-built `Summary` objects for the tests of charts, themes and the results report (no scoring involved)."""

from __future__ import annotations

from toolkit.drafting.survey import RATED_DIMENSIONS, dimension_label
from toolkit.results.model import Barrier, Change, Enps, GroupInfo, Score, Summary, Theme, WaveSummary

FAVOURABLE = {  # dimension -> favourable % per wave (before, during, after)
    "purpose": (55, 68, 74), "trust": (48, 52, 61), "job_security": (35, 38, 50), "workload": (52, 45, 47),
    "readiness": (30, 46, 63), "involvement": (41, 44, 58), "usefulness": (44, 57, 66),
}


def score(key: str, favourable: float, lang: str, n: int = 40) -> Score:
    neutral = round((100 - favourable) * 0.45, 1)
    return Score(key=key, label=dimension_label(key, lang), n=n, favourable=favourable, neutral=neutral,
                 unfavourable=round(100 - favourable - neutral, 1), mean=round(1 + favourable / 25, 2),
                 low=max(0, favourable - 14), high=min(100, favourable + 14))


def wave(name: str, index: int, lang: str, *, responses: int = 40) -> WaveSummary:
    dims = [score(d, FAVOURABLE[d][index], lang, n=responses) for d in RATED_DIMENSIONS]
    promoters, passives, detractors = (10 + 4 * index, 14, 16 - 4 * index)
    groups = [
        GroupInfo(name="Team Noord", n=24, shown=True, enps=None,
                  dimensions=[score(d, FAVOURABLE[d][index] + 3, lang, n=24) for d in RATED_DIMENSIONS]),
        GroupInfo(name="Team Zuid", n=14, shown=True,
                  dimensions=[score(d, FAVOURABLE[d][index] - 5, lang, n=14) for d in RATED_DIMENSIONS]),
        GroupInfo(name="Nachtdienst", n=None, shown=False),
    ]
    themes = [
        Theme(label="Training and time to practise", count=12,
              quotes=["I need more practice before we go live.", "Ik wil eerst oefenen met echte gesprekken."],
              keywords=["training", "practice"], faq_question="Will I get enough training?"),
        Theme(label="Worry about jobs", count=7, quotes=["Jag är orolig för jobbet."], keywords=["job"]),
    ]
    return WaveSummary(
        wave=name, responses=responses, response_rate=round(100 * responses / 50, 1),
        enps=Enps(value=round(100 * (promoters - detractors) / 40), low=-20, high=30, promoters=promoters,
                  passives=passives, detractors=detractors, n=40),
        dimensions=dims, items=[], groups=groups, themes=themes,
        barrier=Barrier(element="knowledge", dimension="readiness", favourable=FAVOURABLE["readiness"][index],
                        target=60, strongest="purpose", weakest="readiness",
                        cards={"barrier": "loman-train-the-craft"}),
    )


def three_waves(lang: str = "en") -> Summary:
    waves = [wave(name, i, lang) for i, name in enumerate(("before", "during", "after"))]
    changes = [Change(dimension="readiness", from_="before", to="during", delta=16, verdict="rose",
                      method="two-proportion z-test on favourable %, 95%", p_value=0.01),
               Change(dimension="workload", from_="during", to="after", delta=2, verdict="no clear change",
                      method="two-proportion z-test on favourable %, 95%", p_value=0.7),
               Change(dimension="enps", from_="before", to="after", delta=30, verdict="rose",
                      method="difference of eNPS with a 95% interval", p_value=0.03)]
    notes = ["One group had fewer than 5 respondents; its answers count only in the whole team.",
             "A second group was hidden as well, so the hidden group cannot be worked out from the totals."]
    return Summary(lang=lang, waves=waves, changes=changes, notes=notes)
