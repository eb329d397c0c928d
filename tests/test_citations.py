"""The citations room: marks, the book, renumbering after edits, and a model's passage numbers."""

from __future__ import annotations

from toolkit.citations import (
    MARK,
    CitationBook,
    PassageCiter,
    normalise_citations,
    remapper,
    strip_marks,
    with_mark,
)
from toolkit.models import Citation, Draft, FaqItem, Hit, Section


def _hit(card_id: str) -> Hit:
    return Hit(id=f"{card_id}:en", card_id=card_id, text=f"About {card_id}.", title=card_id.title(),
               source="Source", lang="en")


def _citation(card_id: str) -> Citation:
    return Citation(id=card_id, title=card_id.title(), source="Source")


def test_with_mark_goes_before_the_closing_punctuation():
    assert with_mark("We start in March.", "[2]") == "We start in March [2]."
    assert with_mark("We start", "[1]") == "We start [1]."
    assert with_mark("No source.", "") == "No source."


def test_the_book_numbers_sources_in_order_of_first_use():
    book = CitationBook()
    assert [book.cite(_hit("a")), book.cite(_hit("b")), book.cite(_hit("a"))] == ["[1]", "[2]", "[1]"]
    assert book.adopt(_citation("c")) == "[3]" and book.adopt(_citation("b")) == "[2]"
    continued = CitationBook(book.citations)
    assert continued.cite(_hit("c")) == "[3]" and len(book.citations) == 3, "the copy leaves the original alone"


def test_remapper_moves_marks_into_another_list_and_drops_or_keeps_unknown_ones():
    source, target = [_citation("a"), _citation("b")], [_citation("b")]
    assert remapper(source, target)("A [1], B [2], C [3].") == "A [2], B [1], C ."
    assert [c.id for c in target] == ["b", "a"]
    assert remapper(source, [_citation("b")], keep_unknown=True)("C [3].") == "C [3]."


def test_normalise_renumbers_in_reading_order_and_drops_unused_sources():
    result = normalise_citations(Draft(
        kind="faq", lang="en", title="T", citations=[_citation("a"), _citation("b"), _citation("c")],
        sections=[Section(key="s", heading="H", paragraphs=["First [3], then [1]."])],
        items=[FaqItem(key="q", question="Q?", answer="Again [3].")]))
    assert result.sections[0].paragraphs == ["First [1], then [2]."]
    assert result.items[0].answer == "Again [1]."
    assert [c.id for c in result.citations] == ["c", "a"]
    assert result.sections[0].citations == ["c", "a"] and result.items[0].citations == ["c"]


def test_passage_citer_maps_a_models_passage_numbers_and_drops_the_ones_that_do_not_exist():
    citer = PassageCiter([_hit("a"), _hit("b")])
    assert citer.rewrite("Figures [passage 2]. Also [1, 2]. Made up [7].") == "Figures [1]. Also [2][1]. Made up."
    assert citer.dropped == [7]
    assert citer.ids(["Figures [1]."], [1]) == ["b", "a"]
    base = Draft(kind="story", lang="en", title="T", citations=[_citation("z")])
    assert citer.carry("Kept [1]. Gone [4].", base) == "Kept [3]. Gone."


def test_strip_marks_and_the_one_pattern():
    assert strip_marks("I trust the tool [1, 2].") == "I trust the tool."
    assert MARK.findall("a [1] b [23]") == ["1", "23"]
