"""The workspace's database: migrations on SQLite and PostgreSQL, earlier files kept whole, a password never
shown, and the `workspace` command."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from db_support import raw_connection
from sqlalchemy import text

from toolkit import workspace_db
from toolkit.models import Draft, Section
from toolkit.settings import Settings
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
SECRET = "pa55-w0rd-never-shown"

# The schema as the workspace before migrations left a file: the tables it created, then the columns it added.
MAIN_SCHEMA = """
CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '', visibility TEXT NOT NULL DEFAULT 'shared');
CREATE TABLE briefs (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL REFERENCES projects(id),
    version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '',
    base_version INTEGER, conflict INTEGER NOT NULL DEFAULT 0, saved_by TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, version));
CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '', base_version INTEGER, conflict INTEGER NOT NULL DEFAULT 0, lang TEXT,
    saved_by TEXT NOT NULL DEFAULT '', UNIQUE (project_id, kind, version));
CREATE TABLE plan_confirmations (id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL REFERENCES projects(id), version INTEGER NOT NULL, confirmed_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '');
CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL REFERENCES projects(id),
    wave TEXT NOT NULL, version INTEGER NOT NULL, file_name TEXT NOT NULL DEFAULT '', file BLOB, data TEXT NOT NULL,
    saved_at TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '', UNIQUE (project_id, wave, version));
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, saved_at TEXT NOT NULL);
ALTER TABLE drafts ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN restored_from INTEGER;
"""
STAMP = "2026-11-30T09:00:00.000000+00:00"


def _story(text: str, lang: str = "nl") -> Draft:
    return Draft(kind="story", lang=lang, title="Titel", sections=[Section(key="why", heading="Waarom",
                                                                           paragraphs=[text])])


def test_a_migrated_database_has_exactly_the_tables_the_code_uses(workspace_location):
    Workspace(workspace_location)
    with raw_connection(workspace_location) as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == workspace_db.head()
        assert compare_metadata(context, workspace_db.metadata) == []


def test_a_file_written_before_migrations_opens_with_every_row_and_goes_on_numbering(tmp_path):
    path = tmp_path / "workspace.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MAIN_SCHEMA)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("INSERT INTO projects VALUES ('p1', 'Klantenservice', ?, ?, 0, 'ana@example.com', 'private')",
                 (STAMP, STAMP))
    conn.execute("INSERT INTO briefs (project_id, version, data, saved_at, session_id, conflict, saved_by) VALUES "
                 "('p1', 1, '{\"organisation\": \"Acme\"}', ?, 's1', 0, 'ana@example.com'), "
                 "('p1', 2, '{\"organisation\": \"Acme Zuid\"}', ?, 's2', 1, '')", (STAMP, STAMP))
    for version, lang in ((1, "nl"), (2, "sv")):
        conn.execute("INSERT INTO drafts (project_id, kind, version, data, saved_at, lang, action) VALUES "
                     "('p1', 'story', ?, ?, ?, ?, 'draft')", (version, _story(lang, lang).model_dump_json(), STAMP, lang))
    conn.execute("INSERT INTO plan_confirmations (project_id, version, confirmed_at) VALUES ('p1', 3, ?)", (STAMP,))
    conn.execute("INSERT INTO results (project_id, wave, version, file_name, file, data, saved_at) VALUES "
                 "('p1', 'before', 1, 'a.csv', ?, '{}', ?)", (b"a;b\x00\xff", STAMP))
    conn.execute("INSERT INTO settings VALUES ('llm_model', '\"qwen2.5\"', ?)", (STAMP,))
    conn.commit()
    conn.close()

    ws = Workspace(path, user="ana@example.com")
    project = ws.get_project("p1")
    assert (project.name, project.owner, project.private) == ("Klantenservice", "ana@example.com", True)
    assert [(v.version, v.conflict, v.saved_by) for v in ws.brief_versions("p1")] == [
        (2, True, ""), (1, False, "ana@example.com")]
    assert ws.draft_langs("p1", "story") == ["nl", "sv"]
    assert ws.latest_draft("p1", "story", "nl").action == "draft"
    assert ws.plan_confirmed("p1") == 3
    assert ws.load_settings() == {"llm_model": "qwen2.5"}
    assert ws.save_draft("p1", _story("nieuw"), base_version=1).version == 3
    assert ws.update_brief("p1", {"tone": "formal"}, base_version=2).version == 3
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT file FROM results").fetchone()[0] == b"a;b\x00\xff"
        assert check.execute("SELECT version_num FROM alembic_version").fetchall() == [(workspace_db.head(),)]
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _open_at_once(location, start) -> None:
    start.wait(timeout=120)
    Workspace(location).create_project("Opened at once")


def test_processes_opening_a_new_database_at_once_migrate_it_once(workspace_location):
    forked = multiprocessing.get_context("fork")
    start = forked.Barrier(4)
    processes = [forked.Process(target=_open_at_once, args=(workspace_location, start)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [process.exitcode for process in processes] == [0] * 4  # a second migration would fail: tables exist
    with raw_connection(workspace_location) as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [(workspace_db.head(),)]
    assert len(Workspace(workspace_location).list_projects()) == 4


def test_opening_again_in_the_same_process_checks_nothing(workspace_location, monkeypatch):
    Workspace(workspace_location).create_project("First")

    def no_migration(_engine):
        raise AssertionError("a workspace opened before was checked again")

    monkeypatch.setattr(workspace_db, "upgrade", no_migration)
    monkeypatch.setattr(workspace_db, "current", no_migration)
    assert [p.name for p in Workspace(workspace_location).list_projects()] == ["First"]


def test_a_sqlite_file_removed_under_a_running_process_is_made_again(tmp_path):
    path = tmp_path / "ws.sqlite3"
    Workspace(path).create_project("Gone")
    for leftover in tmp_path.glob("ws.sqlite3*"):
        leftover.unlink()
    assert Workspace(path).list_projects() == []
    assert Workspace(path).create_project("Again").name == "Again"


def test_the_database_url_setting_and_its_password():
    assert Settings.from_env({}).workspace_location == Settings.from_env({}).workspace_path
    url = f"postgresql://toolkit:{SECRET}@db.example.com:5432/toolkit"
    settings = Settings.from_env({"TOOLKIT_DATABASE_URL": f"  {url} "})
    assert settings.workspace_location == url
    assert SECRET not in repr(settings)
    assert workspace_db.display(url) == "postgresql+psycopg://toolkit:***@db.example.com:5432/toolkit"
    assert workspace_db.database_url(url).drivername == "postgresql+psycopg"  # psycopg 3, not psycopg2
    with pytest.raises(ValueError, match="TOOLKIT_DATABASE_URL") as refused:
        Settings.from_env({"TOOLKIT_DATABASE_URL": f"mysql://toolkit:{SECRET}@db/toolkit"})
    assert SECRET not in str(refused.value)
    with pytest.raises(workspace_db.BadLocation) as unreadable:
        workspace_db.database_url(f"postgresql://toolkit:{SECRET}@db:notaport/toolkit")
    assert SECRET not in str(unreadable.value)


def test_a_workspace_shows_its_location_without_the_password(postgresql_url):
    user, rest = postgresql_url.split("@", 1)
    with_password = f"{user}:{SECRET}@{rest}"  # the test server trusts 127.0.0.1, so any password connects
    ws = Workspace(with_password)
    ws.create_project("P")
    assert SECRET not in repr(ws) and "***" in repr(ws)
    workspace_db.release(with_password)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", "workspace", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_the_workspace_command_upgrades_and_reports_the_revision(workspace_location, tmp_path):
    import os

    env = {**os.environ, "TOOLKIT_DATA_DIR": str(tmp_path / "data")}
    if isinstance(workspace_location, str):
        env["TOOLKIT_DATABASE_URL"] = workspace_location
    before = _cli("status", env=env)
    assert before.returncode == 1 and "none yet" in before.stdout
    upgraded = _cli("upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"revision: {workspace_db.head()} (the newest)" in upgraded.stdout
    assert _cli("status", env=env).returncode == 0
    assert Workspace(Settings.from_env(env).workspace_location).list_projects() == []


def test_the_workspace_command_names_a_database_it_cannot_reach_without_its_password(tmp_path):
    import os

    env = {**os.environ, "TOOLKIT_DATABASE_URL": f"postgresql://toolkit:{SECRET}@127.0.0.1:9/toolkit?connect_timeout=3"}
    done = _cli("status", env=env)
    assert done.returncode == 1
    assert "error: the workspace database cannot be used" in done.stderr and len(done.stderr.splitlines()) == 1
    assert SECRET not in done.stdout + done.stderr and "toolkit:***@127.0.0.1:9" in done.stdout
    bad = _cli("status", env={**os.environ, "TOOLKIT_DATABASE_URL": f"mysql://toolkit:{SECRET}@db/toolkit"})
    assert bad.returncode == 2 and bad.stderr.startswith("error: TOOLKIT_DATABASE_URL")
    assert SECRET not in bad.stdout + bad.stderr


def _filled(location) -> list[str]:
    """A workspace with a bit of everything: versions, two languages, a conflict, results, a private project."""
    from results_support import people, wave

    ana = Workspace(location, user="ana@example.com")
    shared, private = ana.create_project("Gedeeld"), ana.create_project("Privé", visibility="private")
    ana.save_brief(shared.id, {"organisation": "Acme", "team_size": 60}, session_id="s1")
    ana.update_brief(shared.id, {"team_size": 61}, base_version=1, session_id="s1")
    ana.update_brief(shared.id, {"team_size": 62}, base_version=1, session_id="s2")  # a conflict
    ana.save_draft(shared.id, _story("eerste"), session_id="s1")
    ana.save_draft(shared.id, _story("första", "sv"), session_id="s1")
    plan = Draft(kind="plan", lang="nl", title="Plan")
    ana.confirm_plan(shared.id, ana.save_draft(shared.id, plan).version)
    ana.save_results(shared.id, "before", file_name="a.csv", file=b"a;b\x00\xff", responses=wave("before", people(6)))
    ana.save_draft(private.id, _story("geheim"), action="draft")
    ana.save_settings({"llm_provider": "ollama", "llm_model": "qwen2.5"})
    return [shared.id, private.id]


def _everything(location, ids: list[str]) -> dict:
    ws = Workspace(location)
    return {"projects": ws.list_projects(), "settings": ws.load_settings(),
            **{pid: (ws.brief_versions(pid), [ws.draft_versions(pid, kind) for kind in ws.draft_kinds(pid)],
                     ws.plan_confirmed(pid), ws.latest_results(pid)) for pid in ids}}


def test_copy_moves_a_sqlite_workspace_into_postgresql_whole_and_numbering_goes_on(tmp_path, postgresql_url):
    import os

    source = tmp_path / "data" / "workspace.sqlite3"
    ids = _filled(source)
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(tmp_path / "data"), "TOOLKIT_DATABASE_URL": postgresql_url}
    done = _cli("copy", "--from", str(source), env=env)
    assert done.returncode == 0, done.stderr
    copied = done.stdout.splitlines()[-1]
    assert all(count in copied for count in ("2 projects", "3 briefs", "4 drafts", "1 plan_confirmations",
                                                 "1 results", "2 settings")), copied
    assert _everything(postgresql_url, ids) == _everything(source, ids)
    moved = Workspace(postgresql_url, user="ana@example.com")
    assert moved.save_draft(ids[0], _story("tweede"), base_version=1).version == 3  # after nl 1 and sv 2
    assert moved.update_brief(ids[0], {"tone": "formal"}, base_version=3).version == 4
    assert Workspace(postgresql_url, user="bob@example.com").get_project(ids[1]) is None  # still private
    again = _cli("copy", "--from", str(source), env=env)
    assert again.returncode == 1 and "already holds projects" in again.stderr
    assert len(Workspace(postgresql_url).list_projects()) == 2
    missing = _cli("copy", "--from", str(tmp_path / "nothing.sqlite3"), env=env)
    assert missing.returncode == 2 and missing.stderr.startswith("error: there is no workspace file")


def test_copy_back_from_postgresql_into_a_new_sqlite_file(tmp_path, postgresql_url):
    ids = _filled(postgresql_url)
    target = tmp_path / "back.sqlite3"
    copied = workspace_db.copy_workspace(postgresql_url, target)
    assert copied["projects"] == 2 and copied["results"] == 1
    assert _everything(target, ids) == _everything(postgresql_url, ids)
    assert Workspace(target).save_brief(ids[0], {"organisation": "Acme"}) == 4


def test_the_documented_pg_dump_and_pg_restore_bring_back_every_version(postgresql_server, postgresql_url, tmp_path):
    from db_support import find_pg_ctl, fresh_database

    ids = _filled(postgresql_url)
    bindir = Path(find_pg_ctl()).resolve().parent  # the client programs of the same PostgreSQL
    dump = tmp_path / "workspace.dump"
    libpq = postgresql_url.replace("postgresql+psycopg://", "postgresql://")  # pg_dump reads the libpq form
    subprocess.run([bindir / "pg_dump", "--format=custom", "--file", dump, libpq], check=True, timeout=120)
    with fresh_database(postgresql_server) as restored:
        subprocess.run([bindir / "pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname",
                        restored.replace("postgresql+psycopg://", "postgresql://"), dump], check=True, timeout=120)
        assert _everything(restored, ids) == _everything(postgresql_url, ids)
        ws = Workspace(restored, user="ana@example.com")
        assert ws.save_brief(ids[0], {"organisation": "Acme"}) == 4
        assert ws.save_draft(ids[0], _story("na het terugzetten")).version == 3  # the id sequences came back too


def test_a_database_server_restarted_under_a_running_process_costs_one_reconnect_not_an_error():
    from db_support import fresh_database, running_postgresql
    from sqlalchemy.exc import OperationalError

    with running_postgresql() as server, fresh_database(server) as url:
        ws = Workspace(url)
        pid = ws.create_project("Voor de herstart").id
        ws.save_brief(pid, {"organisation": "Acme"})
        server.stop()
        with pytest.raises(OperationalError):  # while it is down, a call fails (the page's general error)
            ws.latest_brief(pid)
        server.start()
        assert ws.latest_brief(pid).data == {"organisation": "Acme"}  # the pooled connections were stale
        assert ws.save_brief(pid, {"organisation": "Acme Zuid"}) == 2
