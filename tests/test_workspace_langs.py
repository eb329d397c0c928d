"""One project holds each document in each language it needs, each with its own versions."""

from __future__ import annotations

import sqlite3

from toolkit.models import Draft, Section
from toolkit.workspace import Workspace


def _survey(lang: str, text: str) -> Draft:
    return Draft(kind="survey", lang=lang, title="Enquête" if lang == "nl" else "Enkät",
                 sections=[Section(key="intro", heading="Intro", paragraphs=[text])])


def test_a_swedish_survey_does_not_replace_the_dutch_one(workspace_location):
    ws = Workspace(workspace_location)
    p = ws.create_project("Tweetalig")
    nl1 = ws.save_draft(p.id, _survey("nl", "eerste"), session_id="s1")
    sv1 = ws.save_draft(p.id, _survey("sv", "första"), session_id="s2")
    nl2 = ws.save_draft(p.id, _survey("nl", "tweede"), session_id="s1", base_version=nl1.version)

    reopened = Workspace(workspace_location)
    assert reopened.latest_draft(p.id, "survey", "nl").draft.sections[0].paragraphs == ["tweede"]
    assert reopened.latest_draft(p.id, "survey", "sv").draft.sections[0].paragraphs == ["första"]
    assert reopened.latest_draft(p.id, "survey", "en") is None
    assert reopened.latest_draft(p.id, "survey").version == nl2.version  # no language: the newest of all
    assert [v.version for v in reopened.draft_versions(p.id, "survey", "nl")] == [nl2.version, nl1.version]
    assert [v.version for v in reopened.draft_versions(p.id, "survey", "sv")] == [sv1.version]
    assert len(reopened.draft_versions(p.id, "survey")) == 3
    assert reopened.draft_langs(p.id, "survey") == ["nl", "sv"]
    assert reopened.draft_langs(p.id, "story") == []
    assert reopened.get_draft(p.id, "survey", sv1.version).lang == "sv"


def test_saving_another_language_is_no_conflict_but_the_same_language_is(workspace_location):
    ws = Workspace(workspace_location)
    p = ws.create_project("P")
    base = ws.save_draft(p.id, _survey("nl", "start"), session_id="s1").version
    other_lang = ws.save_draft(p.id, _survey("sv", "start"), session_id="s2")
    mine = ws.save_draft(p.id, _survey("nl", "mijn"), session_id="s1", base_version=base)
    assert not other_lang.conflict and not mine.conflict
    theirs = ws.save_draft(p.id, _survey("nl", "hun"), session_id="s2", base_version=base)
    assert theirs.conflict and theirs.other_version == mine.version


def test_duplicate_copies_every_language(workspace_location):
    ws = Workspace(workspace_location)
    p = ws.create_project("P")
    ws.save_draft(p.id, _survey("nl", "nl"))
    ws.save_draft(p.id, _survey("sv", "sv"))
    copy = ws.duplicate(p.id)
    assert ws.draft_langs(copy.id, "survey") == ["nl", "sv"]
    assert ws.latest_draft(copy.id, "survey", "sv").draft.sections[0].paragraphs == ["sv"]


OLD_SCHEMA = """
CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '', base_version INTEGER, conflict INTEGER NOT NULL DEFAULT 0,
    UNIQUE (project_id, kind, version));
"""


def test_a_file_from_before_languages_gets_them_from_the_stored_drafts(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    now = "2026-01-05T10:00:00.000000+00:00"
    conn.execute("INSERT INTO projects VALUES ('p1', 'Oud', ?, ?, 0)", (now, now))
    for version, lang in ((1, "nl"), (2, "sv")):
        conn.execute("INSERT INTO drafts (project_id, kind, version, data, saved_at) VALUES ('p1', 'survey', ?, ?, ?)",
                     (version, _survey(lang, lang).model_dump_json(), now))
    conn.commit()
    conn.close()

    ws = Workspace(path)
    assert ws.draft_langs("p1", "survey") == ["nl", "sv"]
    assert ws.latest_draft("p1", "survey", "nl").version == 1
    saved = ws.save_draft("p1", _survey("nl", "nieuw"), base_version=1)
    assert saved.version == 3 and not saved.conflict
    assert [v.version for v in ws.draft_versions("p1", "survey", "nl")] == [3, 1]
    with sqlite3.connect(path) as raw:
        langs = dict(raw.execute("SELECT version, lang FROM drafts").fetchall())
    assert langs == {1: "nl", 2: "sv", 3: "nl"}
