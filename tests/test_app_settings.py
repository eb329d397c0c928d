"""Settings page: engine choice per session, key presence (never the key), data directory, connection test."""

from __future__ import annotations

import pytest
from app_support import app, button, no_exceptions, page, texts

from toolkit.i18n import translator
from toolkit.settings import Settings


@pytest.mark.parametrize("lang", ["en", "nl", "sv"])
def test_settings_page_in_each_language(lang):
    _ = translator(lang)
    at = page(app(lang), "settings")
    no_exceptions(at)
    assert at.title[0].value == _("Settings")
    assert str(Settings.from_env().data_dir) in [c.value for c in at.code]
    assert at.selectbox(key="set_provider").value == "none"
    assert button(at, _("Test connection")).disabled


def test_key_presence_is_shown_but_never_the_key(monkeypatch):
    secret = "sk-test-very-secret-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    at = page(app("en"), "settings")
    at.selectbox(key="set_provider").set_value("openai").run()
    no_exceptions(at)
    shown = texts(at)
    assert "A key is present (OPENAI_API_KEY, from the environment variable)." in shown
    assert secret not in shown and secret[:12] not in shown
    at.selectbox(key="set_provider").set_value("anthropic").run()
    assert any("No key found" in w.value and "ANTHROPIC_API_KEY" in w.value for w in at.warning)


def test_key_from_streamlit_secrets(monkeypatch):
    at = page(app("en"), "settings")
    at.secrets["ANTHROPIC_API_KEY"] = "sk-ant-secret-value-123"
    at.selectbox(key="set_provider").set_value("anthropic").run()
    no_exceptions(at)
    shown = texts(at)
    assert "from the Streamlit secrets" in shown and "sk-ant-secret" not in shown


def test_apply_engine_for_this_session_and_test_connection_fails_cleanly():
    at = page(app("en"), "settings")
    at.selectbox(key="set_provider").set_value("ollama").run()
    at.text_input(key="set_model").input("llama3.2").run()
    at.text_input(key="set_url").input("http://127.0.0.1:9").run()
    at.number_input(key="set_timeout").set_value(2.0).run()
    button(at, "Apply").click().run()
    no_exceptions(at)
    overrides = at.session_state["settings_overrides"]
    assert overrides["llm_provider"] == "ollama" and overrides["llm_model"] == "llama3.2"
    assert overrides["llm_base_url"] == "http://127.0.0.1:9" and overrides["llm_timeout"] == 2.0
    button(at, "Test connection").click().run(timeout=60)
    no_exceptions(at)
    assert at.error and "Traceback" not in at.error[0].value


def test_drafting_with_an_unreachable_model_falls_back_with_a_notice():
    from app_support import seed_project, workspace

    pid = seed_project("en")
    at = page(app("en", project=pid), "settings")
    at.selectbox(key="set_provider").set_value("ollama").run()
    at.text_input(key="set_model").input("llama3.2").run()
    at.text_input(key="set_url").input("http://127.0.0.1:9").run()
    at.number_input(key="set_timeout").set_value(2.0).run()
    button(at, "Apply").click().run()
    at = page(at, "story")
    button(at, "Write draft").click().run(timeout=120)
    no_exceptions(at)
    draft = workspace().latest_draft(pid, "story").draft
    assert draft.sections and draft.notices
    assert any(n in [i.value for i in at.info] for n in draft.notices)
