"""Rollout page: projects (create, open, rename, duplicate, delete) and the brief form, in nl/sv/en."""

from __future__ import annotations

from datetime import date

import pytest
from app_support import app, button, no_exceptions, page, seed_project, texts, workspace

from toolkit.i18n import translator


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_create_project_and_fill_the_brief_in_each_language(lang):
    _ = translator(lang)
    at = app(lang)
    no_exceptions(at)
    assert at.title[0].value == _("Rollout")
    at.text_input(key="new_project_name").input("Kundtjänst 2027")
    button(at, _("Create project")).click().run()
    no_exceptions(at)
    projects = workspace().list_projects()
    assert [p.name for p in projects] == ["Kundtjänst 2027"]
    pid = projects[0].id
    assert any(_("Project “{name}” created.", name="Kundtjänst 2027") == s.value for s in at.success)
    assert at.text_input(key=f"brief:{pid}:organisation").label.startswith(_("Organisation"))
    # Fill the brief field by field; each change is saved at once.
    at.text_input(key=f"brief:{pid}:organisation").input("Nordbank Kundservice").run()
    at.text_input(key=f"brief:{pid}:ai_tool").input("Sofia").run()
    at.text_area(key=f"brief:{pid}:purpose").input("Kunderna ska få svar snabbare.").run()
    at.text_area(key=f"brief:{pid}:changes").input("Sofia föreslår svar\nSofia sammanfattar samtal").run()
    at.text_area(key=f"brief:{pid}:stops_doing").input("Skriva anteckningar för hand").run()
    at.date_input(key=f"brief:{pid}:start_date").set_value(date(2027, 3, 1)).run()
    at.text_input(key=f"brief:{pid}:audience").input("Kundtjänsten").run()
    at.number_input(key=f"brief:{pid}:team_size").set_value(45).run()
    at.text_input(key=f"brief:{pid}:contact_person").input("Anna Berg").run()
    at.selectbox(key=f"brief:{pid}:tone").set_value("informal").run()
    at.selectbox(key=f"brief:{pid}:language").set_value("sv").run()
    no_exceptions(at)
    saved = workspace().latest_brief(pid).data
    assert saved["organisation"] == "Nordbank Kundservice"
    assert saved["changes"] == "Sofia föreslår svar\nSofia sammanfattar samtal"
    assert saved["start_date"] == "2027-03-01" and saved["team_size"] == 45 and saved["language"] == "sv"
    assert any(_("The brief is complete. Draft your documents:") == s.value for s in at.success)
    assert len(at.page_link) == 4


def test_brief_survives_a_new_session():
    at = app("en")
    at.text_input(key="new_project_name").input("Reload me")
    button(at, "Create project").click().run()
    pid = workspace().list_projects()[0].id
    at.text_input(key=f"brief:{pid}:organisation").input("Acme Contact").run()
    at.text_area(key=f"brief:{pid}:purpose").input("Half typed purp").run()
    fresh = app("en")  # new session: no session state, no query parameter
    no_exceptions(fresh)
    assert fresh.text_input(key=f"brief:{pid}:organisation").value == "Acme Contact"
    assert fresh.text_area(key=f"brief:{pid}:purpose").value == "Half typed purp"
    assert [v.version for v in workspace().brief_versions(pid)] == [2, 1]


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_invalid_brief_shows_messages_next_to_the_fields(lang):
    _ = translator(lang)
    brief = {"organisation": "", "ai_tool": "Aria", "team_size": 0, "start_date": "2027-04-12"}
    pid = seed_project(lang, brief=brief)
    at = app(lang, project=pid)
    no_exceptions(at)
    assert not at.error  # nothing shouted before the user touched or checked anything
    assert any(_("{n} fields still need attention before you can draft.", n=8) == w.value for w in at.warning)
    button(at, _("Check the brief")).click().run()
    errors = [e.value for e in at.error]
    assert _("This field is required.") in errors
    assert _("Use a whole number from 1 to 100000.") in errors
    # The message sits right below its field: organisation's error follows the organisation input.
    at.text_input(key=f"brief:{pid}:organisation").input("Ashbrook").run()
    assert len(at.error) == len(errors) - 1
    # Nothing typed is lost, even though the brief is invalid.
    assert workspace().latest_brief(pid).data["organisation"] == "Ashbrook"
    assert workspace().latest_brief(pid).data["team_size"] == 0


def test_touched_field_shows_its_message_at_once():
    pid = seed_project("en", brief={"organisation": "Acme"})
    at = app("en", project=pid)
    at.text_input(key=f"brief:{pid}:organisation").input("").run()
    assert [e.value for e in at.error] == ["This field is required."]


def test_rename_duplicate_delete():
    pid = seed_project("en", name="Original")
    at = app("en", project=pid)
    at.text_input(key=f"rename:{pid}").input("Renamed")
    button(at, "Rename").click().run()
    no_exceptions(at)
    assert workspace().get_project(pid).name == "Renamed"
    button(at, "Duplicate").click().run()
    names = sorted(p.name for p in workspace().list_projects())
    assert names == ["Copy of Renamed", "Renamed"]
    copy = next(p for p in workspace().list_projects() if p.name == "Copy of Renamed")
    assert at.selectbox(key="project_select").value == copy.id
    assert workspace().latest_brief(copy.id).data == workspace().latest_brief(pid).data
    assert button(at, "Delete").disabled
    at.checkbox(key=f"confirm_delete:{copy.id}").check().run()
    button(at, "Delete").click().run()
    no_exceptions(at)
    assert [p.name for p in workspace().list_projects()] == ["Renamed"]
    assert at.selectbox(key="project_select").value == pid


def test_open_another_project_shows_its_brief():
    a = seed_project("en", name="A")
    b = seed_project("nl", name="B")
    at = app("en", project=a)
    assert at.text_input(key=f"brief:{a}:organisation").value == "Ashbrook Housing Association"
    at.selectbox(key="project_select").set_value(b).run()
    no_exceptions(at)
    assert at.text_input(key=f"brief:{b}:organisation").value != "Ashbrook Housing Association"
    assert at.query_params["project"] == [b] or at.query_params["project"] == b


def test_ui_language_switch_in_the_sidebar():
    at = app("en")
    assert at.title[0].value == "Rollout"
    at.sidebar.selectbox[0].set_value("sv").run()
    no_exceptions(at)
    assert at.title[0].value == "Införande"
    assert "Skapa projekt" in [b.label for b in at.button]
    at.sidebar.selectbox[0].set_value("nl").run()
    assert at.title[0].value == "Invoering"


def test_unexpected_error_shows_a_friendly_message(monkeypatch):
    from toolkit.workspace import Workspace

    def boom(self):
        raise RuntimeError("database exploded with key sk-abcdefghijklmnop")

    monkeypatch.setattr(Workspace, "list_projects", boom)
    at = app("nl")
    assert not at.exception
    shown = texts(at)
    assert "Er ging iets mis op deze pagina." in shown
    assert "exploded" not in shown and "sk-abc" not in shown


def test_ui_language_follows_the_browser_without_a_query_parameter():
    from app_support import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context = {"locale": "sv-SE"}
    at.run()
    no_exceptions(at)
    assert at.title[0].value == "Införande"
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context = {"locale": "de-DE"}
    at.run()
    assert at.title[0].value == "Rollout"


def test_two_sessions_editing_different_fields_both_land():
    pid = seed_project("en")
    seeded = workspace().latest_brief(pid).data
    one, two = app("en", project=pid), app("en", project=pid)  # two windows on the same brief
    one.text_input(key=f"brief:{pid}:organisation").input("Ashbrook Homes").run()
    two.text_input(key=f"brief:{pid}:audience").input("All tenant advisers").run()
    no_exceptions(one)
    no_exceptions(two)
    saved = workspace().latest_brief(pid).data
    assert saved == {**seeded, "organisation": "Ashbrook Homes", "audience": "All tenant advisers"}
    # The second window now shows the first one's change too, and no conflict was raised.
    assert two.text_input(key=f"brief:{pid}:organisation").value == "Ashbrook Homes"
    assert not two.warning and not [v for v in workspace().brief_versions(pid) if v.conflict]


def test_the_same_field_changed_in_two_sessions_keeps_both_and_lets_the_user_choose():
    pid = seed_project("en")
    key = f"brief:{pid}:organisation"
    one, two = app("en", project=pid), app("en", project=pid)
    one.text_input(key=key).input("Ashbrook North").run()
    two.text_input(key=key).input("Ashbrook South").run()
    no_exceptions(two)
    warnings = [w.value for w in two.warning]
    assert ("“Organisation” was also changed in another window. Both versions are kept: choose below the field "
            "which one to use.") in warnings
    assert any("Ashbrook North" in w and "version 2" in w and "version 3" in w for w in warnings)
    versions = workspace().brief_versions(pid)
    assert [(v.version, v.data["organisation"], v.conflict) for v in versions[:2]] == [
        (3, "Ashbrook South", True), (2, "Ashbrook North", False)]
    button(two, "Use the other value").click().run()
    no_exceptions(two)
    assert workspace().latest_brief(pid).data["organisation"] == "Ashbrook North"
    assert two.text_input(key=key).value == "Ashbrook North"
    assert "Use the other value" not in [b.label for b in two.button]


@pytest.mark.parametrize("lang", ["nl", "sv"])
def test_the_conflict_choice_speaks_the_ui_language(lang):
    _ = translator(lang)
    pid = seed_project(lang)
    key = f"brief:{pid}:ai_tool"
    one, two = app(lang, project=pid), app(lang, project=pid)
    one.text_input(key=key).input("Assist Plus").run()
    two.text_input(key=key).input("Assist Pro").run()
    assert _("“{field}” was also changed in another window. Both versions are kept: choose below the field "
             "which one to use.", field=_("AI tool")) in [w.value for w in two.warning]
    button(two, _("Keep mine")).click().run()
    assert workspace().latest_brief(pid).data["ai_tool"] == "Assist Pro"
    assert _("Use the other value") not in [b.label for b in two.button]


def test_team_size_zero_is_never_saved_from_the_form():
    pid = seed_project("en")
    at = app("en", project=pid)
    box = at.number_input(key=f"brief:{pid}:team_size")
    assert box.proto.min == 1 and box.proto.has_min  # the box's lowest value is 1: 0 cannot be typed
    box.set_value(0).run()
    no_exceptions(at)
    assert [v.version for v in workspace().brief_versions(pid)] == [1]
    assert workspace().latest_brief(pid).data["team_size"] == 60
    assert at.number_input(key=f"brief:{pid}:team_size").value == 60  # refused by the box itself
    at.number_input(key=f"brief:{pid}:team_size").set_value(45).run()
    assert workspace().latest_brief(pid).data["team_size"] == 45


def test_returning_to_the_form_shows_what_other_sessions_saved_meanwhile():
    pid = seed_project("en")
    reader = app("en", project=pid)
    page(reader, "story")  # the form is not on screen while another window edits
    writer = app("en", project=pid)
    writer.text_input(key=f"brief:{pid}:contact_person").input("Sam Lee, team leader").run()
    reader = page(reader, "rollout")
    assert reader.text_input(key=f"brief:{pid}:contact_person").value == "Sam Lee, team leader"
    reader.text_input(key=f"brief:{pid}:author").input("HR team").run()
    assert not reader.warning
    assert workspace().latest_brief(pid).data["contact_person"] == "Sam Lee, team leader"
