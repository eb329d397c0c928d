"""Plan & workshop page: a dated timeline and a timed agenda, both editable, and the Word download."""

from __future__ import annotations

import pytest
from app_support import app, button, no_exceptions, page, seed_project, workspace

from toolkit.editing import apply_tables
from toolkit.i18n import translator


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_draft_plan_in_each_language(lang):
    _ = translator(lang)
    pid = seed_project(lang)
    at = page(app(lang, project=pid), "plan")
    no_exceptions(at)
    button(at, _("Write draft")).click().run()
    no_exceptions(at)
    draft = workspace().latest_draft(pid, "plan").draft
    assert draft.lang == lang and draft.timeline and draft.workshop
    subheaders = [s.value for s in at.subheader]
    assert _("Timeline") in subheaders and _("Workshop agenda") in subheaders
    tables = at.data_editor
    assert len(tables) == 2
    assert list(tables[0].value["touchpoint"]) == [e.touchpoint for e in draft.timeline]
    assert list(tables[1].value["minutes"]) == [b.minutes for b in draft.workshop]
    assert _("Ready to send") in [b.label for b in at.get("download_button")]


def test_table_edits_change_only_text_cells():
    pid = seed_project("en")
    at = page(app("en", project=pid), "plan")
    button(at, "Write draft").click().run()
    draft = workspace().latest_draft(pid, "plan").draft
    rows = [{"touchpoint": "Kick-off breakfast", "channel": ""}]
    agenda = [{"minutes": 25, "title": ""}]
    edited = apply_tables(draft, rows, agenda)
    assert edited.timeline[0].touchpoint == "Kick-off breakfast"
    assert edited.timeline[0].channel == draft.timeline[0].channel  # empty cell: unchanged
    assert edited.timeline[1:] == draft.timeline[1:]
    assert edited.workshop[0].minutes == 25 and edited.workshop[0].title == draft.workshop[0].title


def test_timeline_edit_in_the_table_is_saved():
    pid = seed_project("sv")
    at = page(app("sv", project=pid), "plan")
    button(at, "Skriv utkast").click().run()
    before = workspace().latest_draft(pid, "plan")
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"touchpoint": "Frukostmöte om Sofia"}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    no_exceptions(at)
    after = workspace().latest_draft(pid, "plan")
    assert after.version == before.version + 1
    assert after.draft.timeline[0].touchpoint == "Frukostmöte om Sofia"
    assert after.draft.timeline[1:] == before.draft.timeline[1:]
    at.run()  # nothing changed since: no new version
    assert workspace().latest_draft(pid, "plan").version == after.version
