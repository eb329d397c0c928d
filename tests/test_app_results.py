"""Results page: upload a file per wave, confirm or correct the mapping, see charts, themes and the barrier
point without a hidden group's figures, add a suggested question to the FAQ, download the report and the
response sheet, keep commitments with the project."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from app_support import (
    app,
    button,
    capture_downloads,
    no_exceptions,
    page,
    seed_project,
    texts,
    workspace,
)
from results_files import make_responses

from toolkit.i18n import translator
from toolkit.results.errors import DAMAGED
from toolkit.results.ingest import load_survey


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    """Two waves of 53 people (groups Noord 3, Zuid 4, Avond 6 and Centraal 40) in every format."""
    out = tmp_path_factory.mktemp("responses")
    truth = make_responses().make(out, seed=11, waves=["before", "after"], size=53)
    return out, truth


def _project(root: Path, lang: str = "nl") -> str:
    """A project with the example brief and, as its latest survey draft, the survey the files answer."""
    pid = seed_project(lang)
    workspace().save_draft(pid, load_survey(root / "before" / f"survey-{lang}.json"))
    return pid


def _upload(at, pid: str, wave: str, path: Path):
    at.file_uploader(key=f"results:{pid}:{wave}:file").upload(path.name, path.read_bytes()).run()
    no_exceptions(at)
    return at


def _open(root: Path, lang: str = "nl", files: tuple[tuple[str, str], ...] = (("before", "forms-nl.xlsx"),)):
    pid = _project(root, lang)
    at = page(app(lang, project=pid), "results")
    no_exceptions(at)
    for wave, name in files:
        _upload(at, pid, wave, root / wave / name)
    return pid, at


def _tables(at) -> list:
    return [df.value for df in at.dataframe]


def _chart_specs(at) -> list[str]:
    return [e.proto.spec for e in at.get("vega_lite_chart")]


def test_without_a_survey_draft_the_page_says_so_and_links_to_it():
    pid = seed_project("en")
    at = page(app("en", project=pid), "results")
    no_exceptions(at)
    assert "this project has no survey draft yet" in texts(at)
    assert not at.file_uploader


def test_upload_per_wave_shows_report_mapping_charts_and_themes(generated):
    root, truth = generated
    pid, at = _open(root, files=(("before", "forms-nl.xlsx"), ("after", "ours-nl.xlsx")))
    saved = workspace().latest_results(pid)
    assert list(saved) == ["before", "after"]
    assert saved["before"].file == (root / "before" / "forms-nl.xlsx").read_bytes()
    expected = truth["files"]["before/forms-nl.xlsx"]
    # Per wave tab: the import report counts, the same as the file's truth.
    metrics = {m.label: m.value for m in at.metric[:6]}
    assert metrics["Rijen gelezen"] == str(expected["rows"])
    assert metrics["Lege rijen"] == str(expected["blank_rows"])
    assert metrics["Dubbele inzendingen"] == str(expected["duplicates"])
    assert metrics["Mensen"] == str(truth["waves"]["before"]["respondents"])
    # The mapping table: every column of the file, the question columns matched to the survey's items.
    survey = workspace().latest_draft(pid, "survey").draft
    mapping = at.data_editor[0].value
    assert len(mapping) == len(saved["before"].mapping)
    assert sum(v != "Niet gebruikt" for v in mapping["item"]) == len(survey.questions)
    # Charts for both waves (the trend needs two), the dimension table, the themes.
    assert len(_chart_specs(at)) == 4
    assert any("Begrip van het doel" in list(df.iloc[:, 0]) for df in _tables(at))
    assert "Training en tijd om te oefenen" in texts(at)


def test_a_corrected_mapping_is_kept_after_a_rerun_and_in_a_new_session(generated):
    root, _truth = generated
    pid, at = _open(root)
    before = workspace().latest_results(pid)["before"]
    editor = at.data_editor[0]
    row = next(i for i, m in enumerate(before.mapping) if m.item == "purpose_1")
    at.session_state[editor.key] = {"edited_rows": {row: {"item": "Niet gebruikt"}}, "added_rows": [],
                                    "deleted_rows": []}
    at.run()
    no_exceptions(at)
    after = workspace().latest_results(pid)["before"]
    assert after.version == before.version + 1
    assert after.mapping[row].item is None and after.mapping[row].method == "none"
    assert all("purpose_1" not in p.answers for p in after.responses.respondents)  # really read again
    assert after.mapping[row].column in after.responses.report.unmapped_columns  # counted, not dropped
    at.run()
    assert workspace().latest_results(pid)["before"].version == after.version  # a rerun saves nothing
    fresh = page(app("nl", project=pid), "results")
    no_exceptions(fresh)
    assert fresh.data_editor[0].value["item"][row] == "Niet gebruikt"
    # Put it back in the column as the user: saved as the user's choice.
    label = next(v for v in at.data_editor[0].value["item"] if v.startswith("purpose_2"))
    column = next(i for i, m in enumerate(after.mapping) if m.item == "purpose_2")
    fresh.session_state[fresh.data_editor[0].key] = {"edited_rows": {row: {"item": label}}, "added_rows": [],
                                                     "deleted_rows": []}
    fresh.run()
    no_exceptions(fresh)
    latest = workspace().latest_results(pid)["before"]
    assert latest.mapping[row].item == "purpose_2" and latest.mapping[row].method == "user"
    assert latest.mapping[column].item is None  # one question, one column


def _group_rows(at, name: str) -> list[dict]:
    return [row for df in _tables(at) if "Groep" in df.columns for row in df.to_dict("records") if row["Groep"] == name]


def test_a_hidden_groups_figures_are_nowhere_on_the_page(generated):
    root, truth = generated
    pid, at = _open(root)
    assert truth["waves"]["before"]["groups"]["Noord"] == 3 and truth["waves"]["before"]["groups"]["Zuid"] == 4
    for hidden in ("Noord", "Zuid"):
        rows = _group_rows(at, hidden)
        assert rows, hidden
        assert {v for row in rows for k, v in row.items() if k != "Groep"} <= {"niet getoond", "–"}
    for spec in _chart_specs(at):
        assert "Noord" not in spec and "Zuid" not in spec
    assert "Noord" not in texts(at) and "Zuid" not in texts(at)  # not even named outside the groups table
    shown = _group_rows(at, "Avond")
    assert shown and shown[0]["n"] == "6"
    assert "2 groepen worden niet getoond" in texts(at)
    # A stricter minimum hides Avond (6 people) too, and is kept with the project.
    at.number_input(key=f"results:{pid}:min_group").set_value(7).run()
    no_exceptions(at)
    assert workspace().latest_results(pid)["before"].min_group == 7
    assert {v for row in _group_rows(at, "Avond") for k, v in row.items() if k != "Groep"} <= {"niet getoond", "–"}
    assert page(app("nl", project=pid), "results").number_input(key=f"results:{pid}:min_group").value == 7


def test_the_report_and_the_response_sheet_download(monkeypatch, generated):
    root, _truth = generated
    files = capture_downloads(monkeypatch)
    _pid, at = _open(root)
    labels = [b.label for b in at.get("download_button")]
    assert "Resultatenrapport downloaden (Word)" in labels
    report = next(data for name, data in files.items() if name.endswith("-results-nl.docx"))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report)).paragraphs)
    assert "Begrip van het doel" in text and "Noord" not in text
    sheet = next(data for name, data in files.items() if name.endswith("-response-sheet-nl.xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(sheet))
    assert book["responses"]["A1"].value == "#key"


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_a_file_that_cannot_be_read_shows_the_message_and_stores_nothing(lang, generated):
    root, _truth = generated
    _ = translator(lang)
    pid = _project(root, lang)
    at = page(app(lang, project=pid), "results")
    at.file_uploader(key=f"results:{pid}:before:file").upload("kapot.xlsx", b"PK\x03\x04 not a workbook").run()
    no_exceptions(at)
    assert translator(lang)(DAMAGED, name="kapot.xlsx") in [e.value for e in at.error]
    assert workspace().latest_results(pid) == {}
    at.run()  # the message stays while the file is in the box, and still nothing is stored
    assert translator(lang)(DAMAGED, name="kapot.xlsx") in [e.value for e in at.error]
    assert workspace().latest_results(pid) == {}


@pytest.mark.parametrize(("lang", "title", "rows", "tab"), [
    ("nl", "Resultaten", "Rijen gelezen", "Voor de invoering"),
    ("sv", "Resultat", "Lästa rader", "Före införandet"),
])
def test_labels_in_dutch_and_swedish(lang, title, rows, tab, generated):
    root, _truth = generated
    pid, at = _open(root, lang, files=(("before", f"forms-{lang}.xlsx"),))
    assert at.title[0].value == title
    assert rows in [m.label for m in at.metric]
    assert tab in [t.label for t in at.tabs]
    _ = translator(lang)
    for english in ("Smallest group shown", "Group column (team, site or shift)"):
        assert _(english) != english
    assert at.number_input(key=f"results:{pid}:min_group").label == _("Smallest group shown")


def test_add_a_suggested_question_to_the_faq(generated):
    root, _truth = generated
    pid, at = _open(root)
    add = [b for b in at.button if b.label == "Toevoegen aan veelgestelde vragen"]
    assert add and all(b.disabled for b in add)  # no FAQ draft yet
    at = page(at, "faq")
    button(at, "Concept schrijven").click().run()
    no_exceptions(at)
    faq_before = workspace().latest_draft(pid, "faq").draft
    at = page(at, "results")
    add = [b for b in at.button if b.label == "Toevoegen aan veelgestelde vragen" and not b.disabled]
    assert add
    add[0].click().run()
    no_exceptions(at)
    faq_after = workspace().latest_draft(pid, "faq").draft
    added = [i for i in faq_after.items if i.custom]
    assert len(faq_after.items) == len(faq_before.items) + 1 and len(added) == 1
    assert added[0].answer.strip()
    assert "Staat al bij de veelgestelde vragen" in texts(at)


def test_commitments_are_kept_with_the_wave_and_become_the_next_waves_ledger(generated):
    root, _truth = generated
    pid, at = _open(root, files=(("before", "forms-nl.xlsx"), ("after", "ours-nl.xlsx")))
    at.selectbox(key=f"results:{pid}:followup_wave").set_value("before").run()
    at.text_area(key=f"results:{pid}:before:own").input("Twee uur extra oefentijd per persoon in maart").run()
    no_exceptions(at)
    assert workspace().latest_results(pid)["before"].commitments == ["Twee uur extra oefentijd per persoon in maart"]
    at.selectbox(key=f"results:{pid}:followup_wave").set_value("after").run()
    ledger = next(e for e in at.data_editor if e.key.startswith(f"results:{pid}:after:ledger"))
    assert list(ledger.value["text"]) == ["Twee uur extra oefentijd per persoon in maart"]
    at.session_state[ledger.key] = {"edited_rows": {0: {"done": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    no_exceptions(at)
    saved = workspace().latest_results(pid)["after"]
    assert saved.ledger == [{"text": "Twee uur extra oefentijd per persoon in maart", "wave": "before", "done": True}]


def test_the_follow_up_is_drafted_from_the_results_when_this_installation_has_it(generated):
    from ui.pages.results import followup_available

    root, _truth = generated
    pid, at = _open(root)
    at.text_area(key=f"results:{pid}:before:own").input("Twee uur extra oefentijd per persoon in maart").run()
    if not followup_available():
        assert "Het schrijven van de terugkoppeling is in deze versie" in texts(at)
        assert workspace().latest_draft(pid, "survey") is not None
        return
    button(at, "Concept schrijven").click().run()
    no_exceptions(at)
    draft = workspace().latest_draft(pid, "followup").draft
    assert draft.kind == "followup" and draft.lang == "nl"
    assert "Twee uur extra oefentijd per persoon in maart" in draft.text
    assert "Noord" not in draft.text and "Zuid" not in draft.text


def test_the_language_box_marks_the_follow_up_as_written_right_after_the_first_draft(generated):
    """Reviewers saw "(nog niet geschreven)" beside the language the first follow-up was just written in."""
    from ui.state import doc_lang_key

    root, _truth = generated
    pid, at = _open(root)
    box = at.selectbox(key=doc_lang_key(pid, "followup"))
    assert box.value == "nl" and "Nederlands (nog niet geschreven)" in box.options
    button(at, "Concept schrijven").click().run()
    no_exceptions(at)
    assert workspace().draft_langs(pid, "followup") == ["nl"]
    box = at.selectbox(key=doc_lang_key(pid, "followup"))
    assert "Nederlands (geschreven)" in box.options and "Nederlands (nog niet geschreven)" not in box.options
    assert box.options[box.index] == "Nederlands (geschreven)"
    # The browser keeps the label it was sent as the box's value ("… (nog niet geschreven)"): the page must
    # send the value again, with its new label, or the box keeps showing "not written yet".
    assert box.proto.set_value and box.proto.raw_value == "Nederlands (geschreven)"
    at.run()  # and on the next run too
    box = at.selectbox(key=doc_lang_key(pid, "followup"))
    assert box.options[box.index] == "Nederlands (geschreven)"
