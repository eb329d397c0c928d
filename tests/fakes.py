"""Test doubles: a small in-memory lexical retriever over the shipped knowledge cards.

It implements the drafting `Retriever` protocol (`search(query, lang=None, k=5) -> list[Hit]`) without Chroma or
embeddings, so composer tests run in milliseconds. Scoring is a plain BM25 over crude prefix stems.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from toolkit.cards import Card, load_cards
from toolkit.models import Hit

_WORD = re.compile(r"\w+", re.UNICODE)
_STEM = 6  # a crude stem: the first six letters, good enough for nl/sv/en compounds and inflections


def stems(text: str) -> list[str]:
    """Lower-cased prefix stems of the words of three letters or more."""
    return [w[:_STEM] for w in _WORD.findall(text.lower()) if len(w) >= 3 and not w.isdigit()]


def card_hit(card: Card, score: float = 0.0) -> Hit:
    """A search hit for a whole card."""
    return Hit(id=f"{card.id}:{card.lang}", card_id=card.id, text=card.body, title=card.title,
               source=card.source, year=card.year, lang=card.lang, kind=card.kind, topics=card.topics,
               claim=card.claim, score=score)


def register_fields(register: str | None) -> dict[str, str]:
    """Brief fields that select a form of address: nl je/u and sv du/ni directly, en plain/formal via `tone`."""
    if register in ("je", "u", "du", "ni"):
        return {"address": register}
    if register in ("plain", "formal"):
        return {"tone": "formal" if register == "formal" else "informal"}
    return {}


def make_cards(spec: dict[str, dict[str, str]]) -> list[Card]:
    """In-memory cards (id -> lang -> body), so these tests do not depend on the shipped knowledge base."""
    return [Card(id=cid, title=cid.replace("-", " ").title(), lang=lang, source="Test source", year=2024,
                 body=body) for cid, bodies in spec.items() for lang, body in bodies.items()]


class FakeRetriever:
    """BM25 over title, topics, claim and body of each card; filters by language when asked."""

    def __init__(self, cards: list[Card] | None = None):
        self.cards = list(load_cards() if cards is None else cards)
        self.docs = [Counter(stems(" ".join([c.title, " ".join(c.topics), c.claim, c.body]))) for c in self.cards]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        self.queries: list[tuple[str, str | None]] = []

    def _idf(self, stem: str, pool: list[int]) -> float:
        n = sum(1 for i in pool if stem in self.docs[i])
        return math.log(1 + (len(pool) - n + 0.5) / (n + 0.5))

    def search(self, query: str, lang: str | None = None, k: int = 5) -> list[Hit]:
        """The k best cards for the query (in `lang` when given), best first."""
        self.queries.append((query, lang))
        pool = [i for i, c in enumerate(self.cards) if lang is None or c.lang == lang]
        terms = set(stems(query))
        scored = []
        for i in pool:
            doc, score = self.docs[i], 0.0
            for term in terms:
                tf = doc.get(term, 0)
                if tf:
                    norm = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * self.lengths[i] / self.avg))
                    score += self._idf(term, pool) * norm
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda pair: (-pair[0], self.cards[pair[1]].id))
        return [card_hit(self.cards[i], round(s, 4)) for s, i in scored[:k]]


# --- assertions shared by the composer tests ---------------------------------------------------------------

MARK = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
REGISTER_WORDS = {
    "je": r"je|jij|jou|jouw|jezelf|jullie", "u": r"u|uw|uzelf",
    "du": r"du|dig|din|ditt|dina", "ni": r"ni|er|ert|era",
}
OTHER = {"je": "u", "u": "je", "du": "ni", "ni": "du"}


def register_hits(text: str, register: str) -> list[str]:
    """Words of the given register (nl je/u, sv du/ni) in a text, as whole words, case-insensitive."""
    return re.findall(rf"\b(?:{REGISTER_WORDS[register]})\b", text, flags=re.IGNORECASE)


def contractions(text: str) -> list[str]:
    """English contractions such as we'll, don't, it's (possessive 's after a noun is not counted)."""
    return re.findall(r"\b(?:\w+n't|\w+'ll|\w+'re|\w+'ve|\w+'d|it's|that's|here's|what's|there's|let's)\b",
                      text.replace("’", "'"), flags=re.IGNORECASE)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def ungrounded_numbers(draft, brief) -> list[str]:
    """Numbers in the draft's text that appear neither in the brief, a citation's text nor Draft.derived."""
    text = MARK.sub("", draft.text)
    for literal in sorted(draft.derived, key=len, reverse=True):  # "15 maart" before "5 maart"
        text = text.replace(literal, " ")
    sources = brief.model_dump_json() + " " + " ".join(c.text for c in draft.citations)
    known = {_digits(n) for n in _NUMBER.findall(sources)}
    return [n for n in _NUMBER.findall(text) if _digits(n) not in known]


def marks(text: str) -> list[int]:
    return [int(m) for m in MARK.findall(text)]
