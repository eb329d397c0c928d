"""The per-language templates: the same keys in en, nl and sv, and each language's own forms of address."""

from __future__ import annotations

import pytest
import yaml

from toolkit.models import LANGS
from toolkit.settings import TEMPLATES_DIR

# How a wording splits by wave and register is each language's own choice (Dutch may need a je/u split where
# English reads the same in both registers); every other key (a text block, a card id, a slot list) is content
# and must exist in every language.
WAVES = {"before", "during", "after"}
REGISTERS = {"en": {"plain", "formal"}, "nl": {"je", "u"}, "sv": {"du", "ni"}}
WORDING_KEYS = WAVES | {"all"} | set().union(*REGISTERS.values())
NAMES = sorted(p.stem for p in (TEMPLATES_DIR / "en").glob("*.yaml"))


def _load(lang: str, name: str) -> dict:
    return yaml.safe_load((TEMPLATES_DIR / lang / f"{name}.yaml").read_text(encoding="utf-8")) or {}


def content_keys(node, path: tuple[str, ...] = ()) -> set[str]:
    """Dotted paths of every content key, with wave/register/all levels left out of the path."""
    keys: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            inner = path if key in WORDING_KEYS else (*path, str(key))
            if key not in WORDING_KEYS:
                keys.add(".".join(inner))
            keys |= content_keys(value, inner)
    return keys


def wording_keys(node) -> set[str]:
    """Every wave, register and `all` key used anywhere in a template."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in WORDING_KEYS:
                found.add(key)
            found |= wording_keys(value)
    return found


def test_every_language_has_the_same_template_files():
    for lang in LANGS:
        assert sorted(p.stem for p in (TEMPLATES_DIR / lang).glob("*.yaml")) == NAMES, lang


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_templates_have_the_same_keys_in_every_language(name, lang):
    english, other = content_keys(_load("en", name)), content_keys(_load(lang, name))
    assert other - english == set(), f"{lang}/{name}.yaml has keys en lacks"
    assert english - other == set(), f"{lang}/{name}.yaml lacks keys en has"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_a_template_splits_only_by_its_own_languages_registers(name, lang):
    foreign = set().union(*REGISTERS.values()) - REGISTERS[lang]
    assert wording_keys(_load(lang, name)) & foreign == set()


def test_the_key_rule_sees_a_missing_block_and_ignores_a_register_split():
    english = {"intro": {"heading": {"plain": "Hi", "formal": "Dear"}, "text": "x"}, "cards": {"a": ["id-1"]}}
    dutch_split_differently = {"intro": {"heading": {"all": "Hallo"}, "text": {"je": "x", "u": "y"}},
                               "cards": {"a": ["id-1"]}}
    dutch_missing_text = {"intro": {"heading": {"all": "Hallo"}}, "cards": {"a": ["id-1"]}}
    assert content_keys(english) == content_keys(dutch_split_differently)
    assert content_keys(english) - content_keys(dutch_missing_text) == {"intro.text"}


def test_survey_item_polarity_is_the_same_in_every_language():
    reversed_items = {lang: {key for key, node in _load(lang, "survey")["items"].items() if node.get("reverse")}
                      for lang in LANGS}
    assert reversed_items["en"] == {"job_security_2", "workload_2"}
    assert all(items == reversed_items["en"] for items in reversed_items.values())


CARD_LISTS = {"plan": ["cards"], "survey": ["cards"], "story": ["numbers.facts", "follow_up.defines_measures"]}


def _at(template: dict, path: str):
    node = template
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("name", sorted(CARD_LISTS))
def test_card_ids_a_template_needs_are_shipped_cards_named_alike_in_every_language(name):
    from toolkit.cards import get_card

    for path in CARD_LISTS[name]:
        english = _at(_load("en", name), path)
        assert all(_at(_load(lang, name), path) == english for lang in LANGS), path
        values = english.values() if isinstance(english, dict) else [english]
        ids = [i for v in values for i in ([v] if isinstance(v, str) else v)]
        assert ids and all(get_card(card_id, "en") is not None for card_id in ids), path
