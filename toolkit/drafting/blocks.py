"""Text blocks and cited guidance for the survey and plan composers.

A template node is a string, a list of alternative wordings, or a mapping keyed by wave (`before`, `during`,
`after`), by register (`je`, `u`, `du`, `ni`, `plain`, `formal`) or `all`; mappings nest. `Blocks.say` walks
down to one wording for the draft's wave and register, lets the variant pick among alternatives and fills the
slots. `Guidance` finds the knowledge card a sentence leans on through retrieval and cites it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from toolkit.cards import get_card
from toolkit.drafting.common import CitationBook, Retriever, choose, load_template, template_node
from toolkit.models import Hit


class Blocks:
    """The text blocks of one artefact in one language, for one register (and survey wave)."""

    def __init__(self, lang: str, name: str, register: str, variant: int = 0, wave: str = "",
                 slots: dict[str, str] | None = None):
        self.lang, self.name, self.register, self.variant, self.wave = lang, name, register, variant, wave
        self.tpl = load_template(lang, name)
        self.slots = dict(slots or {})

    def node(self, path: str) -> Any:
        """The raw template value at a dotted path, or None."""
        return template_node(self.tpl, path)

    def resolve(self, node: Any) -> Any:
        """Walk wave/register/all mappings down to a string or a list of alternatives."""
        while isinstance(node, dict):
            for key in (self.wave, self.register, "all"):
                if key and key in node:
                    node = node[key]
                    break
            else:
                return None
        return node

    def say(self, path_or_node: Any, salt: str = "", **extra: str) -> str:
        """One wording (the variant picks among alternatives) with the slots filled; '' when absent."""
        node = self.node(path_or_node) if isinstance(path_or_node, str) else path_or_node
        salt = salt or (path_or_node if isinstance(path_or_node, str) else "")
        options = self.resolve(node)
        if options is None:
            return ""
        text = choose(options, self.variant, self.name, self.wave, salt).strip()
        return text.format(**{**self.slots, **extra}) if text else ""


class Guidance:
    """Finds the cards a composer leans on through retrieval and numbers them in a CitationBook."""

    def __init__(self, retriever: Retriever | None, lang: str, book: CitationBook | None = None):
        self.retriever, self.lang = retriever, lang
        self.book = book if book is not None else CitationBook()
        self.cited: list[str] = []

    def find(self, query: str, wanted: tuple[str, ...]) -> Hit | None:
        """The best-ranked hit among the wanted card ids, read in the draft language.

        When retrieval does not surface any of them, the shipped card itself is used if it exists, so a plan's
        rationale keeps its source even with a weak index; without either, None (the sentence goes uncited)."""
        hits = self.retriever.search(query, lang=self.lang, k=8) if self.retriever is not None and query else []
        for hit in hits:
            if hit.card_id in wanted:
                return self._localise(hit)
        for card_id in wanted:
            card = get_card(card_id, self.lang)
            if card is not None:
                return Hit(id=f"{card.id}:{card.lang}", card_id=card.id, text=card.body, title=card.title,
                           source=card.source, year=card.year, lang=card.lang, kind=card.kind,
                           topics=card.topics, claim=card.claim)
        return None

    def _localise(self, hit: Hit) -> Hit:
        if hit.lang == self.lang or hit.origin == "upload":
            return hit
        card = get_card(hit.card_id, self.lang)
        if card is None or card.lang != self.lang:
            return hit
        return hit.model_copy(update={"text": card.body, "title": card.title, "source": card.source,
                                      "year": card.year, "lang": card.lang, "claim": card.claim})

    def mark(self, query: str, *wanted: str) -> tuple[str, str]:
        """(citation mark, card id) for the best card among `wanted`, or ('', '') when none is found."""
        hit = self.find(query, wanted)
        if hit is None:
            return "", ""
        if hit.card_id not in self.cited:
            self.cited.append(hit.card_id)
        return self.book.cite(hit), hit.card_id


def next_weekday(day: date) -> date:
    """The day itself on Monday to Friday; a Saturday or Sunday moves to the following Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def first_sentence(text: str) -> str:
    """The first sentence of a text (up to the first full stop followed by a space), stripped."""
    text = " ".join(text.split())
    for end in (". ", "! ", "? "):
        cut = text.find(end)
        if cut != -1:
            text = text[: cut + 1]
    return text.strip()
