"""With sign-in on, versions record who saved them and a private project stays with its owner."""

from __future__ import annotations

import sqlite3

import pytest

from toolkit.models import Draft, Section
from toolkit.workspace import NotOwner, ProjectNotFound, Workspace

ANA, BOB = "ana@example.com", "bob@example.com"


@pytest.fixture
def location(workspace_location):
    return workspace_location  # a SQLite file, then a PostgreSQL database


def _draft(text: str) -> Draft:
    return Draft(kind="story", lang="nl", title="Titel",
                 sections=[Section(key="why", heading="Waarom", paragraphs=[text])])


def test_a_private_project_is_invisible_to_another_user(location):
    ana = Workspace(location, user=ANA)
    secret = ana.create_project("Reorganisatie team Zuid")
    shared = ana.create_project("Assist voor iedereen")
    ana.save_brief(secret.id, {"organisation": "Acme"})
    ana.save_draft(secret.id, _draft("Alleen voor Ana."))
    ana.set_visibility(secret.id, "private")

    core = Workspace(location)
    assert [p.id for p in core.list_projects(user=BOB)] == [shared.id]
    assert core.get_project(secret.id, user=BOB) is None
    assert core.get_project(secret.id, user=ANA).private
    assert {p.id for p in core.list_projects(user=ANA)} == {secret.id, shared.id}

    bob = Workspace(location, user=BOB)
    assert [p.id for p in bob.list_projects()] == [shared.id]
    assert bob.get_project(secret.id) is None
    for read in (lambda: bob.latest_brief(secret.id), lambda: bob.brief_versions(secret.id),
                 lambda: bob.latest_draft(secret.id, "story"), lambda: bob.get_draft(secret.id, "story", 1),
                 lambda: bob.draft_versions(secret.id, "story"), lambda: bob.draft_kinds(secret.id)):
        with pytest.raises(ProjectNotFound):
            read()
    for write in (lambda: bob.save_brief(secret.id, {"organisation": "Bob"}),
                  lambda: bob.update_brief(secret.id, {"organisation": "Bob"}, 1),
                  lambda: bob.save_draft(secret.id, _draft("Van Bob.")), lambda: bob.rename(secret.id, "Bob"),
                  lambda: bob.duplicate(secret.id), lambda: bob.delete(secret.id)):
        with pytest.raises(ProjectNotFound):
            write()
    reopened = Workspace(location, user=ANA)
    assert reopened.latest_brief(secret.id).data == {"organisation": "Acme"}
    assert [v.version for v in reopened.draft_versions(secret.id, "story")] == [1]
    assert reopened.get_project(secret.id).name == "Reorganisatie team Zuid"


def test_sharing_again_shows_the_project_to_everyone(location):
    ana = Workspace(location, user=ANA)
    project = ana.create_project("P", visibility="private")
    assert Workspace(location, user=BOB).list_projects() == []
    assert not ana.set_visibility(project.id, "shared").private
    assert [p.id for p in Workspace(location, user=BOB).list_projects()] == [project.id]


def test_every_version_records_who_saved_it(location):
    ana, bob = Workspace(location, user=ANA), Workspace(location, user=BOB)
    project = ana.create_project("Gedeeld")
    assert project.owner == ANA and project.visibility == "shared"
    ana.save_brief(project.id, {"organisation": "Acme", "team_size": 40}, session_id="a")
    bob.update_brief(project.id, {"team_size": 45}, base_version=1, session_id="b")
    Workspace(location).save_brief(project.id, {"organisation": "Acme"}, session_id="cli")
    assert [v.saved_by for v in Workspace(location).brief_versions(project.id)] == ["", BOB, ANA]
    bob.save_draft(project.id, _draft("Eerste."), session_id="b")
    ana.save_draft(project.id, _draft("Tweede."), session_id="a", base_version=1)
    assert [v.saved_by for v in Workspace(location).draft_versions(project.id, "story")] == [ANA, BOB]
    assert Workspace(location).get_draft(project.id, "story", 1).saved_by == BOB


def test_only_the_owner_changes_who_may_see_a_project(location):
    ana, bob = Workspace(location, user=ANA), Workspace(location, user=BOB)
    project = ana.create_project("Van Ana")
    with pytest.raises(NotOwner):
        bob.set_visibility(project.id, "private")
    unowned = Workspace(location).create_project("Van voor het inloggen")
    assert unowned.owner == ""
    for ws in (ana, Workspace(location)):
        with pytest.raises(NotOwner):
            ws.set_visibility(unowned.id, "private")
    with pytest.raises(NotOwner):
        Workspace(location).create_project("Geheim", visibility="private")
    with pytest.raises(ValueError):
        ana.set_visibility(project.id, "secret")
    assert not Workspace(location).get_project(project.id).private


def test_a_copy_belongs_to_whoever_makes_it_and_keeps_a_private_project_private(location):
    ana, bob = Workspace(location, user=ANA), Workspace(location, user=BOB)
    private = ana.create_project("Privé", visibility="private")
    ana.save_brief(private.id, {"organisation": "Acme"})
    copy = ana.duplicate(private.id)
    assert copy.owner == ANA and copy.private
    assert bob.list_projects() == []
    shared = ana.create_project("Gedeeld")
    bobs = bob.duplicate(shared.id, "Kopie van Bob")
    assert bobs.owner == BOB and not bobs.private


def test_without_a_user_every_project_is_visible(location):
    """Sign-in protects the app, not the command line or the file: a workspace opened without a user sees all."""
    ana = Workspace(location, user=ANA)
    project = ana.create_project("Privé", visibility="private")
    core = Workspace(location)
    assert [p.id for p in core.list_projects()] == [project.id]
    assert core.get_project(project.id).owner == ANA
    core.save_brief(project.id, {"organisation": "Acme"})
    assert core.latest_brief(project.id).saved_by == ""


def test_a_workspace_from_before_sign_in_gains_the_columns_and_keeps_its_projects(tmp_path):
    path = tmp_path / "ws.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL,
                               updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE briefs (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL, version INTEGER NOT NULL,
                             data TEXT NOT NULL, saved_at TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '',
                             UNIQUE (project_id, version));
        CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL, kind TEXT NOT NULL,
                             version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL,
                             session_id TEXT NOT NULL DEFAULT '', base_version INTEGER,
                             conflict INTEGER NOT NULL DEFAULT 0, UNIQUE (project_id, kind, version));
    """)
    stamp = "2026-01-05T09:00:00.000000+00:00"
    conn.execute("INSERT INTO projects VALUES ('old1', 'Van vorig jaar', ?, ?, 0)", (stamp, stamp))
    conn.execute("INSERT INTO briefs (project_id, version, data, saved_at) VALUES ('old1', 1, '{\"organisation\": "
                 "\"Acme\"}', ?)", (stamp,))
    conn.execute("INSERT INTO drafts (project_id, kind, version, data, saved_at) VALUES ('old1', 'story', 1, ?, ?)",
                 (_draft("Oud.").model_dump_json(), stamp))
    conn.commit()
    conn.close()

    ana = Workspace(path, user=ANA)
    old = ana.get_project("old1")
    assert (old.name, old.owner, old.visibility) == ("Van vorig jaar", "", "shared")
    assert ana.latest_brief("old1").saved_by == "" and ana.latest_draft("old1", "story").saved_by == ""
    ana.save_brief("old1", {"organisation": "Acme Zuid"})
    assert Workspace(path, user=BOB).latest_brief("old1").saved_by == ANA
    with sqlite3.connect(path) as check:
        columns = {row[1] for row in check.execute("PRAGMA table_info(projects)")}
    assert {"owner", "visibility"} <= columns
