"""The core behind a workflow that never surprises (issue 9 §4): comparing versions, the action stored with
each version, rewrites that never repeat, own questions refused whole, brief hints, plural forms, sources that
follow edits, and a source list that keeps together in Word."""

from __future__ import annotations

import io
import sqlite3
from datetime import date
from pathlib import Path

import docx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fakes import FakeRetriever

from toolkit import drafting, editing, export
from toolkit.brief import brief_hints, load_brief, repeats_itself
from toolkit.i18n import LOCALE_DIR, plural_translator
from toolkit.models import Citation, Draft, FaqItem, Section
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def retriever():
    return FakeRetriever()


def _story(paragraphs: list[str], citations: list[Citation] | None = None) -> Draft:
    return Draft(kind="story", lang="en", title="Title", citations=citations or [],
                 sections=[Section(key="why", heading="Why", paragraphs=paragraphs),
                           Section(key="next", heading="Next", paragraphs=["Unchanged."])])


# --- comparing versions ------------------------------------------------------------------------------------

def test_diff_shows_removed_and_added_lines_with_context():
    old = _story(["We start in March.", "Ask your team leader."])
    new = editing.edit_section(old, "why", "Why", "We start in April.\n\nAsk your team leader.")
    lines = editing.diff_drafts(old, new)
    assert editing.DiffLine("removed", "We start in March.") in lines
    assert editing.DiffLine("added", "We start in April.") in lines
    assert lines.index(editing.DiffLine("removed", "We start in March.")) < lines.index(
        editing.DiffLine("added", "We start in April."))
    assert editing.DiffLine("same", "Ask your team leader.") in lines  # context around the change
    assert editing.diff_drafts(old, old) == []


def test_diff_leaves_out_far_unchanged_lines_as_a_gap():
    old = _story([f"Line {n}." for n in range(10)])
    new = editing.edit_section(old, "why", "Why", "\n\n".join(
        ["Line 0 changed."] + [f"Line {n}." for n in range(1, 9)] + ["Line 9 changed."]))
    kinds = [line.kind for line in editing.diff_drafts(old, new, context=1)]
    assert "gap" in kinds and kinds.count("same") < 8


# --- versions remember what made them ----------------------------------------------------------------------

def test_each_draft_version_records_its_action(tmp_path):
    ws = Workspace(tmp_path / "ws.sqlite")
    pid = ws.create_project("A").id
    first = _story(["One."])
    ws.save_draft(pid, first, action="draft")
    ws.save_draft(pid, editing.edit_section(first, "why", "Why", "Two."), base_version=1, action="edit")
    ws.save_draft(pid, first, base_version=2, action="restore", restored_from=1)
    versions = ws.draft_versions(pid, "story")
    assert [(v.version, v.action, v.restored_from, v.edited) for v in versions] == [
        (3, "restore", 1, False), (2, "edit", None, True), (1, "draft", None, False)]
    with pytest.raises(ValueError):
        ws.save_draft(pid, first, action="overwrite")
    copy = ws.duplicate(pid)
    assert ws.latest_draft(copy.id, "story").action == "copy"


def test_a_workspace_file_from_before_actions_gets_the_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL,
                updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL, kind TEXT NOT NULL,
                version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL,
                session_id TEXT NOT NULL DEFAULT '', base_version INTEGER, conflict INTEGER NOT NULL DEFAULT 0,
                UNIQUE (project_id, kind, version));
            INSERT INTO projects VALUES ('p1', 'Old', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 0);
        """)
        conn.execute("INSERT INTO drafts (project_id, kind, version, data, saved_at) VALUES (?, ?, ?, ?, ?)",
                     ("p1", "story", 1, _story(["Old text."]).model_dump_json(), "2026-01-01T00:00:00+00:00"))
    ws = Workspace(path)
    old = ws.latest_draft("p1", "story")
    assert old.action == "" and old.draft.sections[0].paragraphs == ["Old text."]
    assert ws.save_draft("p1", old.draft, base_version=1, action="edit").version == 2
    assert ws.latest_draft("p1", "story").action == "edit"


# --- "write this part again" -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,lang", [("story", "en"), ("faq", "nl"), ("survey", "sv")])
def test_rewrites_never_repeat_and_say_when_none_is_left(kind, lang, retriever):
    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    current = drafting.draft(kind, brief, retriever=retriever)
    key = (current.items or current.questions or current.sections)[0].key
    seen = [drafting.part_text(current, key)]
    with pytest.raises(drafting.NoMoreVariants) as exhausted:
        for variant in range(1, 40):
            current = drafting.regenerate_section(current, brief, key, variant=variant, retriever=retriever,
                                                  avoid=seen)
            seen.append(drafting.part_text(current, key))
    assert exhausted.value.key == key
    assert len(seen) == len(set(seen)), "every rewrite reads differently from all before it"


def test_three_rewrites_give_three_different_texts(retriever):
    brief = load_brief(EXAMPLES / "brief-en.yaml")
    current = drafting.draft("story", brief, retriever=retriever)
    key = current.sections[0].key
    texts = [drafting.part_text(current, key)]
    for variant in (1, 2, 3):  # the UI passes the history it has seen
        current = drafting.regenerate_section(current, brief, key, variant=variant, retriever=retriever,
                                              avoid=texts)
        texts.append(drafting.part_text(current, key))
    assert len(set(texts)) == 4


def test_part_text_ignores_citation_numbers():
    a = _story(["Calabrio found it [1]."])
    b = _story(["Calabrio found it [2]."])
    assert drafting.part_text(a, "why") == drafting.part_text(b, "why") != ""
    assert drafting.part_text(a, "missing") == ""


# --- own questions -----------------------------------------------------------------------------------------

def test_an_own_question_over_the_limit_is_refused_with_the_limit(retriever):
    brief = load_brief(EXAMPLES / "brief-nl.yaml")
    faq = drafting.draft("faq", brief, retriever=retriever)
    long_question = "Mag ik " + "echt " * 120 + "zelf kiezen?"
    with pytest.raises(drafting.QuestionTooLong) as refused:
        drafting.add_question(faq, long_question, brief, retriever=retriever)
    assert refused.value.limit == drafting.MAX_QUESTION == 500
    assert refused.value.length == len(" ".join(long_question.split()))
    assert isinstance(refused.value, ValueError)
    exact = ("Mag ik " + "x" * 600)[:500]
    assert drafting.add_question(faq, exact, brief, retriever=retriever).items[-1].question == exact


# --- brief hints -------------------------------------------------------------------------------------------

def test_brief_hints_flag_what_is_valid_but_probably_not_meant():
    today = date(2026, 12, 1)
    hints = brief_hints({"start_date": "2026-11-30", "organisation": "🚀 ✨", "purpose": "Sneller helpen. Sneller helpen."},
                        "nl", today=today)
    assert set(hints) == {"start_date", "organisation", "purpose"}
    assert "verleden" in hints["start_date"]
    assert brief_hints({"start_date": "2026-12-01", "organisation": "KPN", "purpose": "Sneller helpen."}, "nl",
                       today=today) == {}
    assert brief_hints({"organisation": {"nl": "🙂", "sv": "Acme"}}, "sv", today=today).keys() == {"organisation"}
    assert brief_hints({"start_date": "not a date"}, "en", today=today) == {}


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_the_example_briefs_raise_no_hints(lang):
    import yaml

    data = yaml.safe_load((EXAMPLES / f"brief-{lang}.yaml").read_text(encoding="utf-8"))
    assert brief_hints(data, lang, today=date(2026, 12, 1)) == {}


def test_a_purpose_repeating_a_long_run_of_words_is_flagged():
    assert repeats_itself("Customers wait too long for an answer on the phone, and customers wait too long for "
                          "an answer on the phone again.")
    assert not repeats_itself("Customers wait too long. Our staff answer the same questions every day.")


# --- plural forms ------------------------------------------------------------------------------------------

def _plurals() -> list[tuple[str, str]]:
    found = []
    for folder in ("ui", "toolkit"):
        for _f, _l, message, _c, _x in extract_from_dir(ROOT / folder, method_map=[("**.py", "python")],
                                                         keywords={"n_": (1, 2)}):
            if isinstance(message, tuple):
                found.append(message)
    return found


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_every_plural_message_has_both_forms(lang):
    plurals = _plurals()
    assert ("{name}: added ({n} passage).", "{name}: added ({n} passages).") in plurals
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = [p for p in plurals if not (catalog.get(p[0]) and all(catalog.get(p[0]).string))]
    assert missing == []


def test_plural_forms_follow_the_count():
    nl, sv = plural_translator("nl"), plural_translator("sv")
    one, many = "{name}: added ({n} passage).", "{name}: added ({n} passages)."
    assert nl(one, many, 1, name="a.pdf") == "a.pdf: toegevoegd (1 tekstdeel)."
    assert nl(one, many, 3, name="a.pdf") == "a.pdf: toegevoegd (3 tekstdelen)."
    assert plural_translator("en")(one, many, 1, name="a.pdf") == "a.pdf: added (1 passage)."
    assert sv("{n} card", "{n} cards", 1) == "1 kort"


# --- sources follow edits ----------------------------------------------------------------------------------

def test_a_source_whose_mark_was_deleted_is_no_longer_listed():
    sources = [Citation(id="a", title="A", source="S"), Citation(id="b", title="B", source="S")]
    draft = _story(["First [1].", "Second [2]."], sources)
    draft.sections[0].citations = ["a", "b"]
    edited = drafting.recheck(editing.edit_section(draft, "why", "Why", "First [1].\n\nSecond, my words."), None)
    assert [c.id for c in edited.citations] == ["a"]
    faq = Draft(kind="faq", lang="en", title="FAQ", citations=sources,
                items=[FaqItem(key="q", question="Q?", answer="Yes [1], see [2].", citations=["a", "b"])])
    edited = drafting.recheck(editing.edit_faq_item(faq, "q", "Q?", "Yes, see [2]."), None)
    assert [c.id for c in edited.citations] == ["b"] and "[1]" in edited.items[0].answer


# --- Word: the source list keeps together ------------------------------------------------------------------

def test_the_source_list_keeps_together_with_its_heading():
    sources = [Citation(id=f"c{n}", title=f"Title {n}", source="Source", year=2024) for n in range(5)]
    draft = _story([f"Claim [{n + 1}]." for n in range(5)], sources)
    document = docx.Document(io.BytesIO(export.to_docx(draft)))
    entries = [p for p in document.paragraphs if p.style.name == "Bibliography"]
    assert len(entries) == 5
    assert all(p.paragraph_format.keep_together for p in entries)
    assert [bool(p.paragraph_format.keep_with_next) for p in entries] == [True, True, True, True, False]


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_the_timeline_table_fits_the_page(lang, retriever):
    from docx.oxml.ns import qn

    brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
    document = docx.Document(io.BytesIO(export.to_docx(drafting.draft("plan", brief, retriever=retriever))))
    section = document.sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU -> twips
    assert document.tables, "the plan has its timeline table"
    for table in document.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= text_width + 1
