"""Pure edits of a draft (toolkit.editing): section text, FAQ items, tables, and keeping edits across variants."""

from __future__ import annotations

from toolkit import editing
from toolkit.models import Citation, Draft, FaqItem, Section, SurveyQuestion, TimelineEntry, WorkshopBlock


def _draft(**fields) -> Draft:
    return Draft(kind="story", lang="en", title="T", **fields)


def test_a_section_round_trips_through_its_editable_text():
    section = Section(key="s", heading="H", paragraphs=["One.", "Two."], bullets=["a", "b"], numbered=["x", "y"])
    body = editing.section_body(section)
    assert body == "One.\n\nTwo.\n\n- a\n- b\n\n1. x\n2. y"
    assert editing.parse_body(body) == (["One.", "Two."], ["a", "b"], ["x", "y"])


def test_editing_a_section_marks_it_edited_only_when_something_changed():
    draft = _draft(sections=[Section(key="s", heading="H", paragraphs=["One."])])
    same = editing.edit_section(draft, "s", "H", "One.")
    changed = editing.edit_section(draft, "s", "", "New text\nover two lines.")
    assert not same.sections[0].edited
    assert changed.sections[0].edited and changed.sections[0].heading == "H"
    assert changed.sections[0].paragraphs == ["New text over two lines."]
    assert draft.sections[0].paragraphs == ["One."], "the original is left alone"


def test_faq_items_are_edited_and_removed_by_key():
    draft = _draft(items=[FaqItem(key="a", question="Q?", answer="A."), FaqItem(key="b", question="R?", answer="B.")])
    edited = editing.edit_faq_item(draft, "a", " Q2? ", " A2. ")
    assert (edited.items[0].question, edited.items[0].answer, edited.items[0].edited) == ("Q2?", "A2.", True)
    assert [i.key for i in editing.remove_faq_item(draft, "a").items] == ["b"]


def test_keep_edits_carries_the_users_parts_into_a_new_variant_with_marks_renumbered():
    old = _draft(citations=[Citation(id="a", title="A", source="S"), Citation(id="b", title="B", source="S")],
                 sections=[Section(key="s", heading="Mine", paragraphs=["See [2], not [9]."], edited=True)],
                 items=[FaqItem(key="own", question="Mine?", answer="Yes [1].", custom=True)])
    new = _draft(citations=[Citation(id="b", title="B", source="S")],
                 sections=[Section(key="s", heading="Fresh", paragraphs=["Fresh."])],
                 items=[FaqItem(key="gone", question="Removed?", answer="No.")])
    kept = editing.keep_edits(old, new)
    assert kept.sections[0].heading == "Mine" and kept.sections[0].paragraphs == ["See [1], not [9]."]
    assert [i.key for i in kept.items] == ["own"] and kept.items[0].answer == "Yes [2]."
    assert [c.id for c in kept.citations] == ["b", "a"]


def test_table_edits_replace_text_cells_and_keep_rows_in_place():
    draft = Draft(kind="plan", lang="en", title="P",
                  timeline=[TimelineEntry(key="k", date="2027-01-04", date_label="4 Jan", touchpoint="Announce",
                                          sender="CEO", audience="All", channel="Mail")],
                  workshop=[WorkshopBlock(start="09:00", minutes=20, title="Welcome", description="Hello")])
    rows = editing.table_rows(draft.timeline, editing.TIMELINE_COLUMNS)
    assert rows == [{"date_label": "4 Jan", "touchpoint": "Announce", "sender": "CEO", "audience": "All",
                     "channel": "Mail"}]
    result = editing.apply_tables(draft, [{**rows[0], "sender": "Team leader"}],
                                  [{"minutes": "25", "title": "", "description": "Coffee first"}])
    assert result.timeline[0].sender == "Team leader" and result.timeline[0].touchpoint == "Announce"
    assert (result.workshop[0].minutes, result.workshop[0].title) == (25, "Welcome")
    assert result.workshop[0].description == "Coffee first"


def test_survey_items_are_added_after_their_dimension():
    draft = Draft(kind="survey", lang="en", title="S", questions=[
        SurveyQuestion(key="trust_1", text="I trust it.", type="likert", dimension="trust"),
        SurveyQuestion(key="open_1", text="What else?", type="open", dimension="open")])
    added = editing.add_survey_item(draft, "I trust the team.", "likert", "trust")
    assert [q.key for q in added.questions] == ["trust_1", "custom_1", "open_1"]
    assert added.questions[1].options[0] == "Strongly disagree" and added.questions[1].dimension_label == "Trust"
