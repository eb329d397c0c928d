"""The workspace keeps every project, brief and draft version, and never drops one session's work."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import date

import pytest
from db_support import raw_connection
from sqlalchemy import text as sql

from toolkit.models import Draft, Section
from toolkit.settings import Settings
from toolkit.workspace import ProjectNotFound, Workspace


@pytest.fixture
def ws(workspace_location):
    return Workspace(workspace_location)


def _draft(text: str, kind: str = "story") -> Draft:
    return Draft(kind=kind, lang="sv", title="Titel",
                 sections=[Section(key="why", heading="Varför", paragraphs=[text])])


def test_projects_create_list_rename_delete(ws):
    a = ws.create_project("Klantenservice Utrecht")
    b = ws.create_project("  ")
    assert b.name == "Untitled"
    assert {p.id for p in ws.list_projects()} == {a.id, b.id}
    renamed = ws.rename(a.id, "Kundtjänst   Malmö")
    assert renamed.name == "Kundtjänst Malmö"
    assert ws.rename(a.id, "").name == "Kundtjänst Malmö"
    ws.delete(b.id)
    assert [p.id for p in ws.list_projects()] == [a.id]
    with pytest.raises(ProjectNotFound):
        ws.save_brief(b.id, {"organisation": "x"})


def test_list_is_most_recently_changed_first(ws):
    a = ws.create_project("A")
    b = ws.create_project("B")
    ws.save_brief(a.id, {"organisation": "A"})
    assert [p.id for p in ws.list_projects()] == [a.id, b.id]


def test_brief_saved_as_typed_with_versions(ws):
    p = ws.create_project("P")
    assert ws.latest_brief(p.id) is None
    v1 = ws.save_brief(p.id, {"organisation": "", "team_size": "veertig"}, session_id="s1")
    v2 = ws.save_brief(p.id, {"organisation": "Acme", "team_size": 40, "changes": "a\n\nb"}, session_id="s1")
    assert (v1, v2) == (1, 2)
    latest = ws.latest_brief(p.id)
    assert latest.version == 2 and latest.data["changes"] == "a\n\nb"
    versions = ws.brief_versions(p.id)
    assert [v.version for v in versions] == [2, 1]
    assert versions[1].data == {"organisation": "", "team_size": "veertig"}


def test_draft_versions_and_reopen(workspace_location):
    ws = Workspace(workspace_location)
    p = ws.create_project("P")
    first = ws.save_draft(p.id, _draft("ett"), session_id="s1", base_version=None)
    second = ws.save_draft(p.id, _draft("två"), session_id="s1", base_version=first.version)
    assert (first.version, second.version, second.conflict) == (1, 2, False)
    reopened = Workspace(workspace_location)  # a restart of the app
    latest = reopened.latest_draft(p.id, "story")
    assert latest.version == 2 and latest.draft.sections[0].paragraphs == ["två"]
    assert [v.version for v in reopened.draft_versions(p.id, "story")] == [2, 1]
    assert reopened.get_draft(p.id, "story", 1).draft.sections[0].paragraphs == ["ett"]
    assert reopened.latest_draft(p.id, "faq") is None
    assert reopened.draft_kinds(p.id) == ["story"]


def test_same_project_two_sessions_keeps_both(ws):
    p = ws.create_project("P")
    base = ws.save_draft(p.id, _draft("start"), session_id="s1", base_version=None).version
    mine = ws.save_draft(p.id, _draft("från session 1"), session_id="s1", base_version=base)
    theirs = ws.save_draft(p.id, _draft("från session 2"), session_id="s2", base_version=base)
    assert not mine.conflict
    assert theirs.conflict and theirs.other_version == mine.version and theirs.other_session == "s1"
    texts = {v.draft.sections[0].paragraphs[0]: v.conflict for v in ws.draft_versions(p.id, "story")}
    assert texts == {"start": False, "från session 1": False, "från session 2": True}


def test_two_projects_do_not_interfere(ws):
    a, b = ws.create_project("A"), ws.create_project("B")
    ra = ws.save_draft(a.id, _draft("A"), session_id="s1", base_version=None)
    rb = ws.save_draft(b.id, _draft("B"), session_id="s2", base_version=None)
    assert not ra.conflict and not rb.conflict
    assert ws.latest_draft(a.id, "story").draft.sections[0].paragraphs == ["A"]
    assert ws.latest_draft(b.id, "story").draft.sections[0].paragraphs == ["B"]


def test_duplicate_copies_latest_brief_and_drafts(ws):
    p = ws.create_project("Original")
    ws.save_brief(p.id, {"organisation": "Acme"})
    ws.save_draft(p.id, _draft("x"), base_version=None)
    ws.save_draft(p.id, _draft("q", kind="faq"), base_version=None)
    copy = ws.duplicate(p.id)
    assert copy.id != p.id and copy.name == "Original (2)"
    assert ws.latest_brief(copy.id).data == {"organisation": "Acme"}
    assert ws.draft_kinds(copy.id) == ["faq", "story"]
    ws.save_brief(copy.id, {"organisation": "Changed"})
    assert ws.latest_brief(p.id).data == {"organisation": "Acme"}


def test_concurrent_writers_get_unique_versions(workspace_location):
    p = Workspace(workspace_location).create_project("P")
    errors: list[Exception] = []

    def writer(n: int) -> None:
        ws = Workspace(workspace_location)
        try:
            for i in range(10):
                ws.save_brief(p.id, {"n": n, "i": i}, session_id=f"s{n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = [v.version for v in Workspace(workspace_location).brief_versions(p.id)]
    assert sorted(versions) == list(range(1, 41))


def _save_from_another_process(location, project_id: str, n: int, start) -> None:
    """One process of the ten below: waits for the others, then saves drafts and briefs as fast as it can."""
    ws = Workspace(location)
    start.wait(timeout=120)
    for i in range(5):
        ws.save_draft(project_id, _draft(f"process {n}, save {i}"), session_id=f"p{n}")
        ws.update_brief(project_id, {f"field{n}": i}, base_version=1, session_id=f"p{n}")
        ws.save_brief(project_id, {"organisation": "Acme", "from": n, "i": i}, session_id=f"p{n}")


def test_ten_processes_saving_at_once_get_unique_versions_and_lose_nothing(workspace_location):
    ws = Workspace(workspace_location)
    pid = _brief_at_v1(ws, {"organisation": "Acme"})
    forked = multiprocessing.get_context("fork")  # processes of their own, as app processes and the CLI are
    start = forked.Barrier(10)
    processes = [forked.Process(target=_save_from_another_process, args=(workspace_location, pid, n, start))
                 for n in range(10)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [process.exitcode for process in processes] == [0] * 10
    drafts = ws.draft_versions(pid, "story")
    assert sorted(v.version for v in drafts) == list(range(1, 51))
    assert {v.draft.sections[0].paragraphs[0] for v in drafts} == {
        f"process {n}, save {i}" for n in range(10) for i in range(5)}
    briefs = ws.brief_versions(pid)
    assert sorted(v.version for v in briefs) == list(range(1, 102))
    # Each process's five field edits landed, merged on top of whatever the others saved in between.
    edits = [v.data for v in briefs if v.session_id != "seed"]
    assert all(any(data.get(f"field{n}") == 4 for data in edits) for n in range(10))


def test_wal_mode_and_settings_path(tmp_path):
    settings = Settings.from_env()
    ws = Workspace(settings.workspace_path)
    ws.create_project("x")
    assert settings.workspace_path.exists()
    assert str(settings.workspace_path).startswith(str(tmp_path))
    mode = sqlite3.connect(settings.workspace_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_settings_are_saved_across_reopen_and_can_be_forgotten(workspace_location):
    ws = Workspace(workspace_location)
    assert ws.load_settings() == {}
    ws.save_settings({"llm_provider": "ollama", "llm_model": "llama3.2", "llm_timeout": "30",
                      "llm_base_url": ""})
    ws.save_settings({"llm_model": "qwen2.5"})  # a later save changes one choice, keeps the others
    reopened = Workspace(workspace_location)  # a restart of the app
    assert reopened.load_settings() == {"llm_provider": "ollama", "llm_model": "qwen2.5", "llm_timeout": 30.0,
                                        "llm_base_url": ""}
    reopened.save_settings({"llm_model": None})  # None forgets one choice
    assert "llm_model" not in reopened.load_settings()
    reopened.clear_settings()
    assert Workspace(workspace_location).load_settings() == {}


@pytest.mark.parametrize("name", ["api_key", "OPENAI_API_KEY", "data_dir", "secret"])
def test_settings_never_store_keys_or_unknown_names(ws, name):
    with pytest.raises(ValueError):
        ws.save_settings({"llm_model": "m", name: "sk-should-never-be-stored"})
    assert ws.load_settings() == {}  # nothing of the refused save was kept
    with raw_connection(ws.location) as conn:
        raw = conn.execute(sql("SELECT name, value FROM settings")).all()
    assert raw == []


def test_saved_settings_that_no_longer_fit_are_ignored(ws):
    ws.save_settings({"llm_provider": "ollama", "embeddings": "hash", "llm_timeout": 20})
    with raw_connection(ws.location) as conn:  # an edited database, or a provider that was removed
        conn.execute(sql("UPDATE settings SET value = '\"gpt-engine-x\"' WHERE name = 'llm_provider'"))
        conn.execute(sql("UPDATE settings SET value = '-5' WHERE name = 'llm_timeout'"))
    assert ws.load_settings() == {"embeddings": "hash"}


def _brief_at_v1(ws, data=None) -> str:
    p = ws.create_project("P")
    ws.save_brief(p.id, data or {"organisation": "Acme", "team_size": 60, "tone": "formal"}, session_id="seed")
    return p.id


def test_update_brief_writes_only_the_changed_field_on_the_version_seen(ws):
    pid = _brief_at_v1(ws)
    result = ws.update_brief(pid, {"tone": "informal"}, base_version=1, session_id="s1")
    assert (result.version, result.saved, result.merged, result.conflict) == (2, True, False, False)
    assert ws.latest_brief(pid).data == {"organisation": "Acme", "team_size": 60, "tone": "informal"}
    assert result.data == ws.latest_brief(pid).data


def test_a_save_that_changes_nothing_creates_no_version(ws):
    pid = _brief_at_v1(ws, {"organisation": "Acme", "changes": ["a", "b"], "start_date": "2027-04-12"})
    for changes in ({"organisation": "Acme"}, {"start_date": date(2027, 4, 12)}, {"vision": ""}, {}):
        result = ws.update_brief(pid, changes, base_version=1, session_id="s1")
        assert (result.saved, result.version) == (False, 1)
    assert [v.version for v in ws.brief_versions(pid)] == [1]


def test_concurrent_edits_of_different_fields_merge(ws):
    pid = _brief_at_v1(ws)
    mine = ws.update_brief(pid, {"organisation": "Acme Contact"}, base_version=1, session_id="s1")
    theirs = ws.update_brief(pid, {"team_size": 61}, base_version=1, session_id="s2")  # s2 still saw v1
    assert not mine.merged and theirs.merged and not theirs.conflict
    assert theirs.version == 3
    assert ws.latest_brief(pid).data == {"organisation": "Acme Contact", "team_size": 61, "tone": "formal"}
    assert theirs.data == ws.latest_brief(pid).data


def test_the_same_field_changed_in_two_sessions_is_a_conflict_that_keeps_both(ws):
    pid = _brief_at_v1(ws)
    first = ws.update_brief(pid, {"organisation": "Acme North", "tone": "informal"}, base_version=1,
                            session_id="s1")
    second = ws.update_brief(pid, {"organisation": "Acme South", "team_size": 70}, base_version=1,
                             session_id="s2")
    assert not first.conflict
    assert second.conflict and second.conflicts == {"organisation": "Acme North"}
    assert (second.version, second.other_version, second.other_session) == (3, 2, "s1")
    versions = {v.version: v for v in ws.brief_versions(pid)}
    assert versions[2].data["organisation"] == "Acme North" and not versions[2].conflict
    assert versions[3].conflict
    # The later save is current; the other session's value stays in its version, and s1's other change merged.
    assert versions[3].data == {"organisation": "Acme South", "team_size": 70, "tone": "informal"}


def test_the_same_value_saved_in_two_sessions_is_no_conflict(ws):
    pid = _brief_at_v1(ws)
    ws.update_brief(pid, {"tone": "informal"}, base_version=1, session_id="s1")
    again = ws.update_brief(pid, {"tone": "informal"}, base_version=1, session_id="s2")
    assert (again.saved, again.conflict, again.version) == (False, False, 2)


def test_first_brief_of_a_new_project_and_unknown_project(ws):
    p = ws.create_project("New")
    result = ws.update_brief(p.id, {"organisation": "Acme"}, base_version=None, session_id="s1")
    assert result.version == 1 and ws.latest_brief(p.id).data == {"organisation": "Acme"}
    with pytest.raises(ProjectNotFound):
        ws.update_brief("nope", {"organisation": "x"}, base_version=None)


def test_concurrent_field_edits_from_many_threads_all_land(workspace_location):
    pid = _brief_at_v1(Workspace(workspace_location), {"organisation": "Acme"})
    errors: list[Exception] = []

    def writer(n: int) -> None:
        ws = Workspace(workspace_location)
        try:
            for i in range(5):  # every session starts from version 1 and never refreshes: worst case
                ws.update_brief(pid, {f"field{n}": i}, base_version=1, session_id=f"s{n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    latest = Workspace(workspace_location).latest_brief(pid)
    assert latest.data == {"organisation": "Acme", **{f"field{n}": 4 for n in range(6)}}
    assert latest.version == 1 + 6 * 5
    assert not any(v.conflict for v in Workspace(workspace_location).brief_versions(pid))  # nobody conflicts with itself


def test_a_workspace_file_from_before_brief_conflicts_opens_and_upgrades(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the briefs table as the first release made it
        conn.executescript("""
            CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL,
                updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE briefs (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL,
                version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL,
                session_id TEXT NOT NULL DEFAULT '', UNIQUE (project_id, version));
            INSERT INTO projects VALUES ('p1', 'Old', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 0);
            INSERT INTO briefs (project_id, version, data, saved_at) VALUES
                ('p1', 1, '{"organisation": "Acme"}', '2026-01-01T00:00:00+00:00');
        """)
    ws = Workspace(path)
    assert ws.latest_brief("p1").data == {"organisation": "Acme"} and not ws.latest_brief("p1").conflict
    assert ws.update_brief("p1", {"tone": "formal"}, base_version=1).version == 2
