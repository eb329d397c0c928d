"""A workflow that never surprises (issue 9 §4): a reload comes back to the same place, a new draft asks
before it replaces edits, versions can be compared and restored, a rewrite never repeats, the brief form warns
before it refuses."""

from __future__ import annotations

import pytest
from app_support import APP, TIMEOUT, app, button, no_exceptions, page, seed_project, workspace
from streamlit.testing.v1 import AppTest

from toolkit import drafting, editing
from toolkit.i18n import translator

PAGES = ("rollout", "story", "faq", "survey", "plan", "knowledge", "settings")
TITLES = {"rollout": "Rollout", "story": "Purpose story", "faq": "FAQ", "survey": "Pulse survey",
          "plan": "Plan & workshop", "knowledge": "Knowledge base", "settings": "Settings"}
DOCUMENTS = ("story", "faq", "survey", "plan")


def reload(name: str, **params: str) -> AppTest:
    """A new browser tab opened on /<page>?<params>: a fresh session that starts from the URL alone."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    return page(at, name)


@pytest.mark.parametrize("name", PAGES)
def test_a_reload_on_every_page_keeps_project_and_languages(name):
    pid = seed_project("nl")
    at = reload(name, lang="nl", project=pid, doc="sv")
    no_exceptions(at)
    _ = translator("nl")
    assert at.title[0].value == _(TITLES[name])
    assert not any(_("Open or create a rollout project first.") in i.value for i in at.info)
    assert at.query_params["lang"] == "nl" and at.query_params["project"] == pid
    if name in DOCUMENTS:
        assert at.selectbox(key=f"doclang:{pid}:{name}").value == "sv"
        assert at.query_params["doc"] == "sv"
    else:
        assert "doc" not in at.query_params


def test_the_url_is_written_again_after_a_page_switch():
    """Streamlit drops the query string when the user opens another page; the app writes it back, so a reload
    there still finds project and languages."""
    pid = seed_project("sv")
    at = app("sv", project=pid)
    at.query_params.clear()  # what the browser sends after a click in the page menu
    page(at, "survey")
    no_exceptions(at)
    assert at.query_params["lang"] == "sv" and at.query_params["project"] == pid
    assert at.query_params["doc"] == at.selectbox(key=f"doclang:{pid}:survey").value
    fresh = reload("survey", **at.query_params)
    assert fresh.title[0].value == translator("sv")("Pulse survey")
    assert not fresh.info or not any("Öppna eller skapa" in i.value for i in fresh.info)


def test_choosing_the_document_language_puts_it_in_the_url():
    pid = seed_project("en")
    at = page(app("en", project=pid), "faq")
    at.selectbox(key=f"doclang:{pid}:faq").set_value("nl").run()
    assert at.query_params["doc"] == "nl"
    at.selectbox(key=state_lang_key()).set_value("sv").run()
    assert at.query_params["lang"] == "sv"
    assert at.title[0].value == translator("sv")("FAQ")


def state_lang_key() -> str:
    from ui import state

    return state.UI_LANG


def _story(lang: str = "en"):
    pid = seed_project(lang)
    at = page(app(lang, project=pid), "story")
    button(at, translator(lang)("Write draft")).click().run()
    no_exceptions(at)
    return pid, at


def _bodies(at, pid):
    return [ta for ta in at.text_area if ta.key and ta.key.startswith(f"story:{pid}:") and ta.key.endswith(":body")]


def test_a_new_draft_asks_before_it_replaces_edits():
    pid, at = _story()
    _bodies(at, pid)[0].input("My own opening, carefully written.").run()
    edited = workspace().latest_draft(pid, "story").version
    button(at, "Write a new draft").click().run()
    no_exceptions(at)
    assert workspace().latest_draft(pid, "story").version == edited, "nothing replaced before the answer"
    assert any("You changed 1 part of this draft" in w.value for w in at.warning)
    button(at, "Cancel").click().run()
    assert not any("You changed 1 part" in w.value for w in at.warning)
    assert workspace().latest_draft(pid, "story").draft.sections[0].paragraphs == [
        "My own opening, carefully written."]
    button(at, "Write a new draft").click().run()
    button(at, "Write a new draft anyway").click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story")
    assert latest.version == edited + 1 and latest.action == "draft"
    assert not any(s.edited for s in latest.draft.sections)


def test_a_new_draft_without_edits_needs_no_confirmation():
    pid, at = _story("nl")
    before = workspace().latest_draft(pid, "story").version
    button(at, "Nieuw concept schrijven").click().run()
    no_exceptions(at)
    assert workspace().latest_draft(pid, "story").version == before + 1
    assert not any("zelf aangepast" in w.value for w in at.warning)


def test_versions_are_listed_compared_and_restored():
    pid, at = _story()
    original = workspace().latest_draft(pid, "story").draft
    _bodies(at, pid)[0].input("A sentence of my own.").run()
    expander = next(e for e in at.expander if e.label == "Versions (2)")
    listing = "\n".join(m.value for m in expander.markdown)
    assert "Version 2" in listing and "Edited" in listing and "with your edits" in listing
    assert "Version 1" in listing and "New draft" in listing
    diff = at.code[0].value
    assert "+ A sentence of my own." in diff
    assert any(line.startswith("- ") and line[2:] in original.text for line in diff.splitlines())
    button(at, "Restore version 1").click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story")
    assert latest.version == 3 and latest.action == "restore" and latest.restored_from == 1
    assert latest.draft.text == original.text
    shown = [ta.value for ta in _bodies(at, pid) if f":{at.session_state['drafts'][(pid, 'story', latest.draft.lang)].gen}:" in ta.key]
    assert shown[0] == editing.section_body(original.sections[0]), "the editors show the restored text"
    assert "Version 1 is the current version again." in [s.value for s in at.success]
    assert next(e for e in at.expander if e.label == "Versions (3)")


def test_writing_a_part_again_never_repeats_a_wording_and_says_when_none_is_left():
    pid, at = _story()
    # A section whose blocks have few alternative wordings, so they run out within a few clicks.
    key = workspace().latest_draft(pid, "story").draft.sections[4].key
    seen = [drafting.part_text(workspace().latest_draft(pid, "story").draft, key)]
    message = "There is no other wording for this part"
    for _click in range(12):
        regen = next(b for b in at.button if b.key and b.key.endswith(f":{key}:regen"))
        regen.click().run()
        no_exceptions(at)
        if any(message in w.value for w in at.warning):
            break
        seen.append(drafting.part_text(workspace().latest_draft(pid, "story").draft, key))
    else:
        pytest.fail("the wordings never ran out in 12 rewrites")
    assert "No other wording left for this part." in [t.value for t in at.toast]
    assert len(seen) >= 4, "three rewrites give three different texts"
    assert len(seen) == len(set(seen)), "no wording came back"
    versions = workspace().draft_versions(pid, "story")
    assert len(versions) == len(seen), "the click that found nothing new saved nothing"
    assert {v.action for v in versions[:-1]} == {"rewrite"}


def test_the_brief_form_warns_before_it_refuses():
    brief = {"organisation": "🚀🚀", "ai_tool": "Assist", "start_date": "2020-01-06",
             "purpose": "Klanten wachten te lang. Klanten wachten te lang."}
    pid = seed_project("nl", brief=brief)
    at = app("nl", project=pid)
    no_exceptions(at)
    _ = translator("nl")
    warnings = [w.value for w in at.warning]
    assert _("This date is in the past. Check the go-live date: the texts announce it.") in warnings
    assert _("The name has no letters or digits. Staff read it in every text: use the name they know.") in warnings
    assert _("The purpose says the same thing twice. Say it once; the texts quote it.") in warnings
    assert not at.error, "hints are not errors"
    assert at.text_area(key=f"brief:{pid}:purpose").proto.max_chars == 2000  # the box counts characters
    assert at.text_input(key=f"brief:{pid}:organisation").proto.max_chars == 300
    assert at.number_input(key=f"brief:{pid}:team_size").proto.min == 1
    at.text_input(key=f"brief:{pid}:organisation").input("Zonnestroom").run()
    assert _("The name has no letters or digits. Staff read it in every text: use the name they know.") not in [
        w.value for w in at.warning]


def test_an_own_question_over_the_limit_is_refused_whole():
    pid = seed_project("en")
    at = page(app("en", project=pid), "faq")
    button(at, "Write draft").click().run()
    items = len(workspace().latest_draft(pid, "faq").draft.items)
    question = ("Can I " + "really " * 90 + "switch it off?").strip()
    assert len(question) > drafting.MAX_QUESTION
    at.text_input(key=f"faq:{pid}:new").input(question).run()
    button(at, "Answer and add").click().run()
    no_exceptions(at)
    assert len(workspace().latest_draft(pid, "faq").draft.items) == items
    assert f"Your question is {len(question)} characters long; the limit is 500. Shorten it and add it again." in [
        w.value for w in at.warning]
    assert at.text_input(key=f"faq:{pid}:new").value == question, "the text stays, to be shortened"


def test_writing_an_edited_part_again_asks_with_a_second_click():
    pid, at = _story()
    key = workspace().latest_draft(pid, "story").draft.sections[1].key
    body = next(ta for ta in _bodies(at, pid) if f":{key}:body" in ta.key)
    body.input("My careful words.").run()
    edited = workspace().latest_draft(pid, "story").version

    def regen():
        return next(b for b in at.button if b.key and b.key.endswith(f":{key}:regen"))

    regen().click().run()
    no_exceptions(at)
    assert workspace().latest_draft(pid, "story").version == edited, "the first click replaces nothing"
    assert any("This part holds your own text" in w.value for w in at.warning)
    regen().click().run()
    latest = workspace().latest_draft(pid, "story")
    assert latest.version == edited + 1 and latest.action == "rewrite"
    section = next(s for s in latest.draft.sections if s.key == key)
    assert section.paragraphs != ["My careful words."] and not section.edited
