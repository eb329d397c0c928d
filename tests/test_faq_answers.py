"""What a communications department checks in an FAQ before sending it: every answer says something the others do
not, a yes/no question gets its yes or no first, and a topic told to quote no figure quotes none.

Run over the three example briefs in every document language (the brief's lines stay in its own language; the
structure does not depend on it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes import FakeRetriever, register_fields

from toolkit.brief import load_brief
from toolkit.drafting import faq
from toolkit.drafting.faq import FaqComposer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BRIEFS = ("nl", "sv", "en")
LANGS = ("nl", "sv", "en")
# The words an open question starts with; a question starting with anything else (a verb) is a yes/no question.
QUESTION_WORDS = {
    "nl": {"wat", "waarom", "wie", "wanneer", "hoe", "waar", "welke", "welk", "bij", "hoeveel", "waaraan"},
    "sv": {"vad", "varför", "vem", "vilka", "vilken", "vilket", "när", "hur", "var", "vart"},
    "en": {"what", "why", "who", "whom", "which", "when", "how", "where"},
}
# A clear lead: yes, no, or (where the brief has not decided) "we don't know yet" - never an evasion first.
LEADS = {
    "nl": re.compile(r"^(Ja|Nee|Dat weten we nog niet)\b[.,]"),
    "sv": re.compile(r"^(Ja|Nej|Det vet vi inte än)\b[.,]"),
    "en": re.compile(r"^(Yes|No|We do not know yet|We don't know yet)\b[.,]"),
}
_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


def brief(name: str, register: str | None = None, **changes):
    loaded = load_brief(EXAMPLES / f"brief-{name}.yaml")
    return loaded.model_copy(update={**changes, **register_fields(register)})


def units(answer: str) -> set[str]:
    """An answer's sentences and list items, normalised (a list item is a sentence of its own)."""
    parts = (p.strip().lstrip("-").strip().rstrip(".:!?").lower() for p in _SENTENCE.split(answer))
    return {" ".join(p.split()) for p in parts if len(p.split()) >= 3}


def yes_no(question: str, lang: str) -> bool:
    first = re.findall(r"\w+", question.lower())[:1]
    return bool(first) and first[0] not in QUESTION_WORDS[lang]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", BRIEFS)
@pytest.mark.parametrize("variant", [0, 1])
def test_no_sentence_or_list_item_appears_in_two_answers(name, lang, variant, retriever):
    draft = faq.compose(brief(name), lang, retriever, variant=variant)
    seen: dict[str, str] = {}
    for item in draft.items:
        for unit in units(item.answer):
            assert unit not in seen, f"{item.key} repeats what {seen[unit]} says: {unit!r}"
            seen[unit] = item.key


def test_what_the_tool_does_and_what_stays_the_same_are_two_different_answers(retriever):
    draft = faq.compose(brief("sv"), "sv", retriever)
    answers = {item.key: item.answer for item in draft.items}
    assert "Ella svarar på enkla frågor i chatten på webben" in answers["what_ai"]
    assert "Telefonen är öppen som vanligt" in answers["same"]
    assert "Telefonen är öppen som vanligt" not in answers["what_ai"]


REGISTERS = [(lang, register) for lang, registers in (("nl", ("je", "u")), ("sv", ("du", "ni")),
                                                         ("en", ("plain", "formal"))) for register in registers]


@pytest.mark.parametrize(("lang", "register"), REGISTERS)
@pytest.mark.parametrize("name", BRIEFS)
@pytest.mark.parametrize("variant", [0, 1, 2])
def test_a_yes_no_question_is_answered_yes_or_no_first(name, lang, register, variant, retriever):
    draft = faq.compose(brief(name, register), lang, retriever, variant=variant)
    asked = [item for item in draft.items if yes_no(item.question, lang)]
    assert asked, "the standard FAQ asks yes/no questions"
    for item in asked:
        assert LEADS[lang].match(item.answer), f"{item.question!r} -> {item.answer[:60]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_may_i_correct_the_summary_is_answered_yes(lang, retriever):
    item = next(i for i in faq.compose(brief("nl"), lang, retriever).items if i.key == "correct_summary")
    assert item.answer.split()[0].rstrip(".,") == {"nl": "Ja", "sv": "Ja", "en": "Yes"}[lang]


def test_job_answer_says_no_only_when_the_brief_rules_out_redundancies(retriever):
    promised = next(i for i in faq.compose(brief("nl"), "nl", retriever).items if i.key == "job")
    assert promised.answer.startswith("Nee.") and "geen gedwongen ontslagen" in promised.answer
    open_ = next(i for i in faq.compose(brief("sv"), "sv", retriever).items if i.key == "job")
    assert open_.answer.startswith("Det vet vi inte än."), "no commitment in the brief: no 'no'"


@pytest.mark.parametrize("lang", LANGS)
def test_a_topic_with_an_empty_list_of_figures_quotes_none(lang, retriever):
    """`facts: []` means no figure (the training answer); a missing `facts` means any figure that fits."""
    c = FaqComposer(brief("nl"), lang, retriever, 0, "faq")
    assert c.block("items.training.facts") == []
    assert c.cited_facts("training") == ([], [])
    assert c.cited_facts("why_now")[0], "a topic with figures still finds one"


@pytest.mark.parametrize("lang", ["nl", "sv"])
@pytest.mark.parametrize("name", BRIEFS)
def test_staff_documents_quote_no_translated_card_wording(name, lang, retriever):
    """The cards' figures reach the FAQ and the story as they are: none says "mänskliga agenter" or
    "menselijke medewerkers" where staff say medarbetare, handläggare, medewerkers or collega's."""
    from toolkit.drafting import story

    words = re.compile(r"mänskliga agenter|\bagenter\b|menselijke medewerkers|\bagenten\b", re.IGNORECASE)
    for variant in (0, 1, 2):
        for draft in (faq.compose(brief(name), lang, retriever, variant=variant),
                      story.compose(brief(name), lang, retriever, variant=variant)):
            assert not words.search(draft.text), words.search(draft.text)
