"""The results report .docx, re-opened with python-docx: headings, tables, pictures with alt text, nothing
about a hidden group; and it converts with LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from results_samples import three_waves, wave

from toolkit.brief import Brief
from toolkit.results import charts
from toolkit.results.model import Change, Score, Summary, WaveSummary
from toolkit.results.report import to_docx
from toolkit.templates import load_template

BRIEF = Brief(organisation="Acme Zorg", ai_tool="Zaplo", purpose="Sneller helpen.", changes=["Zaplo stelt voor"],
              stops_doing=["Zoeken"], start_date=date(2027, 3, 1), audience="Klantenservice", team_size=50,
              contact_person="Sanne de Vries", tone="informal")


def reopen(data: bytes):
    return Document(io.BytesIO(data))


def headings(doc, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def all_xml_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return " ".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()
                        if name.endswith(".xml"))


@pytest.mark.parametrize("lang", ["nl", "sv", "en"])
def test_report_has_the_sections_in_the_reports_language(lang):
    doc = reopen(to_docx(three_waves(lang), lang, brief=BRIEF))
    text = load_template(lang, "results")["report"]
    found = headings(doc)
    for section in ("glance", "response", "dimensions", "enps", "trend", "changes", "barrier", "themes", "method"):
        assert text[section]["heading"] in found, section
    assert text["dimensions"]["tables_heading"] in found
    assert doc.paragraphs[0].text == text["title_org"].format(org="Acme Zorg")
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.core_properties.language == {"nl": "nl-NL", "sv": "sv-SE", "en": "en-GB"}[lang]


def test_a_table_per_dimension_and_one_for_the_changes_with_localised_verdicts():
    summary = three_waves("nl")
    doc = reopen(to_docx(summary, "nl"))
    assert len(doc.tables) == 7 + 1
    changes, purpose = doc.tables[0], doc.tables[1]  # the changes come first, the tables per dimension last
    assert [c.text for c in purpose.rows[0].cells][:4] == ["Meting", "Groep", "n", "Positief"]
    first = [c.text for c in purpose.rows[1].cells]
    assert first[:6] == ["Vooraf", "Hele team", "40", "55%", "20%", "25%"]
    assert first[6] == "3,2"  # decimal comma
    assert [c.text for c in changes.rows[1].cells] == ["Voorbereiding en training", "Vooraf", "Tijdens", "+16",
                                                      "gestegen"]
    assert changes.rows[2].cells[4].text == "geen duidelijke verandering: kan toeval zijn"
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Methode: two-proportion z-test on favourable %, 95%." in body


def test_every_picture_has_alt_text_stating_its_figures():
    summary = three_waves("sv")
    data = to_docx(summary, "sv")
    doc = reopen(data)
    shapes = doc.inline_shapes
    assert len(shapes) == 4
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert descriptions == [charts.alt_text(kind, summary, "sv") for kind in charts.KINDS]
    assert all(len(d) > 40 for d in descriptions)
    assert all(s.width > 0 and s.height > 0 for s in shapes)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(images) == 4 and all(archive.read(n)[:4] == b"\x89PNG" for n in images)


def test_no_figure_or_name_of_a_hidden_group_is_in_the_report():
    summary = three_waves("en")
    data = to_docx(summary, "en")
    xml = all_xml_text(data)
    assert "Nachtdienst" not in xml  # the hidden group in every wave
    assert "Team Noord" in xml and "Team Zuid" in xml  # the shown groups are there
    body = "\n".join(p.text for p in reopen(data).paragraphs)
    for note in summary.notes:
        assert note in body  # what was hidden, said only as the summary says it


def test_themes_quotes_and_suggested_faq_questions():
    doc = reopen(to_docx(three_waves("en"), "en"))
    assert "Training and time to practise (12)" in headings(doc, 2)
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert "“I need more practice before we go live.”" in quotes
    assert any(p.text == "Suggested FAQ question: Will I get enough training?" for p in doc.paragraphs)


def test_a_wave_below_the_minimum_shows_only_its_response_count():
    summary = Summary(lang="nl", waves=[wave("before", 0, "nl"), WaveSummary(wave="during", responses=3)])
    doc = reopen(to_docx(summary, "nl"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Bij de meting ‘Tijdens’ deden te weinig collega's mee om cijfers te tonen (3 reacties)." in body
    table_waves = {row.cells[0].text for table in doc.tables for row in table.rows[1:]}
    assert "Tijdens" not in table_waves
    assert "Er is nog maar één meting, dus er valt nog niets te vergelijken." in body


def test_an_empty_summary_and_an_unusable_reference_still_give_a_document():
    doc = reopen(to_docx(Summary(lang="en"), "en", reference=b"not a word file"))
    assert doc.paragraphs[0].text == "Survey results"
    assert len(doc.inline_shapes) == 0


def test_the_header_carries_the_title():
    doc = reopen(to_docx(three_waves("nl"), "nl", brief=BRIEF))
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "{title}" not in header


@pytest.mark.integration
def test_report_converts_with_libreoffice(tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "rapport.docx"
    path.write_bytes(to_docx(three_waves("nl"), "nl", brief=BRIEF))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    reader = PdfReader(str(tmp_path / "rapport.pdf"))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3
    assert "Resultaten van de peiling: Acme Zorg" in text
    assert "Waar de verandering vastloopt" in text


def _keys(node, prefix=""):
    if isinstance(node, dict):
        return {k for key, value in node.items() for k in _keys(value, f"{prefix}{key}.")} | {prefix}
    return {prefix}


@pytest.mark.parametrize("part", ["themes", "charts", "report"])
def test_results_templates_have_the_same_keys_in_every_language(part):
    en, nl, sv = (_keys(load_template(lang, "results")[part]) for lang in ("en", "nl", "sv"))
    assert en == nl == sv


@pytest.mark.parametrize(("lang", "row", "detectable"), [
    ("nl", ["Voorbereiding en training", "Vooraf (30%)", "Tijdens (46%)", "+16", "geen duidelijke verandering: "
            "kan toeval zijn"], "Met ongeveer 40 mensen per meting is alleen een verschil van ongeveer 29 procentpunten"),
    ("sv", ["Förberedelse och utbildning", "Före (30 %)", "Under (46 %)", "+16", "ingen tydlig förändring, kan "
            "bero på slumpen"], "Med ungefär 40 svar per mätning syns bara en skillnad på ungefär 29 procentenheter"),
])
def test_a_change_chance_may_explain_shows_both_figures_and_how_large_a_change_this_team_can_show(lang, row,
                                                                                               detectable):
    summary = three_waves(lang)
    summary.changes = [Change(dimension="readiness", from_="before", to="during", delta=16, verdict="no clear change",
                              method="z", p_value=0.11, from_value=30.0, to_value=46.0)]
    summary.flagged_items = ["trust_2"]
    summary.waves[0].items = [Score(key="trust_2", label="Ik vertrouw de uitleg.", n=40)]
    doc = reopen(to_docx(summary, lang))
    assert [c.text for c in doc.tables[0].rows[1].cells] == row
    body = "\n".join(p.text for p in doc.paragraphs)
    assert detectable in body
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "Ik vertrouw de uitleg." in bullets  # a reworded statement is a bullet, as the first wave worded it
    assert ".." not in body
