"""Settings page: engine and embeddings saved in the workspace (they survive a fresh session, keys never stored),
which value is in effect and where it comes from, key presence (never the key), data directory, connection
test."""

from __future__ import annotations

import sqlite3

import pytest
from app_support import app, button, no_exceptions, page, texts, workspace

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
    saved = workspace().load_settings()
    assert saved == {"llm_provider": "ollama", "llm_model": "llama3.2", "llm_base_url": "http://127.0.0.1:9",
                     "llm_timeout": 2.0}
    assert "Settings saved. They stay in effect after a reload or a restart." in [s.value for s in at.success]
    button(at, "Test connection").click().run(timeout=60)
    no_exceptions(at)
    assert at.error and "Traceback" not in at.error[0].value


def test_drafting_with_an_unreachable_model_falls_back_with_a_notice():
    from app_support import seed_project

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


def _in_use(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_saved_choices_apply_in_a_fresh_session_and_override_the_environment(monkeypatch):
    monkeypatch.setenv("TOOLKIT_LLM_MODEL", "env-model")
    monkeypatch.delenv("TOOLKIT_LLM_PROVIDER", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-secret-0123456789")
    first = page(app("en"), "settings")
    assert "Model name: **env-model** (environment variable TOOLKIT_LLM_MODEL)" in _in_use(first)
    assert "Writing engine: **Offline composer (no model, no key)** (default)" in _in_use(first)
    first.selectbox(key="set_provider").set_value("openai").run()
    first.text_input(key="set_model").input("gpt-4o-mini").run()
    first.number_input(key="set_timeout").set_value(45.0).run()
    button(first, "Apply").click().run()
    first.selectbox(key="set_embeddings").set_value("hash").run()
    assert not [b for b in first.button if b.label == "Use this embedding model"]  # hash is already in use
    no_exceptions(first)

    fresh = page(app("sv"), "settings")  # a new browser session (after a reload or a restart)
    no_exceptions(fresh)
    assert fresh.selectbox(key="set_provider").value == "openai"
    assert fresh.text_input(key="set_model").value == "gpt-4o-mini"
    assert fresh.number_input(key="set_timeout").value == 45.0
    shown = _in_use(fresh)
    assert "gpt-4o-mini** (sparad på den här sidan)" in shown
    assert "45** (sparad på den här sidan)" in shown
    assert "(miljövariabeln TOOLKIT_EMBEDDINGS)" in shown  # conftest sets TOOLKIT_EMBEDDINGS=hash
    from ui import state

    assert state.settings().llm_provider == "openai" and state.settings().llm_model == "gpt-4o-mini"
    raw = sqlite3.connect(workspace().path).execute("SELECT value FROM settings").fetchall()
    assert not any("sk-env-secret" in value for (value,) in raw)  # the key is never stored

    button(fresh, "Rensa sparade inställningar").click().run()
    no_exceptions(fresh)
    assert workspace().load_settings() == {}
    assert fresh.selectbox(key="set_provider").value == "none"
    assert "env-model** (miljövariabeln TOOLKIT_LLM_MODEL)" in _in_use(fresh)


def test_saved_embedding_choice_is_used_for_drafting(monkeypatch):
    from app_support import seed_project

    from toolkit.retrieval import chroma_client

    # The environment asks for Ollama embeddings (no server here: opening that index fails quickly in the
    # background) ...
    monkeypatch.setenv("TOOLKIT_EMBEDDINGS", "ollama")
    at = page(app("en"), "settings")
    no_exceptions(at)
    at.selectbox(key="set_embeddings").set_value("hash").run()
    button(at, "Use this embedding model").click().run()  # ... the saved choice overrides it
    no_exceptions(at)
    assert workspace().load_settings() == {"embeddings": "hash", "embeddings_model": ""}
    pid = seed_project("en")
    story = page(app("en", project=pid), "story")
    button(story, "Write draft").click().run()
    no_exceptions(story)
    assert workspace().latest_draft(pid, "story").draft.sections
    names = [c.name for c in chroma_client(Settings.from_env()).list_collections()]
    assert any("hash" in name for name in names), names


def test_choosing_the_offline_composer_saves_only_the_engine(monkeypatch):
    monkeypatch.setenv("TOOLKIT_LLM_MODEL", "env-model")
    at = page(app("nl"), "settings")
    button(at, translator("nl")("Apply")).click().run()
    no_exceptions(at)
    assert workspace().load_settings() == {"llm_provider": "none"}
    assert "env-model** (omgevingsvariabele TOOLKIT_LLM_MODEL)" in _in_use(at)
