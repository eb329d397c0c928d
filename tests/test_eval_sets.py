"""Guards for the held-out retrieval set (eval/heldout.yaml): well formed, enough questions, existing card ids.

Fast: no embedder, no index. The held-out set is for measuring only; cards must not be tuned to its wording.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from toolkit.settings import KNOWLEDGE_DIR

LANGS = ("en", "nl", "sv")
HELDOUT = Path(__file__).resolve().parents[1] / "eval" / "heldout.yaml"


def _items() -> list[dict]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))


def _card_ids(lang: str) -> set[str]:
    ids = set()
    for path in (KNOWLEDGE_DIR / lang).glob("*.md"):
        front = path.read_text(encoding="utf-8").split("---", 2)[1]
        ids.add(yaml.safe_load(front)["id"])
    return ids


def test_heldout_has_enough_questions_per_language():
    counts = Counter(item["lang"] for item in _items())
    for lang in LANGS:
        assert counts[lang] >= 12, f"{lang}: {counts[lang]} questions"


@pytest.mark.parametrize("lang", LANGS)
def test_heldout_items_are_well_formed_and_point_at_existing_cards(lang):
    known = _card_ids(lang)
    assert known
    seen = set()
    for item in (i for i in _items() if i["lang"] == lang):
        assert item["asker"] in {"manager", "hr", "consultant"}
        assert item["q"].strip() and item["q"] not in seen, item["q"]
        seen.add(item["q"])
        assert 1 <= len(item["expected"]) <= 2, item["q"]
        unknown = set(item["expected"]) - known
        assert not unknown, f"{item['q']}: unknown card ids {unknown}"
