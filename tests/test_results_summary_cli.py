"""`results summary`: text and JSON output, the JSON contract, and one-line errors (exit 2).

The files are read by a stand-in for `toolkit.results.ingest.read_responses` (same signature: CSV with the item
keys as headers), so these tests check the command's own wiring; the ingest room has its own tests.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import types

import pytest

from toolkit import cli
from toolkit.cli.results_summary import configure, run
from toolkit.drafting.survey import compose
from toolkit.results.model import Respondent, Responses
from toolkit.settings import PROJECT_ROOT

BRIEF = str(PROJECT_ROOT / "examples" / "brief-en.yaml")  # team_size 60
KEYS = [f"{d}_{n}" for d in ("purpose", "trust", "job_security", "workload", "readiness", "involvement",
                              "usefulness") for n in (1, 2)]


def read_responses(name, data, survey, wave, *, mapping=None, group_column=None):
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    if not rows:
        raise ValueError("the file has no answers")
    if group_column and group_column not in rows[0]:
        raise ValueError(f"no column {group_column!r}")
    kinds = {q.key: q.type for q in survey.questions}
    people = [Respondent(id=str(i), group=row.get(group_column) if group_column else None,
                         answers={k: (v if kinds[k] == "open" else int(v)) for k, v in row.items()
                                  if k in kinds and v != ""}) for i, row in enumerate(rows)]
    return Responses(wave=wave, respondents=people, item_texts={q.key: q.text for q in survey.questions})


@pytest.fixture(autouse=True)
def wired(monkeypatch):
    monkeypatch.setitem(sys.modules, "toolkit.results.ingest",
                        types.SimpleNamespace(read_responses=read_responses))
    monkeypatch.setitem(cli.COMMANDS, "results-summary",
                        cli.Command("results-summary", "score survey waves", configure, run))


def answers_file(tmp_path, name: str, rows: list[tuple[int, int, str]]) -> str:
    """(likert answer for every item, eNPS, team) per row."""
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*KEYS, "enps", "open_1", "team"])
        for likert, enps, team in rows:
            reverse = {"job_security_2", "workload_2"}
            writer.writerow([6 - likert if k in reverse else likert for k in KEYS] + [enps, "", team])
    return str(path)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["results-summary", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two_waves(tmp_path):
    before = answers_file(tmp_path, "before.csv", [(4, 9, "north")] * 15 + [(2, 5, "south")] * 15 +
                          [(3, 7, "east")] * 3)
    during = answers_file(tmp_path, "during.csv", [(4, 10, "north")] * 25 + [(2, 8, "south")] * 5)
    return before, during


def test_text_summary_reads_well(capsys, two_waves):
    code, out, err = run_cli(capsys, "--brief", BRIEF, f"before={two_waves[0]}", f"during={two_waves[1]}",
                             "--group-column", "team")
    assert code == 0, err
    assert "Before the introduction: 33 responses · 55.0% of the team" in out
    assert "Understanding of the purpose" in out and "eNPS" in out
    # east is below the minimum; north (the next-smallest, by name on a tie) goes too, or the whole minus the
    # shown groups would be east
    assert "Groups: east (not shown), north (not shown), south (15)" in out
    assert "Changes" in out and "Notes" in out and "Barrier point" in out


def test_json_keeps_the_contract(capsys, two_waves):
    code, out, _ = run_cli(capsys, "--brief", BRIEF, f"before={two_waves[0]}", f"during={two_waves[1]}",
                           "--json", "--group-column", "team")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"waves", "changes", "notes", "flagged_items"}
    first = data["waves"][0]
    assert set(first) >= {"wave", "responses", "response_rate", "enps", "dimensions", "items", "groups",
                          "themes", "barrier"}
    assert set(first["enps"]) >= {"value", "low", "high", "promoters", "passives", "detractors"}
    for score in first["dimensions"] + first["items"]:
        assert set(score) >= {"key", "label", "n", "favourable", "neutral", "unfavourable", "mean", "low", "high"}
    assert all(set(g) >= {"name", "n", "shown"} for g in first["groups"])
    assert all(set(c) >= {"dimension", "from", "to", "delta", "verdict", "method"} for c in data["changes"])
    trust = next(c for c in data["changes"] if c["dimension"] == "trust")
    assert (trust["from"], trust["to"], trust["verdict"]) == ("before", "during", "rose")
    # The composer's survey words both purpose items differently before and during the introduction ("I
    # understand why we are introducing..." / "Now that we use..."): flagged, and purpose is not compared.
    assert {"purpose_1", "purpose_2"} <= set(data["flagged_items"]) and "trust_1" not in data["flagged_items"]
    assert "purpose" not in {c["dimension"] for c in data["changes"]}
    assert "enps" in {c["dimension"] for c in data["changes"]}


def test_a_survey_file_stands_in_for_the_brief(capsys, tmp_path, two_waves):
    from toolkit.brief import load_brief

    survey = compose(load_brief(BRIEF), "nl", None, wave="before")
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(survey.to_json_dict()), encoding="utf-8")
    code, out, err = run_cli(capsys, "--survey", str(path), f"before={two_waves[0]}")
    assert code == 0, err
    assert "Vóór de invoering: 33 reacties" in out and "Begrip van het doel" in out
    assert "% van het team" not in out  # no brief, no team size


def test_out_writes_the_report(capsys, monkeypatch, tmp_path, two_waves):
    calls = []
    monkeypatch.setitem(sys.modules, "toolkit.results.report", types.SimpleNamespace(
        to_docx=lambda summary, lang: calls.append((summary, lang)) or b"PK-docx"))
    target = tmp_path / "report.docx"
    code, _, err = run_cli(capsys, "--brief", BRIEF, f"before={two_waves[0]}", "--out", str(target))
    assert code == 0, err
    assert target.read_bytes() == b"PK-docx"
    assert calls[0][1] == "en" and calls[0][0].waves[0].responses == 33


def assert_one_line(code: int, err: str, fragment: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and fragment in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "fragment"), [
    (["later={before}"], "unknown wave 'later'"),
    (["{before}"], "WAVE=FILE"),
    (["before={before}", "before={during}"], "given twice"),
    (["before=/no/such/file.csv"], "cannot read"),
    (["before={before}", "--group-column", "shift"], "no column 'shift'"),
    (["before={before}", "--min-group", "2"], "from 3 to 10"),
    (["before={before}", "--out", "report.pdf"], "must end in .docx"),
])
def test_bad_input_exits_2_with_one_line(capsys, two_waves, args, fragment):
    args = [a.format(before=two_waves[0], during=two_waves[1]) for a in args]
    code, _, err = run_cli(capsys, "--brief", BRIEF, *args)
    assert_one_line(code, err, fragment)


def test_a_brief_or_a_survey_is_needed(capsys, two_waves):
    code, _, err = run_cli(capsys, f"before={two_waves[0]}")
    assert_one_line(code, err, "--brief")


def test_an_unreadable_answers_file_exits_2(capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = run_cli(capsys, "--brief", BRIEF, f"before={empty}")
    assert_one_line(code, err, "empty.csv: the file has no answers")


def test_a_file_that_is_not_a_survey_exits_2(capsys, tmp_path, two_waves):
    bogus = tmp_path / "survey.json"
    bogus.write_text('{"kind": "story"}', encoding="utf-8")
    code, _, err = run_cli(capsys, "--survey", str(bogus), f"before={two_waves[0]}")
    assert_one_line(code, err, "is not a survey")
