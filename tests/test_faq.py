"""The FAQ composer and answers to a user's own question: structure, grounding, register (snapshot-free)."""

from __future__ import annotations

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
from toolkit.citations import CitationBook
from toolkit.drafting import faq
from toolkit.i18n import format_long_date

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REQUIRED = {"job", "why_now", "what_ai", "training", "monitoring", "success", "human", "wrong", "career", "input",
            "timeline", "contact"}
CASES = [("nl", "je"), ("nl", "u"), ("sv", "du"), ("sv", "ni"), ("en", "plain"), ("en", "formal")]


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


def brief_for(lang: str, register: str | None = None, **changes):
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    return brief.model_copy(update={**changes, **register_fields(register)})


def check_register(text: str, lang: str, register: str, addressed: bool = True) -> None:
    """One register throughout; `addressed` also demands that the reader is addressed at least once."""
    if lang == "en":
        found = contractions(text)
        assert (found == []) if register == "formal" else (found or not addressed)
    else:
        assert register_hits(text, register) or not addressed
        assert register_hits(text, OTHER[register]) == []


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_faq_answers_the_questions_staff_ask(lang, register, retriever):
    brief = brief_for(lang, register)
    draft = faq.compose(brief, lang, retriever)
    assert draft.kind == "faq" and draft.register == register and len(draft.items) >= 12
    keys = [item.key for item in draft.items]
    assert set(keys) >= REQUIRED and len(set(keys)) == len(keys)
    assert keys[0] == "job", "the worry comes first"
    assert all(item.question.strip() and len(item.answer.split()) >= 8 for item in draft.items)
    assert len(draft.sections) <= 1
    text = draft.text
    assert format_long_date(brief.start_date, lang) in draft.derived
    assert brief.contact_person in next(i for i in draft.items if i.key == "contact").answer
    for item in brief.stops_doing:
        assert item.lower().rstrip(".") in text.lower()
    check_register(text, lang, register)


@pytest.mark.parametrize(("lang", "register"), CASES)
def test_faq_is_grounded_and_cites_its_sources(lang, register, retriever):
    brief = brief_for(lang, register)
    draft = faq.compose(brief, lang, retriever)
    assert ungrounded_numbers(draft, brief) == []
    used = marks(draft.text)
    assert used and all(1 <= n <= len(draft.citations) for n in used)
    assert set(used) == set(range(1, len(draft.citations) + 1))
    by_number = {n: c.id for n, c in enumerate(draft.citations, start=1)}
    for item in draft.items:
        assert {by_number[n] for n in marks(item.answer)} == set(item.citations)


def test_success_is_more_than_deflection(retriever):
    draft = faq.compose(brief_for("en"), "en", retriever)
    success = next(i for i in draft.items if i.key == "success")
    for measure in brief_for("en").success_measures:
        assert measure.lower() in success.answer.lower()
    cited = set(success.citations)
    assert cited & {"cxtoday-goodhart-metrics", "loman-define-efficiency"}


def test_job_answer_promises_only_what_the_brief_commits_to(retriever):
    with_promise = faq.compose(brief_for("nl"), "nl", retriever)
    job = next(i for i in with_promise.items if i.key == "job")
    assert "geen gedwongen ontslagen" in job.answer
    assert "training in werktijd" not in job.answer, "a commitment about training is not a job promise"
    without = faq.compose(brief_for("nl", commitments=[]), "nl", retriever)
    job = next(i for i in without.items if i.key == "job")
    assert "ontslag" not in job.answer and "beloven niets" in job.answer


def test_union_is_named_only_when_the_brief_says_so(retriever):
    named = next(i for i in faq.compose(brief_for("en"), "en", retriever).items if i.key == "monitoring")
    assert "union" in named.answer
    silent = next(i for i in faq.compose(brief_for("en", commitments=[]), "en", retriever).items
                  if i.key == "monitoring")
    assert "union" not in silent.answer.lower() and "works council" not in silent.answer.lower()
    assert brief_for("en").contact_person in silent.answer


def test_faq_variant_differs(retriever):
    brief = brief_for("sv")
    assert faq.compose(brief, "sv", retriever).text == faq.compose(brief, "sv", retriever).text
    assert faq.compose(brief, "sv", retriever, variant=1).text != faq.compose(brief, "sv", retriever).text


def test_no_stays_same_drops_that_question_but_keeps_twelve(retriever):
    draft = faq.compose(brief_for("sv", stays_same=[]), "sv", retriever)
    assert "same" not in [i.key for i in draft.items] and len(draft.items) >= 12


@pytest.mark.parametrize(("lang", "register", "question", "expected"), [
    ("nl", "u", "Moet ik na een gesprek nog zelf de notities uittypen?", "notities"),
    ("sv", "ni", "Kan kunden välja att prata med en människa i stället för Ella?", "människa"),
    ("en", "plain", "Will customers still trust us if a bot answers?", "trust"),
])
def test_answer_to_an_own_question_is_grounded_and_cited(lang, register, question, expected, retriever):
    brief = brief_for(lang, register)
    book = CitationBook()
    item = faq.answer(question, brief, lang, retriever, book=book)
    assert item.custom and item.question == question and expected in item.answer.lower()
    used = marks(item.answer)
    assert used and all(1 <= n <= len(book.citations) for n in used)
    assert set(item.citations) == {book.citations[n - 1].id for n in used}
    cited_text = " ".join(c.text for c in book.citations)
    draft_like = faq.compose(brief, lang, retriever).model_copy(update={"items": [item], "sections": [],
                                                                        "citations": book.citations})
    assert ungrounded_numbers(draft_like, brief) == [], cited_text[:200]
    check_register(item.answer, lang, register, addressed=False)


def test_answer_continues_a_draft_numbering(retriever):
    brief = brief_for("en")
    book = CitationBook()
    first = faq.answer("How will you measure success?", brief, "en", retriever, book=book)
    before = len(book.citations)
    second = faq.answer("Will customers trust a person more than the assistant?", brief, "en", retriever, book=book)
    assert before >= 1 and len(book.citations) >= before
    assert first.key != second.key
    assert all(1 <= n <= len(book.citations) for n in marks(first.answer + second.answer))


def test_unanswerable_question_is_referred_to_the_contact_person(retriever):
    brief = brief_for("nl")
    item = faq.answer("Welke kleur krijgen de nieuwe bureaustoelen?", brief, "nl", retriever)
    assert brief.contact_person in item.answer
    assert item.citations == [] and marks(item.answer) == []
