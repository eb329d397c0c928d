"""One cell -> one answer: a Likert label or number -> 1..5, an eNPS number -> 0..10, open text kept as text.

Labels are read in Dutch, Swedish and English whatever the survey's language (respondents, tools and
translators mix them), from the survey's own options first and the variants in vocabulary.yaml after.
"10 - Extremely likely" and "1 = Helemaal mee oneens" read as their number. Every cell ends in exactly one
of: an answer, blank, out of range (a number outside the scale) or unreadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from toolkit.models import SurveyQuestion
from toolkit.results.ingest.grid import Cell, is_blank
from toolkit.results.ingest.table import as_number, norm, vocabulary

Outcome = Literal["answer", "blank", "out_of_range", "unreadable"]
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]0+)?)\s*(?:[-=:.)(/]|\s)\s*\D")
_TRIM = " .!\"'“”‘’"
SCALE_RANGE = {"likert": (1, 5), "nps": (0, 10)}


def _scale_labels(kind: str, options: list[str]) -> dict[str, int]:
    """Every label this item's answers may use -> its value."""
    words = vocabulary()
    labels: dict[str, int] = {}
    if kind == "likert":
        for value, variants in words["likert"].items():
            labels.update({v: int(value) for v in variants})
        labels.update({norm(o).strip(_TRIM): n for n, o in enumerate(options, start=1)})
    else:
        for value, variants in words["nps"].items():
            labels.update({v: int(value) for v in variants})
    return labels


@dataclass
class AnswerReader:
    """Reads the cells of one item's column; remembers each distinct cell, since answers repeat a lot."""

    kind: str  # likert | nps | open
    labels: dict[str, int] = field(default_factory=dict)
    _seen: dict = field(default_factory=dict)

    @classmethod
    def for_question(cls, question: SurveyQuestion) -> AnswerReader:
        return cls(kind=question.type, labels=_scale_labels(question.type, list(question.options)))

    def read(self, value: Cell) -> tuple[Outcome, int | str | None]:
        """(outcome, answer): the answer is an int for a scale item, text for an open one, else None."""
        if is_blank(value):
            return "blank", None
        if self.kind == "open":
            return "answer", (str(value).strip() if not isinstance(value, float) else f"{value:g}")
        result = self._seen.get(value)  # cells from csv and openpyxl are str, numbers or dates: hashable
        if result is None:
            result = self._seen[value] = self._scale(value)
        return result

    def _scale(self, value: Cell) -> tuple[Outcome, int | None]:
        low, high = SCALE_RANGE[self.kind]
        number = as_number(value)
        if number is None and isinstance(value, str):
            text = norm(value).strip(_TRIM)
            if text in self.labels:
                return "answer", self.labels[text]
            match = _LEADING_NUMBER.match(text)  # "10 - extremely likely", "1 = helemaal mee oneens"
            number = as_number(match.group(1)) if match else None
        if number is None:
            return "unreadable", None
        if number != int(number) or not low <= number <= high:
            return "out_of_range", None
        return "answer", int(number)
