"""Two languages of one document in one project: a Dutch and a Swedish survey side by side, each with its own
versions; brief text the Swedish one still quotes in Dutch can be translated from the page and the brief form."""

from __future__ import annotations

from app_support import app, button, example_brief, no_exceptions, page, seed_project, texts, workspace

from toolkit.brief import parse_brief
from toolkit.i18n import translator
from ui.brief_form import translation_key
from ui.state import doc_lang_key

_ = translator("en")


def _write(at) -> None:
    label = _("Write draft") if _("Write draft") in [b.label for b in at.button] else _("Write a new draft")
    button(at, label).click().run()
    no_exceptions(at)


def test_a_dutch_and_a_swedish_survey_side_by_side():
    pid = seed_project("nl")
    at = page(app("en", project=pid), "survey")
    no_exceptions(at)
    choice = at.selectbox(key=doc_lang_key(pid, "survey"))
    assert choice.value == "nl"  # the brief's language
    _write(at)
    dutch = workspace().latest_draft(pid, "survey", "nl")
    assert dutch is not None and dutch.draft.lang == "nl"

    at.selectbox(key=doc_lang_key(pid, "survey")).set_value("sv").run()
    no_exceptions(at)
    assert _("No draft yet. Press “Write draft” to write one from the brief.") in texts(at)
    assert "Nederlands (written)" in at.selectbox(key=doc_lang_key(pid, "survey")).options
    assert "Svenska (not written yet)" in at.selectbox(key=doc_lang_key(pid, "survey")).options
    _write(at)
    swedish = workspace().latest_draft(pid, "survey", "sv")
    assert swedish is not None and swedish.draft.lang == "sv"
    assert workspace().draft_langs(pid, "survey") == ["nl", "sv"]
    assert workspace().latest_draft(pid, "survey", "nl").version == dutch.version  # the Dutch one stays
    assert "Kontakta Sanne de Vries, teamleider klantenservice." in swedish.draft.survey_intro

    at.selectbox(key=doc_lang_key(pid, "survey")).set_value("nl").run()
    no_exceptions(at)
    items = [ti.value for ti in at.text_input if ti.key and ti.key.startswith(f"survey:{pid}:")
             and ti.key.endswith(":text") and ":new:" not in ti.key]
    assert items == [q.text for q in dutch.draft.questions], "the Dutch survey is shown again, not the Swedish"
    assert dutch.draft.survey_intro in texts(at)
    # a new Dutch version is one of the Dutch survey's own versions; the Swedish list is unchanged
    _write(at)
    assert len(workspace().draft_versions(pid, "survey", "nl")) == 2
    assert len(workspace().draft_versions(pid, "survey", "sv")) == 1


def test_the_swedish_survey_offers_the_dutch_brief_text_for_translation():
    pid = seed_project("nl")
    at = page(app("en", project=pid), "survey")
    at.selectbox(key=doc_lang_key(pid, "survey")).set_value("sv").run()
    _write(at)
    assert any(translator("sv")("Contact person") in str(i.value) for i in at.info)  # notices: draft language
    assert _("Translate the brief's text into {language}", language="Svenska") in [e.label for e in at.expander]
    at.text_input(key=translation_key(pid, "contact_person", "sv")).input("Sanne de Vries, gruppchef").run()
    no_exceptions(at)
    stored = workspace().latest_brief(pid).data["contact_person"]
    assert stored == {"nl": "Sanne de Vries, teamleider klantenservice", "sv": "Sanne de Vries, gruppchef"}
    _write(at)
    assert "Kontakta Sanne de Vries, gruppchef." in workspace().latest_draft(pid, "survey", "sv").draft.survey_intro


def test_the_brief_form_keeps_a_value_per_language():
    pid = seed_project("nl")
    at = page(app("en", project=pid), "rollout")
    no_exceptions(at)
    assert _("Text in other languages") in [e.label for e in at.expander]
    at.radio(key=f"brief_translation_lang:{pid}").set_value("sv").run()
    at.text_input(key=translation_key(pid, "audience", "sv")).input("Handläggare i kundtjänsten").run()
    at.selectbox(key=translation_key(pid, "address", "sv")).set_value("ni").run()
    no_exceptions(at)
    data = workspace().latest_brief(pid).data
    assert data["audience"] == {"nl": example_brief("nl")["audience"], "sv": "Handläggare i kundtjänsten"}
    assert data["address"] == "ni"  # a form of address belongs to its own language: Swedish
    # the main field still edits the brief's own language (Dutch)
    at.text_input(key=f"brief:{pid}:audience").input("Alle medewerkers klantenservice").run()
    no_exceptions(at)
    data = workspace().latest_brief(pid).data
    assert data["audience"] == {"nl": "Alle medewerkers klantenservice", "sv": "Handläggare i kundtjänsten"}
    brief = parse_brief(data)
    assert brief.for_lang("sv").audience == "Handläggare i kundtjänsten" and brief.register("sv") == "ni"
    assert brief.register("nl") == "je"
