"""The purpose story composer: structure, grounding, register and variation (snapshot-free)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes import (
    OTHER,
    FakeRetriever,
    contractions,
    marks,
    register_fields,
    register_hits,
    ungrounded_numbers,
)

from toolkit.brief import load_brief
from toolkit.drafting import story
from toolkit.drafting.compose import sentence
from toolkit.i18n import format_long_date

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REQUIRED = {"why", "vision", "numbers", "changes", "stops_doing", "stays_same", "impact", "involve", "follow_up",
            "contact"}
CASES = [("nl", "je"), ("nl", "u"), ("sv", "du"), ("sv", "ni"), ("en", "plain"), ("en", "formal")]


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


def brief_for(lang: str, register: str | None = None, **changes):
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    return brief.model_copy(update={**changes, **register_fields(register)})


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_story_has_every_section_and_the_brief_values(lang, register, retriever):
    brief = brief_for(lang, register)
    draft = story.compose(brief, lang, retriever)
    assert draft.kind == "story" and draft.lang == lang and draft.register == register
    assert {s.key for s in draft.sections} >= REQUIRED
    assert all(s.heading and (s.paragraphs or s.bullets) for s in draft.sections)
    text = draft.text
    date = format_long_date(brief.start_date, lang)
    assert date in draft.derived and date in text and date in draft.subtitle
    assert brief.ai_tool in draft.title + text and brief.contact_person in text
    for item in brief.stops_doing + brief.changes:
        assert sentence(item) in text
    stops = next(s for s in draft.sections if s.key == "stops_doing")
    assert stops.bullets == [sentence(i) for i in brief.stops_doing]
    assert (draft.organisation, draft.ai_tool, draft.date) == (brief.organisation, brief.ai_tool,
                                                               brief.start_date.isoformat())


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_story_keeps_one_register(lang, register, retriever):
    draft = story.compose(brief_for(lang, register), lang, retriever)
    if lang == "en":
        found = contractions(draft.text)
        assert (found == []) if register == "formal" else found
    else:
        assert register_hits(draft.text, register), "the reader is addressed"
        assert register_hits(draft.text, OTHER[register]) == []


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_story_is_grounded_and_cites_without_marks(lang, register, retriever):
    brief = brief_for(lang, register)
    draft = story.compose(brief, lang, retriever)
    assert ungrounded_numbers(draft, brief) == []
    assert marks(draft.text) == [], "staff text carries no [n] marks (issue 9)"
    assert draft.citations, "the story cites the knowledge base"
    listed = list(dict.fromkeys(cid for s in draft.sections for cid in s.citations))
    assert set(listed) == {c.id for c in draft.citations}, "every citation belongs to a section"
    assert listed == [c.id for c in draft.citations], "listed in reading order"


@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_numbers_section_uses_the_brief_facts_and_cited_research(lang, retriever):
    brief = brief_for(lang)
    draft = story.compose(brief, lang, retriever)
    numbers = next(s for s in draft.sections if s.key == "numbers")
    body = " ".join(numbers.paragraphs)
    assert str(brief.team_size) in body
    for fact in brief.facts:
        assert sentence(fact) in body
    kinds = {c.id: c.kind for c in draft.citations}
    assert numbers.citations and all(kinds[cid] == "fact" for cid in numbers.citations)


def test_variant_changes_wording_and_variant_zero_is_stable(retriever):
    brief = brief_for("nl")
    first = story.compose(brief, "nl", retriever).text
    assert story.compose(brief, "nl", retriever).text == first
    assert story.compose(brief, "nl", retriever, variant=1).text != first


def test_two_briefs_read_differently(retriever):
    agent_assist = brief_for("en")
    chatbot = agent_assist.model_copy(update={
        "ai_tool": "HomeBot", "purpose": "Tenants want answers in the evening. HomeBot, a chatbot on our website, "
        "answers simple questions about rent day and repairs at any time.",
        "changes": ["HomeBot answers simple questions in the web chat", "HomeBot hands over to an adviser"],
        "facts": [], "commitments": []})
    a, b = FakeRetriever(), FakeRetriever()
    first, second = story.compose(agent_assist, "en", a), story.compose(chatbot, "en", b)
    assert first.text != second.text
    assert a.queries != b.queries, "retrieval queries are built from the brief"


def test_sender_changes_the_order_and_the_worry_comes_before_the_benefit(retriever):
    executive = story.compose(brief_for("sv", sender="executive"), "sv", retriever)
    leader = story.compose(brief_for("sv", sender="team_leader"), "sv", retriever)
    exec_keys, leader_keys = [s.key for s in executive.sections], [s.key for s in leader.sections]
    assert exec_keys != leader_keys
    assert exec_keys[:2] == ["why", "vision"]
    assert leader_keys.index("impact") == 1
    for keys in (exec_keys, leader_keys):
        assert keys.index("impact") < keys.index("stops_doing")


def test_without_optional_fields_nothing_is_invented(retriever):
    brief = brief_for("nl", stays_same=[], commitments=[], vision="", success_measures=[], facts=[])
    draft = story.compose(brief, "nl", retriever)
    keys = [s.key for s in draft.sections]
    assert "stays_same" not in keys
    impact = next(s for s in draft.sections if s.key == "impact")
    assert impact.bullets == []
    assert "beloven niets" in " ".join(impact.paragraphs)
    assert "ontslag" not in draft.text.lower()
    follow = next(s for s in draft.sections if s.key == "follow_up")
    assert follow.bullets == []
    assert ungrounded_numbers(draft, brief) == []


def test_commitments_are_listed_when_the_brief_has_them(retriever):
    brief = brief_for("nl")
    impact = next(s for s in story.compose(brief, "nl", retriever).sections if s.key == "impact")
    assert impact.bullets == [sentence(c) for c in brief.commitments]


def test_composer_reads_cards_in_the_draft_language(retriever):
    draft = story.compose(brief_for("sv"), "sv", retriever)
    assert draft.citations and all(c.lang == "sv" for c in draft.citations)


@pytest.mark.parametrize("lang, again", [("nl", "In hetzelfde rapport"), ("sv", "I samma rapport"),
                                         ("en", "In the same report")])
def test_a_second_figure_from_the_same_report_does_not_name_it_again(lang, again):
    from fakes import FakeRetriever

    from toolkit.cards import load_cards
    from toolkit.drafting.compose import Composer

    cards = [c for c in load_cards() if c.lang == lang and c.id in ("calabrio-ai-adoption",
                                                                    "calabrio-harder-conversations")]
    c = Composer(load_brief(EXAMPLES / f"brief-{lang}.yaml"), lang, FakeRetriever(cards), 0, "story")
    claims, ids = c.facts("contactcenter AI Calabrio kontaktcenter contact centre", limit=2, marked=False)
    assert len(claims) == 2 and claims[1].startswith(again) and "Calabrio" in claims[0]


@pytest.mark.parametrize(("lang", "me"), [("nl", "mij"), ("sv", "mig"), ("en", "me")])
def test_a_writer_who_is_the_contact_says_ask_me_and_signs_with_the_role(lang, me, retriever):
    own = brief_for(lang, sender="team_leader")
    own = own.model_copy(update={"author": own.contact_person.split(",")[0]})
    contact = next(s for s in story.compose(own, lang, retriever).sections if s.key == "contact")
    assert re.search(rf"\b{me}\b", contact.paragraphs[0], re.IGNORECASE), contact.paragraphs
    assert own.author not in contact.paragraphs[0]
    assert contact.paragraphs[-1] == own.contact_person  # the signature says who "me" is
    other = own.model_copy(update={"author": "Alex Morgan"})
    contact = next(s for s in story.compose(other, lang, retriever).sections if s.key == "contact")
    assert other.contact_person in contact.paragraphs[0] and contact.paragraphs[-1] == "Alex Morgan"
