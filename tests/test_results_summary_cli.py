"""`results summary` over real answer files (scripts/make_responses.py): text and JSON output, the JSON contract,
the Word report, and one-line errors (exit 2)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from results_files import BRIEFS, make_files, truth

from toolkit import cli

BRIEF = str(BRIEFS["en"])  # team_size 60


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("answers"))


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["results", "summary", *args])
    out, err = capsys.readouterr()
    return code, out, err


def waves(files, before="forms-en.xlsx", during="qualtrics-en-codes.csv") -> list[str]:
    return [f"before={files / 'before' / before}", f"during={files / 'during' / during}"]


def test_text_summary_reads_well(capsys, files):
    code, out, err = run_cli(capsys, "--brief", BRIEF, *waves(files), "--group-column", "Team")
    assert code == 0, err
    people = truth(files)["waves"]["before"]["respondents"]
    assert f"Before the introduction: {people} responses · {round(100 * people / 60, 1)}% of the team" in out
    assert "Understanding of the purpose" in out and "eNPS" in out
    # Noord (3) and Zuid (4) are below the minimum of 5: named as not shown, with no size
    assert "Groups: Avond (6), Centraal (40), Noord (not shown), Zuid (not shown)" in out
    assert "Changes" in out and "Notes" in out and "Barrier point" in out


def test_json_keeps_the_contract_and_the_true_values(capsys, files):
    code, out, _ = run_cli(capsys, "--brief", BRIEF, *waves(files), "--json", "--group-column", "Team")
    assert code == 0
    data, known = json.loads(out), truth(files)["waves"]
    assert set(data) >= {"waves", "changes", "notes", "flagged_items"}
    first = data["waves"][0]
    assert set(first) >= {"wave", "responses", "response_rate", "enps", "dimensions", "items", "groups",
                          "themes", "barrier"}
    assert set(first["enps"]) >= {"value", "low", "high", "promoters", "passives", "detractors"}
    for wave, name in zip(data["waves"], ("before", "during"), strict=True):
        assert wave["responses"] == known[name]["respondents"]
        enps = known[name]["enps"]
        assert (wave["enps"]["promoters"], wave["enps"]["passives"], wave["enps"]["detractors"]) == \
            (enps["promoters"], enps["passives"], enps["detractors"])
    for score in first["dimensions"] + first["items"]:
        assert set(score) >= {"key", "label", "n", "favourable", "neutral", "unfavourable", "mean", "low", "high"}
    assert {(g["name"], g["n"], g["shown"]) for g in first["groups"]} == {
        ("Avond", 6, True), ("Centraal", 40, True), ("Noord", None, False), ("Zuid", None, False)}
    assert all(set(c) >= {"dimension", "from", "to", "delta", "verdict", "method"} for c in data["changes"])


def test_every_dimension_is_compared_on_its_stable_item_even_across_tools(capsys, files):
    """Item _1 reads the same in every wave, and a grid's stem (Qualtrics: "How much do you agree ... - ") is not
    a rewording: a Forms export before and a Qualtrics export during compare every dimension."""
    code, out, _ = run_cli(capsys, "--brief", BRIEF, *waves(files), "--json")
    assert code == 0
    data = json.loads(out)
    compared = {c["dimension"] for c in data["changes"]}
    assert compared == {"purpose", "trust", "job_security", "workload", "readiness", "involvement", "usefulness",
                        "enps"}
    assert not [k for k in data["flagged_items"] if k.endswith("_1")]
    assert all(c["verdict"] in ("rose", "fell", "no clear change") and c["method"] for c in data["changes"])


def test_a_survey_file_stands_in_for_the_brief(capsys, files):
    survey = files / "before" / "survey-nl.json"
    code, out, err = run_cli(capsys, "--survey", str(survey), f"before={files / 'before' / 'forms-nl.xlsx'}")
    assert code == 0, err
    people = truth(files)["waves"]["before"]["respondents"]
    assert f"Vóór de invoering: {people} reacties" in out and "Begrip van het doel" in out
    assert "% van het team" not in out  # no brief, no team size


def test_out_writes_the_report(capsys, tmp_path, files):
    target = tmp_path / "report.docx"
    code, _, err = run_cli(capsys, "--brief", BRIEF, *waves(files), "--out", str(target))
    assert code == 0, err
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as package:
        body = package.read("word/document.xml").decode("utf-8")
        pictures = [n for n in package.namelist() if n.startswith("word/media/")]
    assert "Before the introduction" in body and len(pictures) >= 3
    assert "Wrote" in err


def assert_one_line(code: int, err: str, fragment: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and fragment in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "fragment"), [
    (["later={before}"], "unknown wave 'later'"),
    (["{before}"], "WAVE=FILE"),
    (["before={before}", "before={during}"], "given twice"),
    (["before=/no/such/file.csv"], "cannot read"),
    (["before={before}", "--group-column", "shift"], "there is no column called shift"),
    (["before={before}", "--min-group", "2"], "from 3 to 10"),
    (["before={before}", "--out", "report.pdf"], "must end in .docx"),
])
def test_bad_input_exits_2_with_one_line(capsys, files, args, fragment):
    before, during = files / "before" / "forms-en.xlsx", files / "during" / "forms-en.xlsx"
    args = [a.format(before=before, during=during) for a in args]
    code, _, err = run_cli(capsys, "--brief", BRIEF, *args)
    assert_one_line(code, err, fragment)


def test_a_brief_or_a_survey_is_needed(capsys, files):
    code, _, err = run_cli(capsys, f"before={files / 'before' / 'forms-en.xlsx'}")
    assert_one_line(code, err, "--brief")


def test_an_unreadable_answers_file_exits_2(capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = run_cli(capsys, "--brief", BRIEF, f"before={empty}")
    assert_one_line(code, err, "empty.csv: the file is empty")


def test_a_file_that_is_not_a_survey_exits_2(capsys, tmp_path, files):
    bogus = tmp_path / "survey.json"
    bogus.write_text('{"kind": "story"}', encoding="utf-8")
    code, _, err = run_cli(capsys, "--survey", str(bogus), f"before={files / 'before' / 'forms-en.xlsx'}")
    assert_one_line(code, err, "not a survey")
