"""The group column per wave: recognised from its header in en/nl/sv, chosen per wave on the command line, and
one name per group across waves however it was typed ("Team A", "team a ")."""

from __future__ import annotations

import json

import pytest
from results_files import BRIEFS, make_files
from results_support import answer_csv, survey

from toolkit import cli
from toolkit.results.groups import display_name, group_key, unify_groups
from toolkit.results.ingest import read_responses, read_table
from toolkit.results.model import Respondent, Responses
from toolkit.results.summary import summarise
from toolkit.templates import load_template


def answer_file(header: str, people: list[tuple[str, int]]) -> bytes:
    return answer_csv(header, [(group, likert, 8) for group, likert in people])


@pytest.mark.parametrize("header", ["Team", "Group", "Department", "Groep", "Afdeling", "Arbetslag", "Grupp",
                                    "Avdelning", "  ARBETSLAG ", "In welk team werk je?", "Vilket arbetslag tillhör du?",
                                    "Which team are you in?"])
def test_a_group_column_is_recognised_from_its_header_in_three_languages(header):
    table = read_table("a.csv", answer_file(header, [("North", 4)]))
    assert [c.role for c in table.columns[:2]] == ["id", "group"]
    responses = read_responses("a.csv", answer_file(header, [("North", 4)]), survey(), "before")
    assert [r.group for r in responses.respondents] == ["North"]


def test_the_headers_are_data_in_every_languages_template():
    lists = {lang: load_template(lang, "results")["group_columns"] for lang in ("en", "nl", "sv")}
    assert {"team", "group", "department"} <= set(lists["en"])
    assert {"team", "groep", "afdeling"} <= set(lists["nl"])
    assert {"team", "arbetslag", "grupp", "avdelning"} <= set(lists["sv"])
    table = read_table("a.csv", answer_file("Favourite colour", [("North", 4)]))
    assert "group" not in [c.role for c in table.columns]  # a question is not taken for a group


def test_spellings_of_one_group_become_one_name_chosen_from_the_spellings_alone():
    assert group_key(" Team  A ") == group_key("team a") == group_key("TEAM A")
    assert display_name(["team a", "TEAM A", "Team A "]) == "Team A"
    assert display_name(["team a", "TEAM A"]) == display_name(["TEAM A", "team a"]) == "TEAM A"
    first = Responses(wave="before", respondents=[Respondent(id="1", group="Team A"),
                                                  Respondent(id="2", group=" ")])
    second = Responses(wave="during", respondents=[Respondent(id="1", group="team a "),
                                                   Respondent(id="2", group="TEAM  A")])
    unified = unify_groups({"before": first, "during": second})
    assert [p.group for r in unified.values() for p in r.respondents] == ["Team A", None, "Team A", "Team A"]
    assert [p.group for p in second.respondents] == ["team a ", "TEAM  A"]  # the input is left as it is


def test_waves_whose_files_name_and_spell_the_groups_differently_compare_the_same_groups():
    spellings = {"before": ("Arbetslag", str), "during": ("Team", lambda g: f"{g.lower()} "),
                 "after": ("Afdeling", str.upper)}
    waves = {}
    for wave, (header, spell) in spellings.items():
        people = [(spell("Malmö"), 4)] * 12 + [(spell("Göteborg"), 2)] * 20
        waves[wave] = read_responses(f"{wave}.csv", answer_file(header, people), survey(), wave)
    summary = summarise(waves, survey())
    for wave in summary.waves:
        assert [(g.name, g.n, g.shown) for g in wave.groups] == [("Göteborg", 20, True), ("Malmö", 12, True)]


# --- the command line: --group-column per wave ----------------------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("answers"))


def _summary(capsys, *args: str) -> tuple[int, dict | str, str]:
    code = cli.main(["results", "summary", "--brief", str(BRIEFS["sv"]), *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and "--json" in args else out), err


def _waves(files) -> list[str]:  # Forms in Swedish ("Arbetslag"), then Qualtrics ("Team")
    return [f"before={files / 'before' / 'forms-sv.xlsx'}", f"during={files / 'during' / 'qualtrics-sv-text.tsv'}"]


def test_the_group_column_is_named_per_wave(capsys, files):
    code, data, err = _summary(capsys, *_waves(files), "--json", "--group-column", "before=Arbetslag",
                               "--group-column", "during=Team")
    assert code == 0, err
    names = [[(g["name"], g["shown"]) for g in w["groups"]] for w in data["waves"]]
    assert names[0] == names[1] == [("Avond", True), ("Centraal", True), ("Noord", False), ("Zuid", False)]


def test_one_group_column_for_every_wave_still_works_and_a_missing_one_says_how_to_name_it(capsys, files):
    both = [f"before={files / 'before' / 'forms-sv.xlsx'}", f"during={files / 'during' / 'forms-sv.xlsx'}"]
    code, data, err = _summary(capsys, *both, "--json", "--group-column", "Arbetslag")
    assert code == 0, err
    assert all(len(w["groups"]) == 4 for w in data["waves"])
    code, _out, err = _summary(capsys, *_waves(files), "--group-column", "Arbetslag")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "det finns ingen kolumn som heter Arbetslag" in err and "--group-column during=Team" in err


def test_without_the_flag_each_waves_group_column_is_recognised(capsys, files):
    code, data, err = _summary(capsys, *_waves(files), "--json")
    assert code == 0, err
    assert [len(w["groups"]) for w in data["waves"]] == [4, 4]


@pytest.mark.parametrize(("flags", "message"), [
    (["--group-column", "during=Team", "--group-column", "during=Lag"], "the wave during is given twice"),
    (["--group-column", "after=Team"], "there is no answer file for the wave after"),
    (["--group-column", "during="], "write a wave and a column as WAVE=COLUMN"),
    (["--group-column", "Team", "--group-column", "Lag"], "--group-column COLUMN is given twice"),
])
def test_bad_group_columns_exit_2_with_one_line(capsys, files, flags, message):
    code, _out, err = _summary(capsys, *_waves(files), *flags)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_draft_followup_takes_the_group_column_per_wave(capsys, files):
    code = cli.main(["draft", "followup", "--brief", str(BRIEFS["sv"]), *_waves(files), "--json",
                     "--group-column", "before=Arbetslag", "--group-column", "during=Team"])
    out, err = capsys.readouterr()
    assert code == 0, err
    draft = json.loads(out)
    assert draft["kind"] == "followup" and "Noord" not in draft["text"] and "Zuid" not in draft["text"]
