"""Word and CSV export: every artefact in every language, re-opened with python-docx and checked."""

from __future__ import annotations

import csv
import io
import os
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from export_samples import LOCALISED, SCALES, TEXT, sample

from toolkit import export
from toolkit.export.layout import time_range
from toolkit.models import Citation, Draft, FaqItem, Section, SurveyQuestion, TimelineEntry, WorkshopBlock

LANGS = ("en", "nl", "sv")
KINDS = ("story", "faq", "survey", "plan")
WORD_LANG = {"en": "en-GB", "nl": "nl-NL", "sv": "sv-SE"}
HOSTILE = "a\x00b\x0bc\x1bd\ufffee\ud800f\x7f"


def reopen(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def styled(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == style]


def num_id(paragraph) -> int:
    return int(paragraph._p.pPr.numPr.numId.get(qn("w:val")))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ every artefact


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_artefact_has_title_subtitle_language_and_properties(kind, lang):
    doc = reopen(export.to_docx(sample(kind, lang), author="Mira Jansen"))
    first, second = doc.paragraphs[0], doc.paragraphs[1]
    assert (first.style.name, first.text) == ("Title", TEXT[lang]["title"])
    assert second.style.name == "Subtitle"
    assert second.text == f"Acme Energie \u00b7 Aria \u00b7 {LOCALISED[lang]['long_date']}"
    styles = doc.styles.element
    default_lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert default_lang.get(qn("w:val")) == WORD_LANG[lang]
    normal_lang = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal_lang.get(qn("w:val")) == WORD_LANG[lang]
    props = doc.core_properties
    assert props.title == TEXT[lang]["title"]
    assert props.subject == export.subject(kind, lang)
    assert props.author == "Mira Jansen"
    assert props.language == WORD_LANG[lang]
    assert "Acme Energie" in props.keywords and "Aria" in props.keywords
    assert styled(doc, "Heading 1")[-1] == LOCALISED[lang]["sources"]
    assert styled(doc, "Bibliography")[0] == f"[1]\t{TEXT[lang]['source']}. Prosci, 2023."


def test_subject_is_localised():
    assert export.subject("story", "nl") == "Veranderverhaal"
    assert export.subject("survey", "sv") == "Pulsenkät"
    assert export.subject("faq", "en") == "Frequently asked questions"


def test_draft_subtitle_wins_over_built_one():
    draft = sample("story", "en")
    draft.subtitle = "A message from Jo, team leader"
    doc = reopen(export.to_docx(draft))
    assert doc.paragraphs[1].text == "A message from Jo, team leader"


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_draft_still_exports(kind):
    doc = reopen(export.to_docx(Draft(kind=kind, lang="sv", title=""), include_findings=True))
    assert doc.paragraphs[0].text == export.subject(kind, "sv")
    assert doc.core_properties.title == export.subject(kind, "sv")


def test_every_kind_has_a_layout_and_a_registered_layout_writes_the_body(monkeypatch):
    from toolkit.models import DRAFT_KINDS

    assert set(DRAFT_KINDS) <= set(export.LAYOUTS)

    def notice_board(writer):
        writer.heading("Notice board", 1)
        writer.paragraph("Pinned: the first week [1].")

    monkeypatch.setitem(export.LAYOUTS, "faq", notice_board)
    doc = reopen(export.to_docx(sample("faq", "en")))
    texts = [p.text for p in doc.paragraphs]
    assert "Notice board" in texts and "Pinned: the first week [1]." in texts
    assert not any(p.style.name == "Heading 2" for p in doc.paragraphs)  # the FAQ's questions are not written
    assert "Sources" in texts  # title, subtitle and sources stay the writer's


def test_author_is_empty_unless_given():
    props = reopen(export.to_docx(sample("story", "en"))).core_properties
    assert props.author == "" and props.last_modified_by == ""


# ------------------------------------------------------------------------------------------------- story


@pytest.mark.parametrize("lang", LANGS)
def test_story_sections_are_headings_with_real_lists(lang):
    doc = reopen(export.to_docx(sample("story", lang)))
    t = TEXT[lang]
    assert styled(doc, "Heading 1")[:3] == [t["why"], t["changes"], t["steps"]]
    assert styled(doc, "List Bullet") == t["bullets"]
    assert styled(doc, "List Number") == t["numbered"] + t["numbered2"]
    assert not any(text.startswith(("-", "\u2022", "1.")) for text in styled(doc, "List Bullet"))


def test_each_numbered_list_restarts_at_one():
    data = export.to_docx(sample("story", "en"))
    doc = reopen(data)
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    first_list = {num_id(p) for p in numbered[:3]}
    second_list = {num_id(p) for p in numbered[3:]}
    assert len(first_list) == 1 and len(second_list) == 1 and first_list != second_list
    numbering = doc.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if int(num.get(qn("w:numId"))) in first_list | second_list:
            override = num.find(qn("w:lvlOverride")).find(qn("w:startOverride"))
            assert override.get(qn("w:val")) == "1"
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
            abstract = [a for a in numbering.findall(qn("w:abstractNum"))
                        if a.get(qn("w:abstractNumId")) == abstract_id][0]
            assert abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val")) == "decimal"


def test_citation_marks_link_to_source_bookmarks():
    data = export.to_docx(sample("story", "en"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    doc = reopen(data)
    anchors = {link.get(qn("w:anchor")) for link in doc.element.body.iter(qn("w:hyperlink"))}
    bookmarks = {mark.get(qn("w:name")) for mark in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert anchors == {"_Source1", "_Source2"}
    assert anchors <= bookmarks
    assert "[1]" in doc.paragraphs[3].text  # the mark stays readable in the text
    assert xml.count('w:anchor="_Source1"') == 1


def test_marks_without_a_source_stay_plain_text():
    draft = sample("story", "en")
    draft.sections[0].paragraphs = ["See [7] and [0]."]
    doc = reopen(export.to_docx(draft))
    assert "See [7] and [0]." in all_text(doc)
    anchors = {link.get(qn("w:anchor")) for link in doc.element.body.iter(qn("w:hyperlink"))}
    assert "_Source7" not in anchors and "_Source0" not in anchors


def test_free_text_lists_and_bold_become_word_formatting():
    draft = sample("story", "en")
    draft.sections[0].paragraphs = ["Intro with **key point** here.\n\n- one\n- two\n\n1. first\n2. second"]
    doc = reopen(export.to_docx(draft))
    bold = [run.text for p in doc.paragraphs for run in p.runs if run.bold]
    assert "key point" in bold
    assert styled(doc, "List Bullet")[:2] == ["one", "two"]
    assert styled(doc, "List Number")[:2] == ["first", "second"]


def test_no_sources_section_without_citations():
    draft = sample("story", "nl")
    draft.citations = []
    doc = reopen(export.to_docx(draft))
    assert "Bronnen" not in styled(doc, "Heading 1")


# --------------------------------------------------------------------------------------------------- faq


@pytest.mark.parametrize("lang", LANGS)
def test_faq_questions_are_heading_2_with_answers_below(lang):
    doc = reopen(export.to_docx(sample("faq", lang)))
    t = TEXT[lang]
    assert styled(doc, "Heading 1")[0] == LOCALISED[lang]["faq"]
    assert styled(doc, "Heading 2") == [t["q1"], t["q2"]]
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index(t["q1"]) + 1] == t["a1"]
    assert len(styled(doc, "List Bullet")) == 2  # the "- " lines of the second answer


# ------------------------------------------------------------------------------------------------ survey


@pytest.mark.parametrize("lang", LANGS)
def test_survey_tables_have_localised_scales_nps_and_answer_space(lang):
    """All agree items on one scale form one grid a respondent ticks on paper: the scale once (the header row,
    repeated on each page), a label row per dimension, a row of boxes per statement."""
    doc = reopen(export.to_docx(sample("survey", lang)))
    assert doc.paragraphs[2].text == TEXT[lang]["intro"]
    assert len(doc.tables) == 3  # the agree grid, eNPS, one open question
    grid, nps, open_box = doc.tables
    header = [c.text for c in grid.rows[0].cells]
    assert header == [LOCALISED[lang]["statement"], *SCALES[lang]]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = [[c.text for c in row.cells] for row in grid.rows[1:]]
    dims = list(TEXT[lang]["dims"].values())
    assert rows[0] == [dims[0]] * len(header) and rows[2] == [dims[1]] * len(header), "a merged label row"
    assert rows[1][0] == "1. " + TEXT[lang]["items"][0] and rows[4][0] == "3. " + TEXT[lang]["items"][2]
    assert all(row[1:] == [export.BOX] * len(SCALES[lang]) for row in (rows[1], rows[3], rows[4]))
    assert all(not any(label in " ".join(row) for label in SCALES[lang]) for row in rows), "the scale is said once"
    assert dims[0] not in styled(doc, "Heading 1")
    assert [c.text for c in nps.rows[0].cells] == [str(n) for n in range(11)]
    assert all(cell.text == export.BOX for cell in nps.rows[1].cells)
    assert len(open_box.columns) == 1 and open_box.rows[0].height.pt >= 72
    assert TEXT[lang]["open"] in all_text(doc)


def test_survey_items_keep_draft_order_within_a_dimension_and_mixed_scales_split_tables():
    draft = sample("survey", "en")
    other_scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]
    draft.questions.insert(2, SurveyQuestion(key="t0", text="I feel informed.", type="likert",
                                             options=other_scale, dimension="trust", dimension_label="Trust"))
    doc = reopen(export.to_docx(draft))
    headers = [[c.text for c in table.rows[0].cells][1:] for table in doc.tables]
    assert other_scale in headers and SCALES["en"] in headers


def test_dimension_without_label_gets_readable_heading():
    draft = sample("survey", "en")
    for question in draft.questions:
        question.dimension_label = ""
    doc = reopen(export.to_docx(draft))
    assert doc.tables[0].rows[1].cells[0].text == "Purpose" and "Enps" in styled(doc, "Heading 1")


# -------------------------------------------------------------------------------------------------- plan


@pytest.mark.parametrize("lang", LANGS)
def test_plan_timeline_and_workshop_tables(lang):
    doc = reopen(export.to_docx(sample("plan", lang)))
    timeline, workshop = doc.tables
    header = [c.text for c in timeline.rows[0].cells]
    assert header[0] == LOCALISED[lang]["date"] and header[1] == LOCALISED[lang]["touchpoint"]
    assert len(header) == 5 and len(timeline.rows) == 3
    assert [c.text for c in timeline.rows[1].cells][1:] == [
        TEXT[lang]["touch"], TEXT[lang]["sender"], TEXT[lang]["audience"], TEXT[lang]["channel"]]
    assert workshop.rows[1].cells[0].text == "09:00\u201309:20"
    assert workshop.rows[2].cells[1].text == "40 min"
    assert TEXT[lang]["block"] in workshop.rows[2].cells[2].text


def test_time_range_handles_dots_and_nonsense():
    assert time_range("13.30", 45) == "13.30\u201314.15"
    assert time_range("later", 30) == "later"
    assert time_range("23:30", 60) == "23:30\u201300:30"


# ------------------------------------------------------------------------------------------------ findings


def test_findings_appendix_only_when_asked():
    draft = sample("story", "sv")
    without = reopen(export.to_docx(draft))
    with_findings = reopen(export.to_docx(draft, include_findings=True))
    assert "Bilaga: kvalitetskontroll" not in styled(without, "Heading 1")
    assert styled(with_findings, "Heading 1")[-1] == "Bilaga: kvalitetskontroll"
    table = with_findings.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["Kontroll", "Anmärkning", "Åtgärd"]
    assert "Läsbarhet" in table.rows[1].cells[0].text and "64" in table.rows[1].cells[0].text
    assert "je and u mixed" in table.rows[2].cells[1].text


def test_findings_appendix_without_findings_says_so():
    draft = sample("story", "en")
    draft.checks = []
    doc = reopen(export.to_docx(draft, include_findings=True))
    assert "No findings." in [p.text for p in doc.paragraphs]


# ------------------------------------------------------------------------------------------ hostile input


def hostile_draft(kind: str) -> Draft:
    long_text = "Lorem ipsum dolor sit amet. " * 8000  # about 220 000 characters
    return Draft(
        kind=kind, lang="nl", title=HOSTILE * 100, subtitle=HOSTILE, organisation=HOSTILE, ai_tool=HOSTILE,
        date="not a date",
        sections=[Section(key="x", heading=HOSTILE, paragraphs=[HOSTILE, long_text], bullets=[HOSTILE, ""],
                          numbered=[HOSTILE])],
        citations=[Citation(id="c", title=HOSTILE, source=HOSTILE, year=None)],
        items=[FaqItem(key="q", question=HOSTILE, answer=HOSTILE + " [1]")],
        questions=[SurveyQuestion(key="q", text=HOSTILE, type="likert", options=[HOSTILE] * 5,
                                  dimension=HOSTILE, dimension_label=HOSTILE),
                   SurveyQuestion(key="n", text=HOSTILE, type="nps", options=[], dimension="enps"),
                   SurveyQuestion(key="o", text=HOSTILE, type="open", dimension="open")],
        survey_intro=HOSTILE,
        timeline=[TimelineEntry(date=HOSTILE, date_label="", touchpoint=HOSTILE, sender=HOSTILE,
                                audience=HOSTILE, channel=HOSTILE)],
        workshop=[WorkshopBlock(start=HOSTILE, minutes=-5, title=HOSTILE, description=HOSTILE, exercise=True)],
        notices=[HOSTILE],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_text_never_breaks_an_export(kind):
    draft = hostile_draft(kind)
    data = export.to_docx(draft, include_findings=True, author=HOSTILE * 100)
    doc = reopen(data)
    text = all_text(doc)
    assert "abcdef" in text
    for bad in ("\x00", "\x0b", "\x1b", "\ufffe", "\x7f"):
        assert bad not in text
    assert len(text) > 200_000
    assert len(doc.core_properties.title) <= 255
    assert "abcdef" in doc.core_properties.author


def test_hostile_csv_is_clean():
    draft = hostile_draft("survey")
    rows = list(csv.DictReader(io.StringIO(export.survey_csv(draft).decode("utf-8-sig"))))
    assert rows[0]["text"] == "abcdef"
    assert "\x00" not in rows[0]["options"]


# --------------------------------------------------------------------------------------------- references


def branded_reference(header_text: str = "ACME \u2013 internal", drop: tuple[str, ...] = ()) -> bytes:
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = header_text
    doc.sections[0].footer.paragraphs[0].text = "Confidential"
    doc.add_paragraph("Old cover text that must not survive")
    doc.core_properties.author = "Someone Else"
    doc.core_properties.comments = "internal note"
    for name in drop:
        element = doc.styles[name].element
        element.getparent().remove(element)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_branded_reference_keeps_header_footer_and_drops_its_body():
    data, message = export.load_reference(branded_reference(), "en")
    assert message is None
    doc = reopen(export.to_docx(sample("story", "en"), reference=data))
    assert doc.sections[0].header.paragraphs[0].text == "ACME \u2013 internal"
    assert doc.sections[0].footer.paragraphs[0].text == "Confidential"
    assert "Old cover text" not in all_text(doc)
    assert doc.core_properties.author == "" and doc.core_properties.comments == ""
    langs = {lang.get(qn("w:val")) for lang in doc.styles.element.iter(qn("w:lang"))}
    assert langs == {"en-GB"}  # python-docx's template says en-US; the draft's language wins everywhere
    assert styled(doc, "Heading 1")[0] == TEXT["en"]["why"]


def test_branded_reference_without_list_and_table_styles_falls_back_gracefully():
    reference = branded_reference(drop=("List Number", "List Bullet"))
    assert export.load_reference(reference, "en")[1] is None
    doc = reopen(export.to_docx(sample("story", "en"), reference=reference))
    assert styled(doc, "List Number") == TEXT["en"]["numbered"] + TEXT["en"]["numbered2"]
    plan = reopen(export.to_docx(sample("plan", "en"), reference=reference))
    assert len(plan.tables) == 2
    assert plan.tables[0].style.name == "Toolkit Table"


def test_reference_without_numbering_part_still_numbers_lists():
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc = docx.Document()
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype == RT.NUMBERING:
            doc.part.rels.pop(r_id)
    buffer = io.BytesIO()
    doc.save(buffer)
    assert "word/numbering.xml" not in zipfile.ZipFile(buffer).namelist()
    data, message = export.load_reference(buffer.getvalue(), "en")
    assert message is None
    exported = export.to_docx(sample("story", "en"), reference=data)
    assert "word/numbering.xml" in zipfile.ZipFile(io.BytesIO(exported)).namelist()
    numbered = [p for p in reopen(exported).paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 5 and len({num_id(p) for p in numbered}) == 2


@pytest.mark.parametrize("lang, expected", [
    ("en", "not a Word document"), ("nl", "geen Word-document"), ("sv", "inte ett Word-dokument")])
def test_random_bytes_and_text_files_are_refused_with_a_localised_message(lang, expected):
    for data in (os.urandom(4096), b"Dit is gewoon tekst.\n" * 50):
        usable, message = export.load_reference(data, lang)
        assert usable is None and expected in message


def test_other_zip_files_and_damaged_documents_are_refused():
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert export.load_reference(sheet.getvalue(), "en")[0] is None
    damaged = branded_reference().replace(b"word/document.xml", b"word/documenX.xml")
    usable, message = export.load_reference(damaged, "nl")
    assert usable is None and "beschadigd" in message
    assert export.load_reference(b"", "sv") == (None, "Filen är tom, så standardmallen används.")


def test_a_broken_reference_never_stops_an_export():
    doc = reopen(export.to_docx(sample("faq", "nl"), reference=os.urandom(2000)))
    assert doc.paragraphs[0].style.name == "Title"
    assert styled(doc, "Heading 2") == [TEXT["nl"]["q1"], TEXT["nl"]["q2"]]


def test_word_template_dotx_is_accepted():
    reference = branded_reference("Template header")
    dotx = io.BytesIO()
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(io.BytesIO(reference)) as source, zipfile.ZipFile(dotx, "w") as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "[Content_Types].xml":
                payload = payload.replace(main, main.replace(b"document.main", b"template.main"))
            target.writestr(info, payload)
    data, message = export.load_reference(dotx.getvalue(), "en")
    assert message is None
    doc = reopen(export.to_docx(sample("story", "en"), reference=data))
    assert doc.sections[0].header.paragraphs[0].text == "Template header"


def test_default_reference_fills_the_title_into_the_running_header():
    doc = reopen(export.to_docx(sample("story", "nl")))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == TEXT["nl"]["title"]
    assert section.first_page_header.paragraphs[0].text == ""


def test_reference_docx_is_what_the_script_builds():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "make_reference_docx.py"
    spec = importlib.util.spec_from_file_location("make_reference_docx", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == export.REFERENCE_PATH.read_bytes()


def test_reference_has_the_styles_exports_use():
    doc = docx.Document(str(export.REFERENCE_PATH))
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet",
                 "List Number", "Bibliography", "Table Text", "Table Heading", "Toolkit Table", "Header", "Footer"):
        assert doc.styles[name] is not None
    assert doc.styles["Normal"].font.name is None  # the font lives on docDefaults, so branded files inherit theirs
    assert doc.styles.default(WD_STYLE_TYPE.PARAGRAPH).name == "Normal"
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.left_margin.cm, 1) == 2.5


# ---------------------------------------------------------------------------------------------- files, CSV


def test_write_docx_writes_only_the_given_path(tmp_path):
    target = tmp_path / "out" / "story.docx"
    target.parent.mkdir()
    before = set(tmp_path.rglob("*"))
    assert export.write_docx(sample("story", "en"), target, include_findings=True) == target
    assert set(tmp_path.rglob("*")) - before == {target}
    assert reopen(target.read_bytes()).paragraphs[0].text == TEXT["en"]["title"]


@pytest.mark.parametrize("lang", LANGS)
def test_survey_csv_round_trip(lang):
    draft = sample("survey", lang)
    data = export.survey_csv(draft)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0].keys()) == list(export.CSV_COLUMNS)
    assert len(rows) == len(draft.questions)
    assert rows[0]["text"] == TEXT[lang]["items"][0]
    assert rows[0]["type"] == "likert" and rows[0]["options"].split(" | ") == SCALES[lang]
    assert rows[0]["dimension"] == "purpose" and rows[0]["dimension_label"] == TEXT[lang]["dims"]["purpose"]
    assert rows[3]["type"] == "nps" and rows[3]["options"].split(" | ") == [str(n) for n in range(11)]
    assert rows[4]["type"] == "open" and rows[4]["options"] == ""


def test_survey_csv_defuses_spreadsheet_formulas_and_allows_semicolons():
    draft = sample("survey", "nl")
    draft.questions[0].text = "=HYPERLINK(\"http://x\")"
    data = export.survey_csv(draft, delimiter=";")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["text"].startswith("'=")


def test_the_plain_text_of_a_survey_gives_each_scale_once_before_its_items():
    draft = sample("survey", "en")
    scale = "(" + " / ".join(SCALES["en"]) + ")"
    assert draft.text.count(scale) == 1
    assert draft.text.index(scale) < draft.text.index("1. " + TEXT["en"]["items"][0])
