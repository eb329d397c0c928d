"""Survey results saved with the project: per wave, every save a version, the file kept for a re-read."""

from __future__ import annotations

import sqlite3

import pytest
from results_support import people, wave

from toolkit.results.model import ColumnMapping
from toolkit.workspace import ProjectNotFound, Workspace


@pytest.fixture
def ws(workspace_location):
    return Workspace(workspace_location)


def _responses(name: str = "before", n: int = 6):
    answers = wave(name, people(n, group="Noord"))
    answers.report.source = "answers.csv"
    answers.report.mapping = [ColumnMapping(column="Q1", item="purpose_1", method="text", score=100.0)]
    return answers


def test_saved_results_come_back_whole_after_reopening_the_file(workspace_location, ws):
    project = ws.create_project("Results")
    mapping = [ColumnMapping(column="Q1", item="purpose_2", method="user", score=100.0)]
    version = ws.save_results(project.id, "before", file_name="answers.csv", file=b"a;b\n1;2\n",
                              responses=_responses(), mapping=mapping, group_column="Team", min_group=7,
                              commitments=["Two extra practice hours per person"],
                              ledger=[{"text": "A named contact", "done": True}],
                              cannot_do=["A fourth team before June"], session_id="s1")
    assert version == 1
    saved = Workspace(workspace_location).latest_results(project.id)["before"]
    assert saved.file_name == "answers.csv" and saved.file == b"a;b\n1;2\n"
    assert saved.responses == _responses()
    assert saved.mapping == mapping  # the confirmed mapping, not the one the import guessed
    assert saved.group_column == "Team" and saved.min_group == 7
    assert saved.commitments == ["Two extra practice hours per person"]
    assert saved.ledger == [{"text": "A named contact", "done": True}]
    assert saved.cannot_do == ["A fourth team before June"]
    assert saved.session_id == "s1" and saved.version == 1


def test_every_save_is_a_version_per_wave_and_latest_is_in_wave_order(ws):
    project = ws.create_project("Results")
    ws.save_results(project.id, "after", file_name="c.csv", file=b"c", responses=_responses("after"))
    ws.save_results(project.id, "before", file_name="a.csv", file=b"a", responses=_responses())
    second = ws.save_results(project.id, "before", file_name="a2.csv", file=b"a2", responses=_responses(n=8),
                             min_group=3)
    assert second == 2
    latest = ws.latest_results(project.id)
    assert list(latest) == ["before", "after"]
    assert latest["before"].file_name == "a2.csv" and len(latest["before"].responses.respondents) == 8
    versions = ws.results_versions(project.id, "before")
    assert [v.version for v in versions] == [2, 1]
    assert versions[1].file == b"a" and versions[1].min_group == 5
    assert ws.results_versions(project.id, "during") == []


def test_results_of_one_project_stay_out_of_another(ws):
    first, second = ws.create_project("One"), ws.create_project("Two")
    ws.save_results(first.id, "before", file_name="a.csv", file=b"a", responses=_responses())
    assert ws.latest_results(second.id) == {}


def test_unknown_wave_and_unknown_project_are_refused(ws):
    project = ws.create_project("Results")
    with pytest.raises(ValueError, match="unknown wave"):
        ws.save_results(project.id, "later", file_name="a.csv", file=b"a", responses=_responses())
    with pytest.raises(ProjectNotFound):
        ws.save_results("nope", "before", file_name="a.csv", file=b"a", responses=_responses())
    assert ws.results_versions(project.id, "later") == []


def test_duplicate_copies_each_waves_latest_results(ws):
    project = ws.create_project("Results")
    ws.save_results(project.id, "before", file_name="a.csv", file=b"a", responses=_responses(), min_group=4)
    copy = ws.duplicate(project.id)
    saved = ws.latest_results(copy.id)["before"]
    assert saved.file == b"a" and saved.min_group == 4 and saved.version == 1


def test_a_workspace_file_from_before_results_gets_the_table_on_open(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL, "
                       "updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);"
                       "INSERT INTO projects VALUES ('p1', 'Old', '2026-01-01T00:00:00+00:00', "
                       "'2026-01-01T00:00:00+00:00', 0);")
    conn.close()
    ws = Workspace(path)
    assert ws.latest_results("p1") == {}
    ws.save_results("p1", "during", file_name="b.xlsx", file=b"b", responses=_responses("during"))
    assert ws.latest_results("p1")["during"].version == 1
