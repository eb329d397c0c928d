"""Model provider faults through the drafting facade, against the scripted server on 127.0.0.1.

Whatever the provider does (no answer in time, refused connection, 401, 429, 500, 502, a body that is not JSON,
an answer cut in half, a stream that stops halfway), the composer's draft arrives with a notice that says why,
the user's edits are never replaced, and the configured time-out is the whole wait.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_llm_server import FakeLLMServer
from fakes import FakeRetriever
from test_llm import sample_brief, story_reply
from test_llm_servers import ANTHROPIC_SECRET, free_port

from toolkit import drafting, llm
from toolkit.language import detect_language
from toolkit.settings import Settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_BRIEF = ROOT / "examples" / "brief-nl.yaml"
COMPOSER = {"en": "This draft was written by the offline composer.",
            "nl": "Dit concept is geschreven door de ingebouwde schrijfhulp."}


@pytest.fixture(scope="module")
def retriever() -> FakeRetriever:
    return FakeRetriever()


@pytest.fixture
def server():
    with FakeLLMServer(delay=30.0) as running:
        yield running


@pytest.fixture(autouse=True)
def anthropic_key(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_SECRET)


def settings_for(provider: str, url: str, timeout: float = 5.0) -> Settings:
    base = {"openai": url + "/v1", "ollama": url, "anthropic": url}[provider]
    return Settings(llm_provider=provider, llm_model="fake-model", llm_base_url=base, llm_timeout=timeout)


PROVIDERS = ("openai", "ollama", "anthropic")
# mode -> the sentence the notice starts with (English)
FAULTS = {
    "auth": "The language model refused the key.",
    "error": "The language model returned an error.",
    "bad_gateway": "The language model returned an error.",
    "malformed": "The language model's answer could not be read.",
    # half a JSON object: unreadable, or (where the client reads partial JSON, as Ollama's does) too little
    "truncated": ("The language model's answer could not be read.",
                  "The language model's answer did not fit the document."),
}


def draft_story(model, retriever, lang: str = "en", timeout: float = 5.0):
    return drafting.draft("story", sample_brief(lang), retriever=retriever, chat_model=model, timeout=timeout)


def assert_composer_with_notice(result, sentence: str | tuple[str, ...], lang: str = "en") -> None:
    assert result.engine == "composer"
    assert result.sections and all(s.paragraphs or s.bullets for s in result.sections)
    sentences = sentence if isinstance(sentence, tuple) else (sentence,)
    assert result.notices[-1] in {f"{s} {COMPOSER[lang]}" for s in sentences}, result.notices


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("mode", list(FAULTS))
def test_every_fault_gives_the_composers_draft_with_a_notice(server, retriever, provider, mode):
    server.mode = mode
    server.reply(story_reply())
    result = draft_story(llm.chat_model(settings_for(provider, server.url)), retriever)
    assert_composer_with_notice(result, FAULTS[mode])
    assert server.chat_requests(), "the model was asked"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_stream_that_stops_halfway_gives_a_notice(server, retriever, provider):
    # Ollama streams its answer (NDJSON); the others get half the promised body before the connection closes
    server.mode = "cut"
    server.reply(story_reply())
    result = draft_story(llm.chat_model(settings_for(provider, server.url)), retriever)
    assert result.engine == "composer"
    assert result.notices[-1].endswith(COMPOSER["en"])
    assert result.notices[-1].split(". ")[0] + "." in {
        "The language model's answer broke off before it was complete.",
        "The language model's answer could not be read."}, result.notices


def test_half_an_sse_stream_is_a_reply_cut_off(server):
    # what a client that streams sees: half the events and no [DONE]; the text so far is not a usable answer
    server.mode = "cut"
    server.reply(story_reply())
    model = llm.chat_model(settings_for("openai", server.url))
    try:
        text = "".join(str(chunk.content) for chunk in model.stream("Schrijf het verhaal als JSON."))
    except Exception as exc:  # the client noticed the broken stream itself
        assert llm.classify(exc) in ("incomplete", "connection", "malformed")
    else:
        assert text != story_reply()
        with pytest.raises(llm.LLMWriteError) as caught:
            from toolkit.drafting import llm_writer
            llm_writer.parse_json(text)
        assert caught.value.reason == "malformed"
    assert server.chat_requests()[0].body["stream"] is True


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_refused_connection_gives_a_notice(retriever, provider):
    model = llm.chat_model(settings_for(provider, f"http://127.0.0.1:{free_port()}"))
    result = draft_story(model, retriever, lang="nl")
    assert_composer_with_notice(result, "Het taalmodel is niet bereikbaar.", lang="nl")


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_rate_limiting_is_named_with_the_wait_the_server_asks_for(server, retriever, provider):
    server.mode, server.retry_after = "rate_limit", "12"
    result = draft_story(llm.chat_model(settings_for(provider, server.url)), retriever)
    assert_composer_with_notice(result, "The language model is rate limited: too many requests. "
                                        "Try again in 12 s.")
    nl = draft_story(llm.chat_model(settings_for(provider, server.url)), retriever, lang="nl")
    assert nl.notices[-1].startswith("Het taalmodel krijgt te veel verzoeken tegelijk (aanvraaglimiet bereikt). "
                                     "Probeer het over 12 s opnieuw.")
    server.retry_after = ""
    result = draft_story(llm.chat_model(settings_for(provider, server.url)), retriever)
    assert_composer_with_notice(result, "The language model is rate limited: too many requests. "
                                        "Try again in a moment.")


def test_rate_limiting_at_ollama_is_named_too(server, retriever):
    server.mode = "rate_limit"  # Ollama's client keeps no headers: the wait is not known
    result = draft_story(llm.chat_model(settings_for("ollama", server.url)), retriever, lang="sv")
    assert result.notices[-1].startswith("Språkmodellen får för många förfrågningar just nu (gränsen för antal "
                                         "anrop är nådd). Försök igen om en stund.")


def test_a_retry_after_as_an_http_date_is_read():
    class Response:
        headers = {"retry-after": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))}

    class RateLimitError(Exception):
        response, status_code = Response(), 429

    exc = RateLimitError("slow down")
    assert llm.classify(exc) == "rate_limit"
    assert 25 <= llm.retry_after(exc) <= 31
    Response.headers = {"retry-after": "soon"}
    assert llm.retry_after(exc) is None
    Response.headers = {"retry-after-ms": "1500"}
    assert llm.retry_after(exc) == 1.5


# --- the time-out is the whole wait -------------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_4_s_time_out_is_the_whole_wait_for_a_draft(server, retriever, provider):
    server.mode = "slow"  # 30 s: far beyond the limit
    model = llm.chat_model(settings_for(provider, server.url, timeout=4.0))
    detect_language("Warm de taaldetectie op, zoals de app bij de start doet.")  # one-time cost, not the model's
    drafting.draft("story", sample_brief(), retriever=retriever)  # the composer and checks, warmed
    started = time.monotonic()
    result = draft_story(model, retriever, timeout=4.0)
    elapsed = time.monotonic() - started
    assert_composer_with_notice(result, "The language model did not answer in time (4 s).")
    assert 3.9 <= elapsed < 5.0, f"{provider}: {elapsed:.2f} s for a 4 s limit"


def test_a_refused_structured_request_and_a_slow_retry_share_one_budget(server, retriever):
    server.mode, server.delay = "plain_only_slow", 30.0
    model = llm.chat_model(settings_for("openai", server.url, timeout=3.0))
    drafting.draft("story", sample_brief(), retriever=retriever)
    started = time.monotonic()
    result = draft_story(model, retriever, timeout=3.0)
    elapsed = time.monotonic() - started
    assert len(server.chat_requests()) == 2  # the structured try was refused, the prompt-JSON try was slow
    assert_composer_with_notice(result, "The language model did not answer in time (3 s).")
    assert elapsed < 4.0, f"{elapsed:.2f} s for a 3 s limit"


def _cli_draft(env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "toolkit", "draft", "story", "--brief", str(EXAMPLE_BRIEF)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    return time.monotonic() - started, done


def test_the_cli_waits_no_longer_than_its_time_out(server, tmp_path):
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(tmp_path / "cli"), "TOOLKIT_EMBEDDINGS": "hash",
           "TOOLKIT_LLM_PROVIDER": "openai", "TOOLKIT_LLM_MODEL": "fake-model",
           "TOOLKIT_LLM_BASE_URL": server.url + "/v1", "TOOLKIT_LLM_TIMEOUT": "4"}
    subprocess.run([sys.executable, "-m", "toolkit", "index"], env=env, cwd=ROOT, capture_output=True, check=True)
    server.mode = "error"  # answers at once: the same imports and the same composer's draft, no wait
    at_once, done = _cli_draft(env)
    assert done.returncode == 0 and "Het taalmodel gaf een foutmelding." in done.stderr, done.stderr
    # a server that sends a blank every half second for 40 s: the client's own read time-out never fires, so
    # the call itself lasts 40 s; the draft is done after 4 s and the process must not wait for the call
    server.mode, server.delay = "trickle", 40.0
    waited, done = _cli_draft(env)
    assert done.returncode == 0 and "(4 s)" in done.stderr, done.stderr
    # (it did: 28 s more against a 30 s trickle; the margin is for two process starts on a loaded machine)
    assert waited - at_once < 4.0 + 10.0, f"an instant error {at_once:.1f} s, a 4 s time-out {waited:.1f} s"


# --- the user's edits are never replaced --------------------------------------------------------------------

def _edited_story(retriever):
    result = drafting.draft("story", sample_brief("en"), retriever=retriever)
    first, second = result.sections[0], result.sections[1]
    first.paragraphs = ["My own opening, written by hand."]
    first.edited = True
    return result, first.key, second.key


@pytest.mark.parametrize("mode", ["slow", "error", "rate_limit", "cut", "malformed"])
def test_regenerating_a_section_through_a_failing_model_keeps_the_users_edits(server, retriever, mode):
    server.mode = mode
    current, edited_key, other_key = _edited_story(retriever)
    model = llm.chat_model(settings_for("openai", server.url, timeout=1.0))
    result = drafting.regenerate_section(current, sample_brief("en"), other_key, variant=1, retriever=retriever,
                                         chat_model=model, timeout=1.0)
    mine = next(s for s in result.sections if s.key == edited_key)
    assert mine.paragraphs == ["My own opening, written by hand."] and mine.edited
    assert result.notices and result.notices[-1].endswith(COMPOSER["en"])
    assert [s.key for s in result.sections] == [s.key for s in current.sections]


@pytest.mark.parametrize("mode", ["slow", "auth", "bad_gateway", "truncated"])
def test_a_question_answered_through_a_failing_model_keeps_every_earlier_answer(server, retriever, mode):
    server.mode = mode
    current = drafting.draft("faq", sample_brief("en"), retriever=retriever)
    current.items[0].answer, current.items[0].edited = "My own answer.", True
    model = llm.chat_model(settings_for("anthropic", server.url, timeout=1.0))
    result = drafting.add_question(current, "Can I still work from home?", sample_brief("en"),
                                   retriever=retriever, chat_model=model, timeout=1.0)
    assert [i.answer for i in result.items[:-1]][0] == "My own answer."
    assert [i.key for i in result.items[:-1]] == [i.key for i in current.items]
    added = result.items[-1]
    assert added.custom and added.answer and added.notice.endswith(
        "This answer was written by the offline composer.")


def test_the_json_of_a_fallback_draft_carries_the_notice(server, retriever):
    server.mode = "rate_limit"
    result = draft_story(llm.chat_model(settings_for("openai", server.url)), retriever)
    data = json.loads(json.dumps(result.to_json_dict()))
    assert data["engine"] == "composer" and "rate limited" in data["notices"][-1]


# --- in the app ---------------------------------------------------------------------------------------------

def test_in_the_app_every_failing_model_call_keeps_the_users_edits_and_says_why(server, monkeypatch):
    from app_support import app, button, no_exceptions, page, seed_project, workspace

    monkeypatch.setenv("TOOLKIT_LLM_PROVIDER", "openai")
    monkeypatch.setenv("TOOLKIT_LLM_MODEL", "fake-model")
    monkeypatch.setenv("TOOLKIT_LLM_BASE_URL", server.url + "/v1")
    monkeypatch.setenv("TOOLKIT_LLM_TIMEOUT", "2")
    pid = seed_project("en")
    at = page(app("en", project=pid), "story")
    server.mode, server.retry_after = "rate_limit", "30"
    button(at, "Write draft").click().run()
    no_exceptions(at)
    assert any("rate limited: too many requests. Try again in 30 s." in str(i.value) for i in at.info)
    key = [ta.key for ta in at.text_area if ta.key and ta.key.endswith(":body")][1]
    at.text_area(key=key).input("Second section, my way.").run()

    server.mode = "cut"  # a new variant: the answer breaks off halfway
    button(at, "New variant").click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story").draft
    assert latest.variant == 1 and latest.sections[1].paragraphs == ["Second section, my way."]
    assert any("broke off" in str(i.value) for i in at.info), [i.value for i in at.info]

    server.mode = "slow"  # one section anew: no answer within the 2 s limit
    other = latest.sections[2].key
    [regen] = [b for b in at.button if b.key and b.key.endswith(f":{other}:regen")]
    regen.click().run()
    no_exceptions(at)
    latest = workspace().latest_draft(pid, "story").draft
    assert latest.sections[1].paragraphs == ["Second section, my way."] and latest.sections[1].edited
    assert any("did not answer in time (2 s)" in str(i.value) for i in at.info), [i.value for i in at.info]
