"""The curated knowledge base: guidance cards as Markdown with YAML front matter under knowledge/{en,nl,sv}/.

The same `id` exists in every language, so a card can be shown in the reader's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from toolkit.settings import KNOWLEDGE_DIR

CARD_KINDS = ("guidance", "fact", "framework", "example")


class Card(BaseModel):
    id: str
    title: str
    lang: str
    topics: list[str] = Field(default_factory=list)
    source: str
    year: int | None = None
    kind: str = "guidance"
    claim: str = ""  # fact cards: one sentence, ready for a staff text, stating the figure and its source
    asks: list[str] = Field(default_factory=list)  # how readers phrase this need, in everyday words (retrieval)
    body: str
    path: str = ""


def parse_card(text: str, path: str = "") -> Card:
    """Parse one card file's text ('---' front matter, then the Markdown body)."""
    if not text.startswith("---"):
        raise ValueError(f"{path}: a card starts with '---' front matter")
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front) or {}
    return Card(body=body.strip(), path=path, **meta)


@cache
def _load_all(root: str) -> tuple[Card, ...]:
    cards = []
    for path in sorted(Path(root).glob("*/*.md")):
        cards.append(parse_card(path.read_text(encoding="utf-8"), str(path)))
    return tuple(cards)


def load_cards(lang: str | None = None, root: Path = KNOWLEDGE_DIR) -> list[Card]:
    """All cards, or those in one language."""
    return [c for c in _load_all(str(root)) if lang is None or c.lang == lang]


def get_card(card_id: str, lang: str, root: Path = KNOWLEDGE_DIR) -> Card | None:
    """A card in the requested language, falling back to English, then any language."""
    matches = [c for c in _load_all(str(root)) if c.id == card_id]
    for wanted in (lang, "en"):
        for card in matches:
            if card.lang == wanted:
                return card
    return matches[0] if matches else None
