"""Results page, used end to end as an HR partner and a team leader use it: three waves of Microsoft Forms
exports whose group column is named differently in each ("Arbetslag", "Team", "Avdelning"), groups typed in other
case and spacing, one group of 3, comments with an e-mail address and a colleague's name. The report is downloaded
and read whole with python-docx: what a manager would be sent."""

from __future__ import annotations

import io
import re

import docx
import pytest
from app_support import app, capture_downloads, no_exceptions, page, seed_project, texts, workspace
from results_scenario import EMAIL, NAME, SMALL, make_scenario

from toolkit.results.ingest import load_survey

SHOWN = {"sv": ["Kundservice Göteborg", "Skadeservice"], "nl": ["Team Amersfoort", "Team Utrecht"]}
NEXT_SMALLEST = {"sv": "Kundservice Malmö", "nl": "Team Zuid"}  # hidden with the group of 3 (10 people)


def _open(tmp_path, lang: str, waves=("before", "during", "after"), headers=None):
    files = make_scenario(tmp_path / "answers", lang, headers=headers)
    pid = seed_project(lang)
    for wave in ("before", "during", "after"):  # a survey drafted for each wave, as the survey page does
        workspace().save_draft(pid, load_survey(tmp_path / "answers" / wave / f"survey-{lang}.json"))
    at = page(app(lang, project=pid), "results")
    for wave in waves:
        at.file_uploader(key=f"results:{pid}:{wave}:file").upload(files[wave].name, files[wave].read_bytes()).run()
        no_exceptions(at)
    return pid, at, files


def _group_tables(at) -> list:
    """The per-group tables of every wave tab (their first column is the group)."""
    return [df.value for df in at.dataframe if df.value.columns[0] in ("Grupp", "Groep")]


def document_text(data: bytes) -> str:
    """Everything a reader of the .docx can see or hear: paragraphs, table cells, alt texts, header, footer and
    the document's properties."""
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [e.get("descr", "") + " " + e.get("title", "") for e in doc.element.body.iter()
              if e.tag.endswith("}docPr")]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    props = doc.core_properties
    parts += [props.title or "", props.subject or "", props.author or "", props.keywords or "", props.comments or ""]
    return "\n".join(parts)


def test_two_waves_whose_group_columns_differ_show_the_same_groups(tmp_path):
    pid, at, _files = _open(tmp_path, "sv", waves=("before", "during"))
    saved = workspace().latest_results(pid)
    assert {w: r.group_column for w, r in saved.items()} == {"before": "Arbetslag", "during": "Team"}
    for wave, results in saved.items():  # each file read against its own wave's survey: every question found
        asked = {q.key for q in load_survey(tmp_path / "answers" / wave / "survey-sv.json").questions}
        assert {m.item for m in results.mapping if m.item} == asked, wave
    tables = _group_tables(at)
    assert len(tables) == 2
    for table in tables:  # one row per group, spelled one way, in both waves
        assert list(table["Grupp"]) == ["Kundservice Göteborg", "Kundservice Malmö", "Nattpasset", "Skadeservice"]
        hidden = table[table["Grupp"].isin(["Nattpasset", "Kundservice Malmö"])]
        assert set(hidden["n"]) == {"visas inte"}


def test_a_group_column_chosen_by_hand_is_kept_for_the_next_waves_file(tmp_path):
    headers = ("Var jobbar du", "Var jobbar du", "Var jobbar du")  # no header the importer knows
    pid, at, files = _open(tmp_path, "sv", waves=("before",), headers=headers)
    assert workspace().latest_results(pid)["before"].group_column is None
    version = workspace().latest_results(pid)["before"].version
    at.selectbox(key=f"results:{pid}:before:group:{version}").set_value("Var jobbar du").run()
    no_exceptions(at)
    assert workspace().latest_results(pid)["before"].group_column == "Var jobbar du"
    at.file_uploader(key=f"results:{pid}:during:file").upload(files["during"].name,
                                                               files["during"].read_bytes()).run()
    no_exceptions(at)
    assert workspace().latest_results(pid)["during"].group_column == "Var jobbar du"
    assert all(list(t["Grupp"])[0] == "Kundservice Göteborg" for t in _group_tables(at))


@pytest.mark.parametrize("lang", ["sv", "nl"])
def test_the_three_wave_report_can_be_sent_as_it_is(monkeypatch, tmp_path, lang):
    downloads = capture_downloads(monkeypatch)
    _pid, at, _files = _open(tmp_path, lang)
    report = next(data for name, data in downloads.items() if name.endswith(f"-results-{lang}.docx"))
    text = document_text(report)
    doc = docx.Document(io.BytesIO(report))
    # Every wave compares the same shown groups; the group of 3 and the one hidden beside it appear nowhere.
    groups = [row.cells[1].text for table in doc.tables[1:] for row in table.rows[1:]]
    assert set(groups) == {doc.tables[1].rows[1].cells[1].text, *SHOWN[lang]}
    assert groups.count(SHOWN[lang][0]) == 3 * len(doc.tables[1:])  # in each of the three waves of every table
    for hidden in (SMALL[lang], NEXT_SMALLEST[lang]):
        assert hidden.casefold() not in text.casefold()
    # No one is named or reachable: not the colleague in a comment, not an address.
    for word in (*NAME["sv"].split(), *NAME["nl"].split()[::2], EMAIL["sv"], EMAIL["nl"], "@"):
        assert word not in text, word
    # Words for a manager: no item keys, no doubled full stops, changes with both figures and a plain verdict.
    assert not re.search(r"\b[a-z]+_\d\b", text) and ".." not in text
    chance = {"sv": "kan bero på slumpen", "nl": "kan toeval zijn"}[lang]
    changes = [[c.text for c in row.cells] for row in doc.tables[0].rows[1:]]
    assert any(chance in row[4] for row in changes) and all("(" in row[1] and "(" in row[2] for row in changes)
    assert {"sv": "Med ungefär 60 svar per mätning", "nl": "Met ongeveer 60 mensen per meting"}[lang] in text
    alt = [e.get("descr") for e in doc.element.body.iter() if e.tag.endswith("}docPr")]
    assert len(alt) == 4 and all(a and "chart" not in a for a in alt)  # in the report's language
    assert doc.core_properties.language == {"sv": "sv-SE", "nl": "nl-NL"}[lang]


@pytest.mark.parametrize("lang", ["sv", "nl"])
def test_the_page_names_no_hidden_group_outside_its_table_and_explains_the_changes(tmp_path, lang):
    _pid, at, _files = _open(tmp_path, lang, waves=("before", "during"))
    shown = texts(at)
    for hidden in (SMALL[lang], NEXT_SMALLEST[lang]):
        assert hidden not in shown
    assert not re.search(r"\b[a-z]+_\d\b", shown)  # questions by their words, never by a key like readiness_2
    for word in (*NAME["sv"].split(), EMAIL["sv"], EMAIL["nl"]):
        assert word not in shown, word
    assert {"sv": "Med ungefär 60 svar per mätning", "nl": "Met ongeveer 60 mensen per meting"}[lang] in shown
    assert {"sv": "z-test", "nl": "z-toets"}[lang] in shown
    assert {"sv": ": från ", "nl": ": van "}[lang] in shown  # each change with both figures
