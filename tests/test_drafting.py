"""The drafting facade: checks attached, sections regenerated without losing edits, own questions, fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes import FakeRetriever
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from toolkit import drafting
from toolkit.brief import load_brief

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MARK = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


@pytest.fixture(scope="module")
def brief_en():
    return load_brief(EXAMPLES / "brief-en.yaml")


def all_texts(draft):
    for section in draft.sections:
        yield from (*section.paragraphs, *section.bullets, *section.numbered)
    for item in draft.items:
        yield item.answer


def assert_marks_resolve(draft):
    used = {int(n) for text in all_texts(draft) for n in MARK.findall(text)}
    assert used <= set(range(1, len(draft.citations) + 1))
    ids = [c.id for c in draft.citations]
    assert len(ids) == len(set(ids)), "each source listed once"


@pytest.mark.parametrize("kind", ["story", "faq", "survey", "plan"])
@pytest.mark.parametrize("example", ["brief-en.yaml", "brief-nl.yaml", "brief-sv.yaml"])
def test_every_example_artefact_passes_every_check(kind, example, retriever):
    brief = load_brief(EXAMPLES / example)
    result = drafting.draft(kind, brief, retriever=retriever)
    assert result.lang == brief.language
    assert result.checks, "findings are attached"
    problems = [f for f in result.checks if f.severity != "info"]
    assert problems == [], problems
    assert_marks_resolve(result)


def test_regenerating_one_section_keeps_edits_elsewhere(brief_en, retriever):
    first = drafting.draft("story", brief_en, retriever=retriever)
    edited = first.model_copy(deep=True)
    keys = [s.key for s in edited.sections]
    edited.sections[0].paragraphs = ["Our own opening words, written by the manager."]
    edited.sections[0].edited = True
    target = next(k for k in keys[1:] if any(s.key == k and s.paragraphs for s in edited.sections))
    before = next(s for s in edited.sections if s.key == target)
    changed = None
    for variant in (1, 2, 3, 4):
        result = drafting.regenerate_section(edited, brief_en, target, variant=variant, retriever=retriever)
        after = next(s for s in result.sections if s.key == target)
        if after.paragraphs != before.paragraphs:
            changed = result
            break
    assert changed is not None, "a new variant rewrites the section"
    assert changed.sections[0].paragraphs == ["Our own opening words, written by the manager."]
    assert [s.key for s in changed.sections] == keys
    for other_before, other_after in zip(edited.sections, changed.sections, strict=True):
        if other_before.key != target and other_before.key != edited.sections[0].key:
            # untouched sections keep their words (citation numbers may be renumbered)
            assert [MARK.sub("", p) for p in other_before.paragraphs] == [MARK.sub("", p) for p in
                                                                           other_after.paragraphs]
    assert_marks_resolve(changed)


def test_regenerate_unknown_key_raises(brief_en, retriever):
    first = drafting.draft("story", brief_en, retriever=retriever)
    with pytest.raises(KeyError):
        drafting.regenerate_section(first, brief_en, "no-such-section", variant=1, retriever=retriever)


def test_citations_are_renumbered_when_text_no_longer_uses_them(brief_en, retriever):
    result = drafting.draft("plan", brief_en, retriever=retriever)  # the manager's plan keeps its [n] marks
    assert len(result.citations) >= 2
    edited = result.model_copy(deep=True)
    first_id = edited.citations[0].id
    for section in edited.sections:  # the user deletes every sentence that cited source [1]
        section.paragraphs = [p for p in section.paragraphs if "[1]" not in p]
        section.bullets = [b for b in section.bullets if "[1]" not in b]
        section.citations = [c for c in section.citations if c != first_id]
    tidy = drafting.recheck(edited, brief_en)
    assert first_id not in [c.id for c in tidy.citations]
    assert_marks_resolve(tidy)
    assert "[1]" in " ".join(all_texts(tidy)), "numbering starts again at 1"


def test_own_question_gets_a_cited_answer_in_the_draft_language(retriever):
    brief = load_brief(EXAMPLES / "brief-nl.yaml")
    faq = drafting.draft("faq", brief, retriever=retriever)
    result = drafting.add_question(faq, "Wie helpt klanten die liever een mens spreken?", brief,
                                   retriever=retriever)
    assert len(result.items) == len(faq.items) + 1
    item = result.items[-1]
    assert item.custom and item.answer
    assert item.citations, "the answer cites the knowledge base"
    assert_marks_resolve(result)
    with pytest.raises(ValueError):
        drafting.add_question(faq, " \x00 ", brief, retriever=retriever)


def test_a_malformed_model_reply_falls_back_to_the_composer_with_a_notice(brief_en, retriever):
    model = FakeListChatModel(responses=["this is not JSON at all"])
    result = drafting.draft("story", brief_en, retriever=retriever, chat_model=model, timeout=5)
    assert result.engine == "composer"
    assert result.notices and "composer" in result.notices[0].lower()
    composer = drafting.draft("story", brief_en, retriever=retriever)
    assert [s.key for s in result.sections] == [s.key for s in composer.sections]


def test_faq_lists_several_brief_entries_as_list_lines_led_by_a_colon(brief_en, retriever):
    faq = drafting.draft("faq", brief_en, retriever=retriever)
    answer = next(item.answer for item in faq.items if item.key == "what_ai")
    lines = answer.split("\n")
    for change in brief_en.changes:
        assert f"- {change}." in lines
    first = next(i for i, line in enumerate(lines) if line.startswith("- "))
    assert lines[first - 1].endswith(":")
