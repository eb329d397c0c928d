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
