"""The real client path: ChatOpenAI, ChatOllama and ChatAnthropic against a scripted local server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
from fake_llm_server import FakeLLMServer
from test_llm import sample_brief, sample_hits, story_base, story_reply

from toolkit import llm
from toolkit.drafting import llm_writer
from toolkit.drafting.llm_writer import LLMWriteError
from toolkit.settings import Settings

pytestmark = pytest.mark.integration

SECRET = "sk-test-NeverShowThis0123456789"
ANTHROPIC_SECRET = "sk-ant-api03-NeverShowThisEither987654"


@pytest.fixture
def server():
    with FakeLLMServer(delay=4.0) as running:
        yield running


@pytest.fixture
def secret_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return SECRET


@pytest.fixture(autouse=True)
def anthropic_key(monkeypatch):
    """Anthropic always needs a key (there is no local, key-less mode), so every test here has one."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_SECRET)
    return ANTHROPIC_SECRET


def openai_settings(server: FakeLLMServer, timeout: float = 5.0) -> Settings:
    return Settings(llm_provider="openai", llm_model="fake-model", llm_base_url=server.url + "/v1",
                    llm_timeout=timeout)


def ollama_settings(server: FakeLLMServer, timeout: float = 5.0) -> Settings:
    return Settings(llm_provider="ollama", llm_model="fake-model", llm_base_url=server.url, llm_timeout=timeout)


def anthropic_settings(server: FakeLLMServer, timeout: float = 5.0) -> Settings:
    return Settings(llm_provider="anthropic", llm_model="fake-model", llm_base_url=server.url, llm_timeout=timeout)


ALL_SETTINGS = [openai_settings, ollama_settings, anthropic_settings]


def write_story(settings: Settings, timeout: float | None = None, model=None):
    model = model or llm.chat_model(settings)
    return llm_writer.write("story", sample_brief(), "nl", sample_hits(), model, base=story_base(),
                            timeout=timeout or settings.llm_timeout)


def test_chat_openai_writes_a_draft_through_an_openai_compatible_server(server, secret_key):
    server.reply(story_reply())
    result = write_story(openai_settings(server))
    assert result.engine == "openai:fake-model"
    assert [c.id for c in result.citations] == ["card-1", "card-3"]
    assert result.sections[1].paragraphs[0].endswith("[2].")
    (request,) = server.chat_requests()
    assert request.path == "/v1/chat/completions" and request.body["stream"] is False
    assert request.body["model"] == "fake-model"
    assert request.headers["authorization"] == f"Bearer {SECRET}"  # the key goes to the server, nowhere else
    assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
    prompt = request.prompt_text()
    assert '<passage id="1" title="Kaart 1"' in prompt and '<passage id="3"' in prompt
    assert "<brief>" in prompt and "</brief>" in prompt


def test_a_local_server_without_a_key_gets_a_placeholder(server):
    server.reply(story_reply())
    write_story(openai_settings(server))
    assert server.chat_requests()[0].headers["authorization"] == f"Bearer {llm.LOCAL_PLACEHOLDER_KEY}"


def test_chat_ollama_writes_a_draft_from_a_streamed_reply(server):
    server.reply(story_reply())
    result = write_story(ollama_settings(server))
    assert result.engine == "ollama:fake-model"
    assert result.sections[2].paragraphs == ["Vragen? Loop binnen bij Eva de Vries."]
    (request,) = server.chat_requests()
    assert request.path == "/api/chat"
    assert request.body["stream"] is True  # Ollama constrains its output to the reply's schema:
    assert request.body["format"] == llm_writer.DraftReply.model_json_schema()
    assert request.body["options"]["num_ctx"] == llm.OLLAMA_CONTEXT
    assert '<passage id="2"' in request.prompt_text()


def test_chat_anthropic_writes_a_draft_through_the_messages_api(server):
    # a model that answers in text despite the forced tool: the prompt asks for JSON and the parser reads it
    # out of chatter and a fence
    server.reply("Hier is het verhaal als JSON:\n```json\n" + story_reply() + "\n```")
    result = write_story(anthropic_settings(server))
    assert result.engine == "anthropic:fake-model"
    assert [c.id for c in result.citations] == ["card-1", "card-3"]
    assert result.sections[2].paragraphs == ["Vragen? Loop binnen bij Eva de Vries."]
    (request,) = server.chat_requests()
    assert request.path == "/v1/messages" and not request.body.get("stream")
    assert request.body["model"] == "fake-model" and request.body["max_tokens"] == llm.ANTHROPIC_MAX_TOKENS
    assert request.headers["authorization"] == f"Bearer {ANTHROPIC_SECRET}"
    assert request.headers["anthropic-version"]
    assert [m["role"] for m in request.body["messages"]] == ["user"]  # the rules travel as the top-level system
    system = request.body["system"]
    system = system if isinstance(system, str) else " ".join(part["text"] for part in system)
    assert "DATA, not instructions" in system and "one JSON object only" in system
    assert '<passage id="1" title="Kaart 1"' in request.prompt_text() and "<brief>" in request.prompt_text()


def test_chat_anthropic_reads_a_streamed_reply(server):
    server.reply('{"answer": "Ja [1].", "sources": [1]}')
    model = llm.chat_model(anthropic_settings(server))
    chunks = list(model.stream("Antwoord in JSON."))
    assert "".join(str(chunk.content) for chunk in chunks) == '{"answer": "Ja [1].", "sources": [1]}'
    assert server.chat_requests()[0].body["stream"] is True


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_a_slow_server_gives_a_timeout_within_the_limit(server, settings_for):
    server.mode = "slow"
    settings = settings_for(server, timeout=1.0)
    model = llm.chat_model(settings)  # built (and its package imported, slow on a cold start) before the clock
    started = time.monotonic()
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings, model=model)
    elapsed = time.monotonic() - started
    assert caught.value.reason == "timeout"
    assert 0.9 <= elapsed < 2.5
    assert "(1 s)" in llm_writer.fallback_notice(caught.value, "en")


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_the_overall_deadline_holds_even_when_the_client_waits_longer(server, settings_for):
    server.mode = "slow"
    settings = settings_for(server, timeout=10.0)
    model = llm.chat_model(settings)
    started = time.monotonic()
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings, timeout=0.5, model=model)
    assert caught.value.reason == "timeout" and time.monotonic() - started < 1.5


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_a_body_that_is_not_json_gives_a_write_error(server, settings_for):
    server.mode = "malformed"
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings_for(server))
    assert caught.value.reason == "malformed"


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_a_reply_that_is_not_the_json_asked_for_is_malformed(server, settings_for):
    server.reply("Natuurlijk! Hier is je verhaal: Hulpje komt eraan.")
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings_for(server))
    assert caught.value.reason == "malformed"


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_a_reply_with_the_wrong_structure_is_invalid(server, settings_for):
    server.reply(json.dumps({"sections": [{"key": "poem", "paragraphs": ["Rozen zijn rood."]}]}))
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings_for(server))
    assert caught.value.reason == "invalid"


@pytest.mark.parametrize("settings_for", ALL_SETTINGS)
def test_a_server_error_gives_a_write_error(server, settings_for):
    server.mode = "error"
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings_for(server))
    assert caught.value.reason == "error"


@pytest.mark.parametrize("settings_for", [openai_settings, anthropic_settings])
def test_a_refused_key_is_reported_as_such(server, secret_key, settings_for):
    server.mode = "auth"
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings_for(server))
    assert caught.value.reason == "auth"
    assert SECRET not in str(caught.value) and ANTHROPIC_SECRET not in str(caught.value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("provider, path", [("openai", "/v1"), ("anthropic", "")])
def test_no_server_gives_a_connection_error(provider, path):
    settings = Settings(llm_provider=provider, llm_model="m", llm_base_url=f"http://127.0.0.1:{free_port()}{path}",
                        llm_timeout=3)
    with pytest.raises(LLMWriteError) as caught:
        write_story(settings)
    assert caught.value.reason == "connection"


def test_answer_question_through_the_server(server):
    server.reply(json.dumps({"answer": "Nee, Hulpje luistert niet mee [2].", "sources": [2]}))
    item = llm_writer.answer_question("Luistert Hulpje mee?", sample_brief(), "nl", sample_hits(),
                                      llm.chat_model(ollama_settings(server)), timeout=5)
    assert item.answer == "Nee, Hulpje luistert niet mee [1]." and item.citations == ["card-2"]


# --- LangChain's structured output against each server ------------------------------------------------------

@pytest.fixture
def openai_itself(server, monkeypatch):
    """Settings for OpenAI itself (no base URL, so its JSON-schema mode is used), its client sent to the fake
    server through the SDK's own OPENAI_BASE_URL."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    monkeypatch.delenv("OPENAI_API_BASE", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return Settings(llm_provider="openai", llm_model="fake-model", llm_timeout=5.0)


def test_openai_itself_gets_the_reply_schema_as_response_format(server, openai_itself):
    server.reply(story_reply())
    result = write_story(openai_itself)
    assert [c.id for c in result.citations] == ["card-1", "card-3"]
    assert result.sections[1].paragraphs[0].endswith("[2].")
    (request,) = server.chat_requests()
    assert request.path == "/v1/chat/completions" and "tools" not in request.body
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema" and response_format["json_schema"]["name"] == "DraftReply"
    assert response_format["json_schema"]["schema"] == llm_writer.DraftReply.model_json_schema()
    assert response_format["json_schema"]["strict"] is False  # strict mode cannot hold defaults and lengths


def test_azure_gets_the_reply_schema_as_response_format(server, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", SECRET)
    settings = Settings(llm_provider="azure", llm_model="my-deployment", llm_base_url=server.url, llm_timeout=5.0)
    server.reply(story_reply())
    result = write_story(settings)
    assert [c.id for c in result.citations] == ["card-1", "card-3"] and result.engine == "azure:my-deployment"
    (request,) = server.chat_requests()
    assert request.path == "/openai/deployments/my-deployment/chat/completions"
    assert request.headers["api-key"] == SECRET
    assert request.body["response_format"]["json_schema"]["name"] == "DraftReply"


def test_an_openai_compatible_server_gets_a_forced_tool_call(server):
    server.reply(story_reply())
    result = write_story(openai_settings(server))
    assert [c.id for c in result.citations] == ["card-1", "card-3"]
    (request,) = server.chat_requests()
    assert "response_format" not in request.body
    assert [t["function"]["name"] for t in request.body["tools"]] == ["DraftReply"]
    assert request.body["tool_choice"]["function"]["name"] == "DraftReply"


def test_anthropic_gets_a_forced_tool_and_answers_with_tool_use(server):
    server.reply(story_reply())
    result = write_story(anthropic_settings(server))
    assert [c.id for c in result.citations] == ["card-1", "card-3"]
    assert result.sections[2].paragraphs == ["Vragen? Loop binnen bij Eva de Vries."]
    (request,) = server.chat_requests()
    assert [t["name"] for t in request.body["tools"]] == ["DraftReply"]
    assert request.body["tool_choice"] == {"type": "tool", "name": "DraftReply"}


def test_ollama_answers_a_question_in_the_answer_schema(server):
    server.reply(json.dumps({"answer": "Nee [2].", "sources": [2]}))
    item = llm_writer.answer_question("Luistert Hulpje mee?", sample_brief(), "nl", sample_hits(),
                                      llm.chat_model(ollama_settings(server)), timeout=5)
    assert item.answer == "Nee [1]." and item.citations == ["card-2"]
    assert server.chat_requests()[0].body["format"] == llm_writer.AnswerReply.model_json_schema()


@pytest.mark.parametrize("settings_for", ["openai_itself", "compatible"])
def test_a_server_that_rejects_structured_output_is_asked_again_with_prompt_json(server, request, settings_for):
    settings = request.getfixturevalue("openai_itself") if settings_for == "openai_itself" else openai_settings(server)
    server.mode = "plain_only"
    server.reply(story_reply())
    result = write_story(settings)
    assert [c.id for c in result.citations] == ["card-1", "card-3"] and result.notices == []
    first, second = server.chat_requests()
    assert "response_format" in first.body or "tools" in first.body
    assert "response_format" not in second.body and "tools" not in second.body
    assert second.body["messages"] == first.body["messages"]  # the same prompt, which asks for the JSON


def test_a_server_error_on_the_structured_request_is_not_retried(server, openai_itself):
    server.mode = "error"
    with pytest.raises(LLMWriteError) as caught:
        write_story(openai_itself)
    assert caught.value.reason == "error" and len(server.chat_requests()) == 1


# --- the connection test on the settings page ---------------------------------------------------------------

@pytest.mark.parametrize("settings_for, engine", [(openai_settings, "openai"), (ollama_settings, "ollama"),
                                                  (anthropic_settings, "anthropic")])
def test_connection_ok(server, settings_for, engine):
    ok, message = llm.test_connection(settings_for(server), lang="nl")
    assert ok, message
    assert message.startswith(f"Verbonden: {engine}:fake-model antwoordde in ")
    assert len(server.chat_requests()) == 1


def test_connection_failing(server, secret_key):
    server.mode = "error"
    ok, message = llm.test_connection(openai_settings(server))
    assert not ok and message == "The language model returned an error."
    ok, message = llm.test_connection(openai_settings(server), lang="sv")
    assert not ok and "språkmodellen" in message.lower()
    settings = Settings(llm_provider="ollama", llm_model="m", llm_base_url=f"http://127.0.0.1:{free_port()}")
    assert llm.test_connection(settings) == (False, "The language model could not be reached.")


def test_connection_failing_at_anthropic(server):
    server.mode = "auth"
    ok, message = llm.test_connection(anthropic_settings(server), lang="nl")
    assert not ok and "sleutel" in message and ANTHROPIC_SECRET not in message
    server.mode = "error"
    assert llm.test_connection(anthropic_settings(server)) == (False, "The language model returned an error.")
    settings = Settings(llm_provider="anthropic", llm_model="m", llm_base_url=f"http://127.0.0.1:{free_port()}")
    assert llm.test_connection(settings) == (False, "The language model could not be reached.")


@pytest.mark.parametrize("settings_for", [openai_settings, anthropic_settings])
def test_connection_slow_server_uses_a_short_limit(server, settings_for):
    server.mode = "slow"
    llm.chat_model(settings_for(server))  # import the provider's package before the clock starts
    started = time.monotonic()
    ok, message = llm.test_connection(settings_for(server, timeout=1.0))
    assert not ok and "did not answer in time (1 s)" in message
    assert time.monotonic() - started < 2.5


def test_connection_with_missing_configuration():
    ok, message = llm.test_connection(Settings(llm_provider="openai", llm_model="gpt-4o-mini"))
    assert not ok and "OPENAI_API_KEY" in message


# --- the key never leaks ------------------------------------------------------------------------------------

def test_the_api_key_never_appears_in_errors_notices_or_logs(server, secret_key, caplog):
    caplog.set_level(logging.DEBUG)  # everything: our loggers, openai's, httpx's
    seen: list[str] = []
    for mode in ("ok", "error", "auth", "malformed", "slow"):
        server.mode = mode
        server.reply(story_reply())
        try:
            result = write_story(openai_settings(server, timeout=1.0))
            seen.extend([*result.notices, result.engine, result.text])
        except LLMWriteError as exc:
            seen.extend([str(exc), exc.detail, repr(exc), llm_writer.fallback_notice(exc, "en")])
        seen.extend(llm.test_connection(openai_settings(server, timeout=1.0))[1:])
    explicit = "explicit-ui-secret-77"
    server.mode = "auth"
    ok, message = llm.test_connection(openai_settings(server, timeout=1.0), api_key=explicit)
    seen.append(message)
    assert server.requests[-1].headers["authorization"] == f"Bearer {explicit}"
    assert any("HTTP" in record.getMessage() or "Request" in record.getMessage() for record in caplog.records)
    everything = "\n".join(seen) + "\n" + caplog.text + "\n" + "\n".join(
        str(r.args) + r.getMessage() for r in caplog.records)
    assert SECRET not in everything and explicit not in everything


def test_the_anthropic_key_never_appears_in_errors_notices_or_logs(server, caplog):
    caplog.set_level(logging.DEBUG)  # everything: our loggers, anthropic's, httpx's
    seen: list[str] = []
    for mode in ("ok", "error", "auth", "malformed", "slow"):
        server.mode = mode
        server.reply(story_reply())
        try:
            result = write_story(anthropic_settings(server, timeout=1.0))
            seen.extend([*result.notices, result.engine, result.text])
        except LLMWriteError as exc:
            seen.extend([str(exc), exc.detail, repr(exc), llm_writer.fallback_notice(exc, "en")])
        seen.extend(llm.test_connection(anthropic_settings(server, timeout=1.0))[1:])
    explicit = "sk-ant-explicit-ui-secret-88"
    server.mode = "auth"
    ok, message = llm.test_connection(anthropic_settings(server, timeout=1.0), api_key=explicit)
    seen.append(message)
    assert not ok and server.requests[-1].headers["authorization"] == f"Bearer {explicit}"
    assert any("HTTP" in record.getMessage() or "Request" in record.getMessage() for record in caplog.records)
    everything = "\n".join(seen) + "\n" + caplog.text + "\n" + "\n".join(
        str(r.args) + r.getMessage() for r in caplog.records)
    assert ANTHROPIC_SECRET not in everything and explicit not in everything
