"""Importing survey answers: every format against known true values, mapping, labels in three languages,
encodings and delimiters, the import report, hostile files, our response sheet and `results template`."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from fakes import FakeRetriever
from openpyxl import Workbook, load_workbook
from results_files import make_responses

from toolkit import drafting
from toolkit.brief import load_brief
from toolkit.models import SurveyQuestion
from toolkit.results.ingest import (
    Limits,
    ResultsError,
    load_survey,
    map_columns,
    read_responses,
    read_table,
    response_sheet,
    survey_from_dict,
)
from toolkit.results.ingest.answers import AnswerReader
from toolkit.results.ingest.grid import decode, sniff_delimiter
from toolkit.results.ingest.table import as_datetime
from toolkit.results.model import ColumnMapping

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REPORT_FIELDS = ("rows", "blank_rows", "duplicates", "out_of_range", "unreadable", "excluded")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    """Two waves of 53 people (groups of 3, 4, 6 and 40) in every format, with truth.json."""
    out = tmp_path_factory.mktemp("responses")
    truth = make_responses().make(out, seed=11, waves=["before", "during"], size=53)
    return out, truth


@pytest.fixture(scope="module")
def surveys() -> dict:
    out = {}
    for lang in ("nl", "sv", "en"):
        brief = load_brief(EXAMPLES / f"brief-{lang}.yaml")
        out[lang] = drafting.offline_draft("survey", brief, lang, FakeRetriever(), 0, "before")
    return out


def _read(root: Path, name: str, meta: dict, **options):
    survey = load_survey(root / meta["survey"])
    return read_responses(name, (root / name).read_bytes(), survey, meta["wave"], **options)


def _favourable(responses, key: str, reverse: bool) -> tuple[int, int]:
    values = [r.answers[key] for r in responses.respondents if key in r.answers]
    return len(values), sum(1 for v in values if (v <= 2 if reverse else v >= 4))


# --- every format against the truth ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["forms-nl.xlsx", "forms-sv.xlsx", "forms-en.xlsx", "google-nl.csv",
                                  "qualtrics-en-codes.csv", "qualtrics-sv-text.tsv", "ours-nl.xlsx", "ours-en.csv"])
@pytest.mark.parametrize("wave", ["before", "during"])
def test_each_format_reads_the_true_answers_and_counts(generated, name, wave):
    root, truth = generated
    meta = truth["files"][f"{wave}/{name}"]
    responses = _read(root, f"{wave}/{name}", meta)
    expected = truth["waves"][wave]
    report = responses.report
    assert report.format == meta["format"]
    assert {f: getattr(report, f) for f in REPORT_FIELDS} == {f: meta[f] for f in REPORT_FIELDS}
    assert report.unmapped_columns == []
    assert len(responses.respondents) == expected["respondents"]
    assert report.rows == (len(responses.respondents) + report.blank_rows + report.duplicates
                           + sum(report.excluded.values()))
    groups = {}
    for person in responses.respondents:
        groups[person.group] = groups.get(person.group, 0) + 1
    assert groups == expected["groups"] == {"Noord": 3, "Zuid": 4, "Avond": 6, "Centraal": 40}
    for key, item in expected["items"].items():
        if "favourable" in item:
            assert _favourable(responses, key, item["reverse"]) == (item["n"], item["favourable"]), key
    enps = [r.answers["enps"] for r in responses.respondents if "enps" in r.answers]
    assert (sum(v >= 9 for v in enps), sum(v <= 6 for v in enps)) == (expected["enps"]["promoters"],
                                                                      expected["enps"]["detractors"])
    comments = sum(1 for r in responses.respondents for k in ("open_1", "open_2") if k in r.answers)
    assert comments == expected["items"]["open_1"]["n"] + expected["items"]["open_2"]["n"]


def test_the_truth_has_reverse_items_comments_in_three_languages_and_pii(generated):
    _root, truth = generated
    wave = truth["waves"]["before"]
    assert {k for k, v in wave["items"].items() if v.get("reverse")} == {"job_security_2", "workload_2"}
    languages = {lang for per_lang in wave["themes"].values() for lang in per_lang}
    assert languages == {"nl", "sv", "en"}
    assert set(wave["themes"]) == {"training", "job", "errors", "workload"}


def test_comments_are_kept_as_text_in_their_language(generated):
    root, truth = generated
    responses = _read(root, "before/qualtrics-sv-text.tsv", truth["files"]["before/qualtrics-sv-text.tsv"])
    texts = [r.answers[k] for r in responses.respondents for k in ("open_1", "open_2") if k in r.answers]
    assert any("@example.com" in t for t in texts) and any("06-12345678" in t for t in texts)
    assert any("utbildning" in t.lower() for t in texts) and any("training" in t.lower() for t in texts)


def test_excel_serial_dates_and_real_dates_give_the_answer_period(generated):
    root, truth = generated
    serial = _read(root, "before/forms-nl.xlsx", truth["files"]["before/forms-nl.xlsx"]).report
    real = _read(root, "before/forms-en.xlsx", truth["files"]["before/forms-en.xlsx"]).report
    assert (serial.first_answer, serial.last_answer) == (real.first_answer, real.last_answer)
    assert serial.first_answer == "2027-02-01"
    assert as_datetime(45658.5) == datetime(2025, 1, 1, 12, 0)
    assert as_datetime("45658,5") == datetime(2025, 1, 1, 12, 0)
    assert as_datetime(7) is None
    assert as_datetime("2027/03/02 9:15:00 AM GMT+1") == datetime(2027, 3, 2, 9, 15)
    assert as_datetime("3/2/2027 9:15:00 PM") == datetime(2027, 3, 2, 21, 15)
    assert as_datetime("2027-03-02T09:15:00Z") == datetime(2027, 3, 2, 9, 15)
    assert as_datetime("02-03-2027 09:15:00") == datetime(2027, 3, 2, 9, 15)


def test_a_title_line_above_the_header_is_not_the_header(surveys):
    survey = surveys["en"]
    texts = ",".join(q.text for q in survey.questions[:5])
    data = f"Pulse survey export, March 2027\n\nID,Team,{texts}\n1,North,Agree,,,,Disagree\n".encode()
    responses = read_responses("t.csv", data, survey, "during")
    keys = [q.key for q in survey.questions[:5]]
    assert responses.report.rows == 1 and responses.respondents[0].answers == {keys[0]: 4, keys[4]: 2}


# --- formats and header rows ----------------------------------------------------------------------------------

def test_qualtrics_three_header_rows_give_field_ids_and_question_text(generated):
    root, _truth = generated
    table = read_table("q.csv", (root / "before/qualtrics-en-codes.csv").read_bytes())
    assert (table.format, table.header_rows) == ("qualtrics", 3)
    first = next(c for c in table.columns if c.key == "Q1_1")
    assert first.text.startswith("How much do you agree with the following statements? - ")
    roles = {c.key: c.role for c in table.columns}
    assert roles["ResponseId"] == "id" and roles["StartDate"] == "date" and roles["Q15_NPS_GROUP"] == "meta"
    assert not any(str(row[0]).startswith('{"ImportId"') for row in table.rows)


@pytest.mark.parametrize("name, fmt", [("forms-nl.xlsx", "forms"), ("forms-sv.xlsx", "forms"),
                                       ("google-nl.csv", "google"), ("ours-en.csv", "ours")])
def test_the_format_is_recognised(generated, name, fmt):
    root, _truth = generated
    assert read_table(name, (root / "before" / name).read_bytes()).format == fmt


def test_a_plain_csv_is_generic_and_its_metadata_is_recognised(surveys):
    survey = surveys["en"]
    data = "Respondent ID,Team,E-mail,Date," + ",".join(q.key for q in survey.questions[:3]) + "\n1,A,x@y.z,2027-01-01,4,5,3\n"
    table = read_table("plain.csv", data.encode())
    assert table.format == "generic"
    assert [c.role for c in table.columns[:4]] == ["id", "group", "email", "date"]


# --- mapping ------------------------------------------------------------------------------------------------

def test_columns_map_by_key_by_text_and_fuzzily(surveys):
    survey = surveys["nl"]
    q = {x.key: x for x in survey.questions}
    typo = q["trust_1"].text.replace("vertrouw", "vertrouwe").rstrip(".")
    header = ["ID", "purpose_1", q["purpose_2"].text.upper() + "  ", typo, "Iets heel anders", "Team"]
    data = (";".join(header) + "\n1;4;Mee eens;Eens;x;Zuid\n").encode("utf-8")
    mapping = {m.column: m for m in map_columns(read_table("a.csv", data), survey)}
    assert (mapping["purpose_1"].item, mapping["purpose_1"].method) == ("purpose_1", "key")
    assert (mapping[header[2].strip()].item, mapping[header[2].strip()].method) == ("purpose_2", "text")
    assert (mapping[typo].item, mapping[typo].method) == ("trust_1", "fuzzy")
    assert 85 <= mapping[typo].score < 100
    assert (mapping["Iets heel anders"].item, mapping["Iets heel anders"].method) == (None, "none")
    assert mapping["Team"].method == "group" and mapping["ID"].method == "meta"


def test_a_google_grid_statement_in_brackets_maps_by_text(generated):
    root, truth = generated
    responses = _read(root, "before/google-nl.csv", truth["files"]["before/google-nl.csv"])
    methods = {m.item: m.method for m in responses.report.mapping if m.item}
    assert methods["purpose_1"] == "text" and len(methods) == 17


def test_a_statement_after_its_question_maps_by_text(surveys):
    survey = surveys["sv"]
    q = {x.key: x for x in survey.questions}
    headers = [f"Hur väl stämmer följande?.{q['trust_1'].text}", f"Hur väl stämmer följande? {q['trust_2'].text}",
               f"Påståenden: {q['purpose_1'].text}"]
    table = read_table("f.csv", (";".join(headers) + "\n" + ";".join(["Instämmer helt"] * 3) + "\n").encode())
    assert [(m.item, m.method) for m in map_columns(table, survey)] == [("trust_1", "text"), ("trust_2", "text"),
                                                                        ("purpose_1", "text")]


def test_the_users_mapping_overrides_and_a_wrong_one_is_refused(surveys):
    survey = surveys["en"]
    data = b"Who,Q-a,Q-b,Where\n1,Agree,Disagree,North\n2,Strongly agree,Agree,South\n"
    assert not any(m.item for m in map_columns(read_table("a.csv", data), survey))
    mapping = [ColumnMapping(column="Q-a", item="trust_1", method="user"),
               ColumnMapping(column="Q-b", item="trust_2", method="user")]
    responses = read_responses("a.csv", data, survey, "during", mapping=mapping, group_column="where")
    assert [r.answers for r in responses.respondents] == [{"trust_1": 4, "trust_2": 2}, {"trust_1": 5, "trust_2": 4}]
    assert [r.group for r in responses.respondents] == ["North", "South"]
    assert responses.report.unmapped_columns == ["Who"]
    with pytest.raises(ResultsError) as info:
        read_responses("a.csv", data, survey, "during", mapping=[ColumnMapping(column="Q-a", item="nope")])
    assert "nope" in info.value.message("nl")
    with pytest.raises(ResultsError) as info:
        read_responses("a.csv", data, survey, "during", mapping=mapping, group_column="Ploeg")
    assert info.value.message("nl") == "a.csv: er is geen kolom met de naam Ploeg."
    with pytest.raises(ResultsError) as info:
        read_responses("a.csv", data, survey, "during")
    assert "geen enkele kolom" in info.value.message("nl")


# --- answers ------------------------------------------------------------------------------------------------

LIKERT = SurveyQuestion(key="k", text="t", type="likert", dimension="d",
                        options=["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"])
NPS = SurveyQuestion(key="enps", text="t", type="nps", dimension="enps", options=[str(n) for n in range(11)])


@pytest.mark.parametrize("cell, expected", [
    ("Helemaal mee eens", 5), ("  mee   EENS ", 4), ("Eens", 4), ("Oneens", 2), ("Neutraal", 3),
    ("Instämmer helt", 5), ("Tar delvis avstånd", 2), ("Varken eller", 3), ("Strongly agree", 5),
    ("Neither agree nor disagree", 3), ("disagree", 2), ("3", 3), ("4,0", 4), (2.0, 2), (1, 1),
    ("5 - Strongly agree", 5), ("1 = Helemaal mee oneens", 1), ("Niet eens / niet oneens", 3),
    ("Zeer mee eens", 5), ("Delvis enig", 4), ("1 (Helemaal mee oneens)", 1),
])
def test_likert_labels_in_three_languages_and_numbers(cell, expected):
    assert AnswerReader.for_question(LIKERT).read(cell) == ("answer", expected)


@pytest.mark.parametrize("cell, expected", [
    ("10 - Extremely likely", ("answer", 10)), ("0 – Inte alls troligt", ("answer", 0)), ("7", ("answer", 7)),
    (8.0, ("answer", 8)), ("Zeer waarschijnlijk", ("answer", 10)), ("11", ("out_of_range", None)),
    ("-1", ("out_of_range", None)), ("7,5", ("out_of_range", None)), ("weet niet", ("unreadable", None)),
    ("", ("blank", None)), (None, ("blank", None)),
])
def test_enps_answers(cell, expected):
    assert AnswerReader.for_question(NPS).read(cell) == expected


def test_out_of_range_and_unreadable_likert_answers():
    reader = AnswerReader.for_question(LIKERT)
    assert reader.read("7") == ("out_of_range", None) and reader.read(0) == ("out_of_range", None)
    assert reader.read("n.v.t.") == ("unreadable", None) and reader.read("  ") == ("blank", None)


# --- encodings and delimiters ---------------------------------------------------------------------------------

def _csv_for(survey, rows: list[list[str]], delimiter: str) -> str:
    header = ["Respondent", "Team", *(q.text for q in survey.questions[:2])]
    return "\r\n".join(delimiter.join(row) for row in [header, *rows]) + "\r\n"


@pytest.mark.parametrize("encoding, bom", [("cp1252", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le",
                                                                                       codecs.BOM_UTF16_LE)])
def test_cp1252_utf8_bom_and_utf16_with_semicolons(surveys, encoding, bom):
    survey = surveys["sv"]
    text = _csv_for(survey, [["1", "Malmö", "Instämmer helt", "Tar helt avstånd"],
                             ["2", "Växjö", "4,0", "Varken eller"]], ";")
    responses = read_responses("svar.csv", bom + text.encode(encoding), survey, "before")
    assert [r.group for r in responses.respondents] == ["Malmö", "Växjö"]
    keys = [q.key for q in survey.questions[:2]]
    assert [r.answers for r in responses.respondents] == [dict(zip(keys, (5, 1), strict=True)),
                                                          dict(zip(keys, (4, 3), strict=True))]


def test_delimiters_are_sniffed():
    assert sniff_delimiter('a;b;"c;d"\n1;2;3\n') == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert sniff_delimiter('a,b,"x; y"\n1,"2,5",3\n') == ","
    assert decode("x.csv", "Tidstämpel".encode("cp1252")) == "Tidstämpel"


# --- the report -------------------------------------------------------------------------------------------------

def test_the_report_counts_every_row_and_cell(surveys):
    survey = surveys["en"]
    q = [x.text for x in survey.questions if x.type == "likert"][:2]
    data = "\n".join([
        f"ID,Team,{q[0]},{q[1]},Shoe size",
        "a1,North,Agree,Strongly agree,42",
        "a2,North,,,43",  # blank answers: a blank row
        "a1,North,Disagree,Disagree,42",  # the same id again: a duplicate
        "a3,South,9,maybe,41",  # out of range and unreadable: nothing usable, so a blank row too
        "a4,South,Neutral,7,40",
        ",,,,",
        "a5,,Agree,Agree,39",
    ]).encode()
    responses = read_responses("r.csv", data, survey, "before")
    report = responses.report
    keys = [x.key for x in survey.questions if x.type == "likert"][:2]
    assert (report.rows, report.blank_rows, report.duplicates) == (7, 3, 1)
    assert report.out_of_range == {keys[0]: 1, keys[1]: 1} and report.unreadable == {keys[1]: 1}
    assert report.unmapped_columns == ["Shoe size"]
    assert [r.id for r in responses.respondents] == ["a1", "a4", "a5"]
    assert responses.respondents[0].answers == {keys[0]: 4, keys[1]: 5}
    assert responses.respondents[2].group is None
    assert responses.item_texts[keys[0]] == q[0]


def test_email_duplicates_are_found_and_no_address_or_name_is_kept(surveys):
    survey = surveys["en"]
    text = survey.questions[0].text
    data = (f"ID,Email,Name,{text}\n1,Jo@Example.org,Jo Bloggs,Agree\n2,jo@example.org,Jo Bloggs,Disagree\n"
            f"3,anonymous,,Agree\n4,anonymous,,Agree\n").encode()
    responses = read_responses("f.csv", data, survey, "before")
    assert responses.report.duplicates == 1 and [r.id for r in responses.respondents] == ["1", "3", "4"]
    dumped = responses.model_dump_json()
    assert "example.org" not in dumped.lower() and "Bloggs" not in dumped


def test_formulas_are_read_as_their_stored_values_never_evaluated(surveys):
    survey = surveys["en"]
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", survey.questions[0].text, survey.questions[-1].text])
    sheet.append([1, "=2+2", "=HYPERLINK(\"http://x\")"])
    sheet.append([2, "Agree", "fine"])
    buffer = io.BytesIO()
    book.save(buffer)
    responses = read_responses("f.xlsx", buffer.getvalue(), survey, "before")
    assert [r.id for r in responses.respondents] == ["2"] and responses.report.blank_rows == 1
    csv_data = f"ID,{survey.questions[-1].text}\n1,=1+1\n".encode()
    responses = read_responses("f.csv", csv_data, survey, "before")
    assert responses.respondents[0].answers == {survey.questions[-1].key: "=1+1"}


# --- files that cannot be read -----------------------------------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, make, dutch", [
    ("kapot.xlsx", lambda: b"PK\x03\x04 this is not really a zip", "beschadigd"),
    ("leeg.csv", lambda: b"   \n", "leeg"),
    ("oud.xls.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "wachtwoord"),
    ("verslag.pdf", lambda: b"%PDF-1.7", "niet ondersteund"),
    ("binair.csv", lambda: b"\x00\x01\x02\x03" * 100, "geen teksttabel"),
    # 60 MB of zeros packs into ~60 kB: the ratio gives it away before anything is unpacked
    ("bom.xlsx", lambda: _zip({"xl/worksheets/sheet1.xml": b"<a>" + b"0" * 60_000_000 + b"</a>"}), "uitgepakt"),
    ("geen-werkboek.xlsx", lambda: _zip({"hello.txt": b"hello"}), "beschadigd"),
])
def test_a_file_that_cannot_be_read_raises_a_translated_error(surveys, name, make, dutch):
    with pytest.raises(ResultsError) as info:
        read_responses(name, make(), surveys["nl"], "before")
    message = info.value.message("nl")
    assert message.startswith(f"{name}: ") and dutch in message
    assert info.value.message("sv") != message and info.value.message("en") != message


def test_size_row_and_column_limits_refuse_instead_of_truncating(surveys):
    survey = surveys["en"]
    text = survey.questions[0].text
    rows = f"ID,{text}\n" + "".join(f"{n},Agree\n" for n in range(30))
    with pytest.raises(ResultsError, match="more than 20 rows"):
        read_responses("big.csv", rows.encode(), survey, "before", limits=Limits(max_rows=20))
    with pytest.raises(ResultsError, match="more than 3 columns"):
        read_responses("wide.csv", b"a,b,c,d\n1,2,3,4\n", survey, "before", limits=Limits(max_columns=3))
    with pytest.raises(ResultsError, match="larger than 1 MB"):
        read_responses("huge.csv", b"a\n" * 600_000, survey, "before", limits=Limits(max_bytes=1024 * 1024))
    bomb = _zip({"xl/worksheets/sheet1.xml": b"0" * 3_000_000})
    with pytest.raises(ResultsError, match="more than 1 MB"):
        read_responses("b.xlsx", bomb, survey, "before", limits=Limits(max_unzipped_bytes=1024 * 1024))


# --- our response sheet -------------------------------------------------------------------------------------------

def test_the_response_sheet_has_hidden_keys_lists_and_polarity(surveys):
    survey = surveys["nl"]
    book = load_workbook(io.BytesIO(response_sheet(survey, "xlsx")))
    sheet = book["responses"]
    keys = [c.value for c in sheet[1]]
    assert keys == ["#key", "#group", *(q.key for q in survey.questions)]
    assert sheet.row_dimensions[1].hidden and sheet.row_dimensions[2].hidden
    assert [c.value for c in sheet[3]][2:] == [q.text for q in survey.questions]
    assert sheet.cell(row=3, column=2).value == "Groep (team, locatie of dienst)"
    reverse = dict(zip(keys, [c.value for c in sheet[2]], strict=True))
    assert reverse["job_security_2"] == "1" and reverse["purpose_1"] == "0"
    validations = sheet.data_validations.dataValidation
    assert any(v.formula1 == "lists!$A$1:$A$5" for v in validations)
    assert [book["lists"].cell(row=n, column=1).value for n in range(1, 6)] == survey.questions[0].options
    assert book["lists"].sheet_state == "hidden"
    items = {row[0]: row for row in book["items"].iter_rows(min_row=2, values_only=True)}
    assert items["job_security_2"][4] == "ja" and items["purpose_1"][4] == "nee"


def test_the_response_sheet_round_trips_by_key(surveys):
    survey = surveys["sv"]
    book = load_workbook(io.BytesIO(response_sheet(survey, "xlsx")))
    sheet = book["responses"]
    sheet.cell(row=3, column=3).value = "Someone reworded this header entirely"  # keys still decide
    likert = survey.questions[0].options
    filled = [("P1", "Malmö", [likert[4], likert[0], 9, "Mer utbildning, tack."]),
              ("P2", "Malmö", [3, likert[2], 6, ""])]
    columns = {q.key: i for i, q in enumerate(survey.questions, start=3)}
    for row, (pid, group, (a, b, enps, comment)) in enumerate(filled, start=4):
        sheet.cell(row=row, column=1).value, sheet.cell(row=row, column=2).value = pid, group
        sheet.cell(row=row, column=columns["purpose_1"]).value = a
        sheet.cell(row=row, column=columns["job_security_2"]).value = b
        sheet.cell(row=row, column=columns["enps"]).value = enps
        sheet.cell(row=row, column=columns["open_1"]).value = comment or None
    buffer = io.BytesIO()
    book.save(buffer)
    responses = read_responses("svar.xlsx", buffer.getvalue(), survey, "during")
    assert responses.report.format == "ours"
    assert {m.method for m in responses.report.mapping if m.item} == {"key"}
    assert [(r.id, r.group, r.answers) for r in responses.respondents] == [
        ("P1", "Malmö", {"purpose_1": 5, "job_security_2": 1, "enps": 9, "open_1": "Mer utbildning, tack."}),
        ("P2", "Malmö", {"purpose_1": 3, "job_security_2": 3, "enps": 6}),
    ]
    assert responses.item_texts["purpose_1"] == "Someone reworded this header entirely"


def test_our_csv_sheet_has_key_and_reverse_rows_and_maps_without_guessing(surveys):
    survey = surveys["nl"]
    blank = response_sheet(survey, "csv")
    assert blank.startswith(codecs.BOM_UTF8)
    lines = blank.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("#key;#group;purpose_1;") and lines[1].startswith("#reverse;;0;")
    extra = lines[2] + ";" + survey.questions[0].text  # a column without a key is not guessed
    data = "\r\n".join([lines[0], lines[1], extra, "P1;Zuid;Mee eens" + ";" * (len(survey.questions) - 1) + ";5"])
    responses = read_responses("ons.csv", data.encode("utf-8"), survey, "before")
    assert responses.respondents[0].answers == {"purpose_1": 4}
    assert responses.report.unmapped_columns == [survey.questions[0].text + " (2)"]


def test_load_survey_accepts_a_survey_and_refuses_anything_else(tmp_path, surveys):
    good = tmp_path / "survey.json"
    good.write_text(json.dumps(surveys["nl"].to_json_dict()), encoding="utf-8")
    assert load_survey(good).questions == surveys["nl"].questions
    story = surveys["nl"].to_json_dict() | {"kind": "story"}
    with pytest.raises(ResultsError) as info:
        survey_from_dict(story, "story.json")
    assert info.value.message("nl") == "story.json: deze JSON is een concept van het type story, geen vragenlijst."
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ResultsError, match="cannot be read"):
        load_survey(bad)


# --- the command line ---------------------------------------------------------------------------------------

def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"TOOLKIT_DATA_DIR": str(data_dir), "TOOLKIT_EMBEDDINGS": "hash"}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_results_template_writes_the_sheet_from_a_brief_and_from_a_survey(tmp_path, surveys):
    out = tmp_path / "sheet.xlsx"
    result = _cli("results", "template", "--brief", str(EXAMPLES / "brief-sv.yaml"), "--wave", "during",
                  "--out", str(out), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out)["responses"]
    assert sheet.cell(row=1, column=1).value == "#key" and sheet.cell(row=3, column=1).value == "Svarande"
    survey_file = tmp_path / "survey.json"
    survey_file.write_text(json.dumps(surveys["en"].to_json_dict()), encoding="utf-8")
    csv_out = tmp_path / "sheet.csv"
    result = _cli("results", "template", "--survey", str(survey_file), "--out", str(csv_out),
                  data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert csv_out.read_bytes() == response_sheet(surveys["en"], "csv")


@pytest.mark.parametrize("args", [
    ["results", "template", "--brief", "examples/brief-nl.yaml", "--out", "sheet.docx"],
    ["results", "template", "--survey", "does-not-exist.json", "--out", "sheet.csv"],
    ["results", "template", "--out", "sheet.csv"],
    ["results", "template", "--brief", "examples/brief-nl.yaml", "--out", "no/such/folder/sheet.xlsx"],
    ["results", "template", "--brief", "examples/brief-nl.yaml", "--wave", "later", "--out", "s.csv"],
    ["results"],
])
def test_results_template_bad_input_exits_2_with_one_line(tmp_path, args):
    result = _cli(*args, data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_a_zip_that_understates_its_sizes_is_refused(surveys):
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": b"0" * 5_000_000}))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")  # uncompressed size in the local header
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")  # and in the central directory
    with pytest.raises(ResultsError) as info:
        read_responses("klein.xlsx", bytes(data), surveys["nl"], "before")
    assert info.value.msgid in ("{name}: the file is damaged or is not a spreadsheet.",
                                "{name}: the workbook unpacks to more than {limit} MB; it is refused to protect "
                                "the computer.")


# --- the fast worksheet reader ----------------------------------------------------------------------------------

def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({name: replace.get(name, source.read(name)) for name in source.namelist()})


def _grid_both_ways(data: bytes) -> tuple[list, list]:
    from toolkit.results.ingest.grid import _openpyxl_rows, _trimmed
    from toolkit.results.ingest.xlsx import read_sheet

    def same_kind(value):  # openpyxl turns date-formatted numbers into datetimes; the fast reader keeps serials
        if isinstance(value, datetime):
            value = (value - datetime(1899, 12, 30)).total_seconds() / 86400
        return round(value, 6) if isinstance(value, float) else value

    fast = _trimmed(read_sheet(zipfile.ZipFile(io.BytesIO(data)), lambda rows, columns: None))
    slow = _trimmed(_openpyxl_rows("x.xlsx", data, Limits()))
    return [[same_kind(v) for v in row] for row in fast], [[same_kind(v) for v in row] for row in slow]


def test_the_fast_reader_reads_what_openpyxl_reads(generated):
    root, _truth = generated
    for name in ("forms-sv.xlsx", "ours-nl.xlsx"):
        fast, slow = _grid_both_ways((root / "before" / name).read_bytes())
        assert len(fast) == len(slow) > 50
        assert fast == slow, name


def test_the_fast_reader_places_sparse_cells_and_skipped_rows():
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["C1"], sheet["AB1"] = "ID", "Vraag", "Laatste"
    sheet["A2"], sheet["C2"], sheet["D2"] = 1, 4.5, True
    sheet["A5"], sheet["B5"] = 2, "=1+1"  # rows 3-4 are not in the file at all; B5 is a formula without a value
    buffer = io.BytesIO()
    book.save(buffer)
    fast, slow = _grid_both_ways(buffer.getvalue())
    assert fast == slow
    assert fast[0][27] == "Laatste" and fast[1][:4] == [1, None, 4.5, True] and fast[2] == fast[3] == []
    assert fast[4] == [2]  # the formula has no stored value: an empty cell, never a computed 2


def test_shared_strings_rich_text_and_phonetics():
    from toolkit.results.ingest.xlsx import _shared_strings

    xml = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Mee eens</t></si>'
           b'<si><r><t>Helemaal </t></r><r><t>mee eens</t></r></si><si><t>x</t><rPh><t>phon</t></rPh></si></sst>')
    assert _shared_strings(xml) == ["Mee eens", "Helemaal mee eens", "x"]


def test_an_entity_declaration_is_refused(surveys):
    book = Workbook()
    book.active.append(["ID", surveys["nl"].questions[0].text])
    buffer = io.BytesIO()
    book.save(buffer)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    with pytest.raises(ResultsError) as info:
        read_table("lach.xlsx", _rezip(buffer.getvalue(), {"xl/worksheets/sheet1.xml": laughs}))
    assert "beschadigd" in info.value.message("nl")


def _excel_like_workbook(cells: list[list[str | int | None]]) -> bytes:
    """A minimal workbook laid out as Excel writes it: shared strings, a relationship part, a hidden first
    sheet, absolute targets. openpyxl itself writes inline strings, so this is the only way to test the path."""
    strings: list[str] = []
    rows = []
    for r, row in enumerate(cells, start=1):
        out = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str):
                strings.append(value)
                out.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            elif value is not None:
                out.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')
        rows.append(f'<row r="{r}" spans="1:{len(row)}">{"".join(out)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = f'<worksheet xmlns="{main}"><dimension ref="A1:Z{len(cells)}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'
    sst = f'<sst xmlns="{main}" count="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    workbook = (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Notes" sheetId="2" state="hidden" '
                f'r:id="rId2"/><sheet name="Form1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/></Types>')
    root_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    empty = f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1"><v>99</v></c></row></sheetData></worksheet>'
    return _zip({"[Content_Types].xml": types.encode(), "_rels/.rels": root_rels.encode(),
                 "xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                 "xl/sharedStrings.xml": sst.encode(), "xl/worksheets/sheet1.xml": sheet.encode(),
                 "xl/worksheets/sheet2.xml": empty.encode()})


def test_an_excel_written_forms_export_with_shared_strings(surveys):
    survey = surveys["nl"]
    q = [x for x in survey.questions if x.type == "likert"][:2]
    data = _excel_like_workbook([
        ["Id", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", q[0].text, q[1].text, "Hoe waarschijnlijk?"],
        [1, 46419.3868, 46419.39, "anonymous", None, "Helemaal mee eens", "Oneens", 9],
        [2, 46420.5, 46420.51, "anonymous", None, "Neutraal", None, 4],
    ])
    from toolkit.results.ingest.xlsx import read_sheet

    assert read_sheet(zipfile.ZipFile(io.BytesIO(data)), lambda rows, columns: None)[1][5] == "Helemaal mee eens"
    responses = read_responses("Pulsmeting(1-2).xlsx", data, survey, "before")
    assert responses.report.format == "forms"
    assert [r.answers for r in responses.respondents] == [{q[0].key: 5, q[1].key: 2}, {q[0].key: 3}]
    assert (responses.report.first_answer, responses.report.last_answer) == ("2027-02-01", "2027-02-02")
    assert responses.report.unmapped_columns == ["Hoe waarschijnlijk?"]
