"""Shared machinery of the offline composer: templates, variants, and citations from retrieval hits."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from toolkit.models import Citation, Hit
from toolkit.settings import TEMPLATES_DIR


class Retriever(Protocol):
    def search(self, query: str, lang: str | None = None, k: int = 5) -> list[Hit]: ...


@cache
def _template(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_template(lang: str, name: str, root: Path = TEMPLATES_DIR) -> dict:
    """The text blocks of one artefact (`story`, `faq`, `survey`, `plan`, `common`) in one language."""
    return _template(str(root / lang / f"{name}.yaml"))


def template_node(template: dict, path: str) -> Any:
    """The raw template value at a dotted path (e.g. "items.job.answer"), or None."""
    node: Any = template
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def rng(variant: int, *salt: str) -> random.Random:
    """A deterministic random source per variant and slot: variant 0 always reads the same."""
    return random.Random("|".join((str(variant), *salt)))


def choose(options: list[str] | str, variant: int, *salt: str) -> str:
    """Pick one wording from a list of alternatives (a plain string is its own only option)."""
    if isinstance(options, str):
        return options
    if not options:
        return ""
    if variant == 0:
        return options[0]
    return rng(variant, *salt).choice(options)


def with_mark(text: str, mark: str) -> str:
    """Put a citation mark before the sentence's closing punctuation: 'Sentence [2].'"""
    text = text.rstrip()
    if not mark:
        return text
    if text and text[-1] in ".!?":
        return f"{text[:-1]} {mark}{text[-1]}"
    return f"{text} {mark}."


class CitationBook:
    """Collects the sources a draft cites, numbered in order of first use."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, hit: Hit) -> str:
        """Register a hit and return its mark, e.g. '[2]'."""
        for n, existing in enumerate(self.citations, start=1):
            if existing.id == hit.card_id:
                return f"[{n}]"
        self.citations.append(
            Citation(id=hit.card_id, title=hit.title, source=hit.source, year=hit.year, lang=hit.lang,
                     kind=hit.kind, text=(hit.claim + "\n" + hit.text).strip())
        )
        return f"[{len(self.citations)}]"
