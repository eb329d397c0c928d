"""The brief as passages an answerer retrieves beside the knowledge base: a tiny lexical index over its lines.

A user's own question ("Mag ik de samenvatting aanpassen als die niet klopt?") is often answered by the brief
itself ("Je controleert de samenvatting en past die aan waar nodig"). Each entry of a list field and each
sentence of `purpose` and `vision` is one passage, named by where it sits ("changes[3]"). Words are compared by
their first letters (a crude stem that survives Dutch and Swedish inflection and compounds), and a Dutch
separable verb is joined again ("past die aan" also reads as "aanpast"), so it meets "aanpassen".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.brief import Brief

# The fields whose lines can answer a question, in the order a tie is broken.
FIELDS = ("changes", "stops_doing", "stays_same", "commitments", "success_measures", "facts", "purpose", "vision")
STEM = 5  # letters a crude stem keeps
MIN_LETTERS = 4  # shorter words carry little meaning in a question
MIN_OVERLAP = 2  # stems a passage must share with the question to answer it
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Dutch verb particles that split off in a main clause ("past ... aan", "vult ... in").
PARTICLES = {"nl": ("aan", "af", "bij", "door", "in", "mee", "na", "om", "op", "over", "terug", "toe", "uit",
                    "voor", "weg")}


@dataclass(frozen=True)
class BriefPassage:
    """One line of the brief: its text and where it sits (`field`, and `index` in a list field)."""

    field: str
    index: int | None
    text: str

    @property
    def where(self) -> str:
        """'changes[0]' for a list entry, 'purpose' for a free-text field (as `Promise.grounded_in` names it)."""
        return self.field if self.index is None else f"{self.field}[{self.index}]"


def brief_passages(brief: Brief) -> list[BriefPassage]:
    """Every line of the brief that can answer a question, in `FIELDS` order."""
    passages: list[BriefPassage] = []
    for name in FIELDS:
        value = getattr(brief, name)
        if isinstance(value, list):
            passages += [BriefPassage(name, i, line) for i, line in enumerate(value) if line.strip()]
        elif value:
            passages += [BriefPassage(name, None, s) for s in _SENTENCE.split(" ".join(value.split())) if s]
    return passages


def stems(text: str, lang: str, stop: set[str] = frozenset()) -> set[str]:
    """Crude stems of the content words of a text, with Dutch separable verbs joined again."""
    words = [w.lower() for w in _WORD.findall(text)]
    found = {w[:STEM] for w in words if len(w) >= MIN_LETTERS and w not in stop and not w.isdigit()}
    particles = PARTICLES.get(lang, ())
    for i, word in enumerate(words):
        if word in particles:  # the particle closes the clause: join it to each verb-like word before it
            found |= {(word + w)[:STEM] for w in words[max(0, i - 4):i] if len(w) >= 3 and w not in stop}
    return found


class BriefIndex:
    """The brief's passages, searchable by a question's words."""

    def __init__(self, brief: Brief, lang: str, stop: set[str] = frozenset()):
        self.lang, self.stop = lang, set(stop) | {w.lower() for w in _WORD.findall(brief.ai_tool)}
        self.passages = brief_passages(brief)
        self._stems = [stems(p.text, lang, self.stop) for p in self.passages]

    def search(self, question: str, k: int = 2, min_overlap: int = MIN_OVERLAP) -> list[BriefPassage]:
        """The passages sharing at least `min_overlap` stems with the question (all of them for a shorter
        question), most shared first, then the shorter line."""
        wanted = stems(question, self.lang, self.stop)
        need = min(min_overlap, len(wanted)) or 1
        scored = [(len(wanted & mine), len(p.text), n) for n, (p, mine) in enumerate(zip(self.passages, self._stems,
                                                                                         strict=True))]
        ranked = sorted((s for s in scored if s[0] >= need), key=lambda s: (-s[0], s[1], s[2]))
        return [self.passages[n] for _score, _length, n in ranked[:k]]
