"""Checks attached to every draft: language, register, readability, grounding, promises and survey items.

`run(draft, brief)` returns `Finding`s (what, where, how to fix) in the draft's language. Checks only read the
draft; they never change it. Each check is also callable on its own.

One module per check, each with its decisions in its docstring: `language`, `register`, `readability`,
`grounding` (whose figures may come from any of `grounding.SOURCES`), `promises` (every commitment held by the
brief or the plan; `find_promises` fills `Draft.promises`) and `survey`. What they share (the draft
split into located pieces, a short quote, capping repeated findings) is in `_common`. A new check is a module
with a `check_*(draft, ...) -> list[Finding]` function, called from `run` below.
"""

from __future__ import annotations

from collections import Counter

from toolkit.brief import Brief
from toolkit.checks._common import MAX_PLACES, Unit, units
from toolkit.checks.grounding import (
    CITATION_MARK,
    SOURCES,
    FigureSource,
    allowed_figures,
    check_grounding,
    figures,
    number_values,
)
from toolkit.checks.language import LANG_NAMES, check_language
from toolkit.checks.promises import check_promises, find_promises
from toolkit.checks.readability import (
    READABILITY,
    Readability,
    check_readability,
    english_syllables,
    prose_units,
    readability_of_text,
    split_sentences,
)
from toolkit.checks.register import check_register
from toolkit.checks.survey import check_survey, double_barrelled
from toolkit.models import Draft, Finding

__all__ = [
    "CITATION_MARK", "LANG_NAMES", "MAX_PLACES", "READABILITY", "SOURCES", "FigureSource", "Readability", "Unit",
    "allowed_figures", "check_grounding", "check_language", "check_promises", "find_promises", "check_readability", "check_register", "check_survey",
    "double_barrelled", "english_syllables", "figures", "number_values", "prose_units", "readability_of_text",
    "run", "split_sentences", "summary", "units",
]


def run(draft: Draft, brief: Brief | None = None, *, plan: Draft | None = None,
        plan_confirmed: bool = False) -> list[Finding]:
    """Run every check on a draft and return the findings (the draft itself is not changed).

    `plan` is the project's confirmed plan (if any) and `plan_confirmed` whether the user confirmed it: until
    then the touchpoints a draft promises come from the plan's proposal and are reported as unconfirmed."""
    findings = check_language(draft)
    findings += check_register(draft)
    findings += check_readability(draft)
    findings += check_grounding(draft, brief)
    findings += check_promises(draft, brief, plan, plan_confirmed)
    findings += check_survey(draft)
    return findings


def summary(findings: list[Finding], lang: str | None = None) -> dict:
    """Counts per severity and per check, the readability score, and whether the draft passes (no warnings or
    errors). With `lang`, also the readability metric's name, its target and whether higher is better."""
    severities = Counter(f.severity for f in findings)
    readable = next((f for f in findings if f.check == "readability" and f.score is not None), None)
    extra = {}
    if lang in READABILITY:
        metric, target, higher = READABILITY[lang]
        extra = {"readability_metric": metric, "readability_target": target, "readability_higher_is_better": higher}
    return {**extra,
        "total": len(findings),
        "error": severities.get("error", 0),
        "warning": severities.get("warning", 0),
        "info": severities.get("info", 0),
        "by_check": dict(Counter(f.check for f in findings)),
        "readability": readable.score if readable else None,
        "passed": not severities.get("error") and not severities.get("warning"),
    }
