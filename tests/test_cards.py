"""Guards for the curated knowledge base (knowledge/{en,nl,sv}/*.md) and the retrieval dev set.

Fast: no embedder, no index. These keep the three language versions of every card in step, every figure tied
to a named source and year, and the dev set pointing at cards that exist.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml
from lingua import Language, LanguageDetectorBuilder

from toolkit.cards import CARD_KINDS, Card, load_cards, parse_card
from toolkit.settings import KNOWLEDGE_DIR

LANGS = ("en", "nl", "sv")
DEVSET = Path(__file__).resolve().parents[1] / "eval" / "devset.yaml"
CARD_FILES = sorted(KNOWLEDGE_DIR.glob("*/*.md"))
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|procent\b|per cent\b|percent\b)", re.IGNORECASE)
LINGUA = {Language.ENGLISH: "en", Language.DUTCH: "nl", Language.SWEDISH: "sv"}


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*LINGUA).build()


@cache
def _cards() -> tuple[Card, ...]:
    return tuple(parse_card(p.read_text(encoding="utf-8"), str(p)) for p in CARD_FILES)


def _by_id() -> dict[str, dict[str, Card]]:
    table: dict[str, dict[str, Card]] = defaultdict(dict)
    for card in _cards():
        table[card.id][card.lang] = card
    return table


def _source_names(source: str) -> set[str]:
    """Capitalised words of four letters or more in a card's source: the names a reader can check."""
    return {w.lower() for w in re.findall(r"[A-ZÅÄÖ][\w-]{3,}", source)}


def _devset() -> list[dict]:
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))


def test_knowledge_folder_has_only_the_three_languages():
    assert CARD_FILES, "no cards found under knowledge/"
    assert {p.parent.name for p in CARD_FILES} == set(LANGS)


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_card_parses_with_valid_front_matter(path: Path):
    card = parse_card(path.read_text(encoding="utf-8"), str(path))
    assert card.id == path.stem
    assert card.lang == path.parent.name, "the card's lang must match its folder"
    assert card.kind in CARD_KINDS
    assert card.title.strip()
    assert card.topics and all(re.fullmatch(r"[a-z][a-z_]*", t) for t in card.topics), card.topics
    assert 90 <= len(card.body.split()) <= 200, f"body has {len(card.body.split())} words"


def test_load_cards_sees_at_least_forty_per_language():
    for lang in LANGS:
        assert len(load_cards(lang)) >= 40, lang


def test_every_id_exists_in_every_language_with_the_same_metadata():
    for card_id, versions in _by_id().items():
        assert set(versions) == set(LANGS), f"{card_id} is missing in {set(LANGS) - set(versions)}"
        en = versions["en"]
        for lang in ("nl", "sv"):
            other = versions[lang]
            assert (other.kind, other.year, other.source) == (en.kind, en.year, en.source), (card_id, lang)
            assert other.topics == en.topics, (card_id, lang)
            assert other.title != en.title, f"{card_id}/{lang}: title not translated"


def test_every_card_names_its_source_and_year_in_the_body():
    for card in _cards():
        assert card.source.strip(), card.path
        assert isinstance(card.year, int) and 1900 < card.year <= 2030, card.path
        assert str(card.year) in card.body, f"{card.path}: body does not give the year {card.year}"
        names = _source_names(card.source)
        assert names, f"{card.path}: source names no author or publisher"
        assert any(n in card.body.lower() for n in names), f"{card.path}: body names none of {names}"


def test_fact_cards_carry_one_sentence_claim_grounded_in_the_body():
    facts = [c for c in _cards() if c.kind == "fact"]
    assert len(facts) >= 10 * len(LANGS)
    for card in facts:
        claim = card.claim.strip()
        assert claim, f"{card.path}: fact card without claim"
        assert len(re.findall(r"[.!?](?:\s|$)", claim)) == 1, f"{card.path}: claim must be one sentence"
        assert str(card.year) in claim, f"{card.path}: claim does not give the year"
        assert any(n in claim.lower() for n in _source_names(card.source)), f"{card.path}: claim names no source"
        body_numbers = set(NUMBER.findall(card.body))
        missing = set(NUMBER.findall(claim)) - body_numbers
        assert not missing, f"{card.path}: claim numbers {missing} do not appear in the body"


def test_only_fact_cards_have_claims():
    for card in _cards():
        if card.kind != "fact":
            assert card.claim == "", card.path


def test_every_percentage_in_the_knowledge_base_comes_from_a_fact_card():
    """A percentage in any card must be one a fact card states in its claim (no stray figures)."""
    for lang in LANGS:
        cards = [c for c in _cards() if c.lang == lang]
        grounded = {m for c in cards if c.kind == "fact" for m in PERCENT.findall(c.claim)}
        for card in cards:
            stray = set(PERCENT.findall(card.body)) - grounded
            assert not stray, f"{card.path}: percentages {stray} are not backed by a fact card"


def test_card_body_is_written_in_the_folder_language():
    detector = _detector()
    for card in _cards():
        detected = detector.detect_language_of(card.body)
        assert LINGUA.get(detected) == card.lang, f"{card.path}: reads as {detected}"
        if card.claim:
            assert LINGUA.get(detector.detect_language_of(card.claim)) == card.lang, f"{card.path}: claim"


def test_language_check_would_catch_a_card_in_the_wrong_folder():
    """The detector used above tells the three languages apart on real card bodies."""
    detector = _detector()
    versions = _by_id()["loman-explain-purpose"]
    assert {LINGUA[detector.detect_language_of(versions[lang].body)] for lang in LANGS} == set(LANGS)


def test_devset_has_enough_questions_per_language():
    counts = Counter(item["lang"] for item in _devset())
    for lang in LANGS:
        assert counts[lang] >= 12, f"{lang}: {counts[lang]} questions"


def test_devset_items_are_well_formed_and_point_at_existing_cards():
    known = set(_by_id())
    seen = set()
    for item in _devset():
        assert item["lang"] in LANGS
        assert item["asker"] in {"manager", "hr", "consultant"}
        assert item["q"].strip() and item["q"] not in seen, item["q"]
        seen.add(item["q"])
        assert item["expected"], item["q"]
        unknown = set(item["expected"]) - known
        assert not unknown, f"{item['q']}: unknown card ids {unknown}"


def test_devset_questions_do_not_copy_card_titles():
    titles = {c.title.lower() for c in _cards()}
    for item in _devset():
        assert item["q"].lower() not in titles, item["q"]


def test_devset_covers_every_card_group():
    expected = {card_id for item in _devset() for card_id in item["expected"]}
    groups = ("loman-", "calabrio-", "gartner-", "cxtoday-")
    for prefix in groups:
        assert any(e.startswith(prefix) for e in expected), prefix
    for framework in ("adkar", "kotter-eight-steps", "bridges-transition", "prosci-preferred-senders",
                      "survey-design-rules", "enps", "readability-targets"):
        assert framework in expected, framework


def test_every_card_lists_four_to_six_asks_in_its_own_language():
    """`asks` are how readers phrase a need in everyday words; they feed retrieval, so they must read as the
    card's language (a Swedish card with English asks would pull English queries to it)."""
    from toolkit.language import detect_language

    for card in _cards():
        assert 4 <= len(card.asks) <= 6, f"{card.path}: {len(card.asks)} asks"
        assert all(a.strip() and len(a) <= 120 for a in card.asks), card.path
        assert len(set(card.asks)) == len(card.asks), f"{card.path}: repeated asks"
        assert detect_language("\n".join(card.asks)) == card.lang, f"{card.path}: asks not in {card.lang}"


def test_asks_do_not_copy_the_card_title():
    for card in _cards():
        assert card.title.lower() not in {a.lower() for a in card.asks}, card.path


# Words a translated card uses for the people on the phones where a staff text says "medewerkers"/"collega's",
# "medarbetare"/"kollegor"/"handläggare": a claim is quoted to staff, so it must not use them.
TRANSLATED = {"nl": re.compile(r"menselijke medewerkers|\bagenten\b|\bagents?\b", re.IGNORECASE),
              "sv": re.compile(r"mänskliga agenter|\bagent(er|erna|en)?\b|tack vare AI", re.IGNORECASE)}


@pytest.mark.parametrize("lang", sorted(TRANSLATED))
def test_a_claim_quoted_to_staff_uses_the_words_staff_use(lang):
    for card in _cards():
        if card.lang == lang and card.claim:
            assert not TRANSLATED[lang].search(card.claim), f"{card.path}: {card.claim}"
