"""The one place that names language-model providers.

`chat_model(settings)` builds a LangChain chat model for the configured provider (Ollama, OpenAI or an
OpenAI-compatible server, Azure OpenAI, Anthropic) with LangChain's `init_chat_model`, and imports that provider's
package only when it is chosen, so a missing optional package only matters to whoever chooses that provider.
`structured_method(model)` says how that provider is asked for a reply in a given schema. Keys come from the provider's usual
environment variable or from the `api_key` argument (the UI passes Streamlit secrets); they are never logged and
`redact()` scrubs them from any text shown to the user.

Errors: `LLMConfigError` (the settings cannot give a working model) and `LLMWriteError` (a call failed: time-out,
no connection, an error reply, an unreadable or unusable answer). Both are `LLMError`; the drafting facade catches
`LLMWriteError` and lets the offline composer write, with `fallback_notice()` from `toolkit.drafting.llm_writer`.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import logging
import os
import re
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from toolkit.i18n import format_number, translator
from toolkit.settings import KEY_VARIABLES, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from pydantic import BaseModel

log = logging.getLogger(__name__)

AZURE_API_VERSION = "2024-10-21"  # a GA version; OPENAI_API_VERSION overrides
LOCAL_PLACEHOLDER_KEY = "not-needed"  # vLLM / LM Studio accept any key; the client insists on one
OLLAMA_CONTEXT = 8192  # tokens; Ollama's default window would cut off the passages
CONNECTION_TEST_TIMEOUT = 15.0
ANTHROPIC_MAX_TOKENS = 8192  # Anthropic requires a limit; a long FAQ in JSON needs well over 4k tokens

REASONS = ("timeout", "connection", "auth", "rate_limit", "incomplete", "error", "malformed", "invalid", "config")
MAX_RETRY_AFTER = 24 * 3600.0  # seconds; a larger Retry-After is not believed

# Keys configured in this process (explicit arguments), so redact() can scrub them too. Never logged.
_SECRETS: set[str] = set()
_TOKEN_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}"),  # OpenAI / Anthropic style keys
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._\-~+/=]{6,}"),
    re.compile(r"(?i)\b(api[-_]?key|x-api-key|authorization)(\s*[:=]\s*['\"]?)[^\s'\",}]{6,}"),
)


class LLMError(Exception):
    """Any failure of the language-model path; the composer takes over."""

    reason = "error"


class LLMConfigError(LLMError):
    """The settings cannot give a working model (missing model name, key, endpoint or package)."""

    reason = "config"

    def __init__(self, message: str):
        super().__init__(redact(message))


class LLMWriteError(LLMError):
    """A model call failed. `reason` is one of REASONS; `detail` is redacted, for logs; `seconds` the limit;
    `retry_after` the seconds a rate-limited server asked us to wait (None when it did not say); `status` the
    HTTP status of an error reply, when there was one."""

    def __init__(self, reason: str, detail: str = "", seconds: float | None = None, *,
                 retry_after: float | None = None, status: int | None = None):
        self.reason = reason if reason in REASONS else "error"
        self.detail = redact(detail)
        self.seconds = seconds
        self.retry_after = retry_after
        self.status = status
        super().__init__(f"{self.reason}: {self.detail}" if self.detail else self.reason)


# --- secrets ------------------------------------------------------------------------------------------------

def _known_secrets(extra: tuple[str | None, ...] = ()) -> list[str]:
    values = {os.environ.get(var, "") for var in KEY_VARIABLES.values()} | _SECRETS | set(filter(None, extra))
    return sorted((v for v in values if v and len(v) >= 4 and v != LOCAL_PLACEHOLDER_KEY), key=len, reverse=True)


def redact(text: str, *secrets: str | None) -> str:
    """Remove configured key values (environment, explicit keys, `secrets`) and key-like tokens from `text`."""
    text = str(text)
    for secret in _known_secrets(secrets):
        text = text.replace(secret, "***")
    text = _TOKEN_PATTERNS[0].sub("sk-***", text)
    text = _TOKEN_PATTERNS[1].sub(r"\1 ***", text)
    return _TOKEN_PATTERNS[2].sub(r"\1\2***", text)


def _key(provider: str, api_key: str | None) -> str | None:
    key = (api_key or "").strip() or os.environ.get(KEY_VARIABLES.get(provider, ""), "").strip()
    if key and key != LOCAL_PLACEHOLDER_KEY:
        _SECRETS.add(key)
    return key or None


# --- building a model ---------------------------------------------------------------------------------------

def engine_name(settings: Settings) -> str:
    """'provider:model' as recorded in `Draft.engine`, or 'composer' without a provider."""
    return "composer" if settings.llm_provider == "none" else f"{settings.llm_provider}:{settings.llm_model}"


# Our provider name -> (init_chat_model's provider, the package it imports, a name for messages).
PROVIDERS = {
    "ollama": ("ollama", "langchain_ollama", "Ollama"),
    "openai": ("openai", "langchain_openai", "OpenAI"),
    "azure": ("azure_openai", "langchain_openai", "Azure"),
    "anthropic": ("anthropic", "langchain_anthropic", "Anthropic"),
}


def chat_model(settings: Settings, api_key: str | None = None, *, timeout: float | None = None
               ) -> BaseChatModel | None:
    """The chat model for the configured provider, or None for provider 'none'. Raises LLMConfigError.

    LangChain's `init_chat_model` builds it from the provider's name and our options (time-out, no retries,
    base URL, key); the provider's package is imported only here, once that provider is chosen."""
    provider = settings.llm_provider
    if provider == "none":
        return None
    if provider not in PROVIDERS:
        raise LLMConfigError(f"Unknown language-model provider {provider!r}; choose one of: none, "
                             + ", ".join(PROVIDERS) + ".")
    if not settings.llm_model.strip():
        raise LLMConfigError(f"Set TOOLKIT_LLM_MODEL to the name of the {provider} model to use "
                             "(for Azure, the deployment name).")
    options = _OPTIONS[provider](settings, api_key, float(timeout or settings.llm_timeout))
    init_chat_model = _factory(provider)
    try:
        return init_chat_model(settings.llm_model, model_provider=PROVIDERS[provider][0], **options)
    except Exception as exc:  # a client that rejects its arguments: say so without leaking a key
        raise LLMConfigError(f"Cannot set up the {provider} model: {exc}") from None


def _factory(provider: str):
    """`init_chat_model`, once the provider's package imports. init_chat_model caches the classes it found, so
    importlib is asked first: a missing package always gets our message (how to install it), never a traceback."""
    _, module, label = PROVIDERS[provider]
    package = module.replace("_", "-")
    try:
        importlib.import_module(module)
    except ImportError:
        raise LLMConfigError(f"The {label} provider needs the package {package}: pip install {package}") from None
    try:
        from langchain.chat_models import init_chat_model
    except ImportError:
        raise LLMConfigError("The language-model path needs the package langchain: pip install langchain") from None
    return init_chat_model


def _ollama(settings: Settings, api_key: str | None, timeout: float) -> dict[str, Any]:
    return {"base_url": settings.llm_base_url or None, "client_kwargs": {"timeout": timeout},
            "num_ctx": OLLAMA_CONTEXT, "temperature": 0.4}


def _openai(settings: Settings, api_key: str | None, timeout: float) -> dict[str, Any]:
    base_url = settings.llm_base_url.strip() or None
    key = _key("openai", api_key)
    if not key and not base_url:
        raise LLMConfigError("Set OPENAI_API_KEY (or a key in the app's secrets) to use OpenAI, or set "
                             "TOOLKIT_LLM_BASE_URL for a local OpenAI-compatible server.")
    options: dict[str, Any] = {"base_url": base_url, "api_key": key or LOCAL_PLACEHOLDER_KEY, "timeout": timeout,
                               "max_retries": 0}
    if base_url:  # vLLM, LM Studio and friends speak Chat Completions, not the Responses API
        options["use_responses_api"] = False
    return options


def _azure(settings: Settings, api_key: str | None, timeout: float) -> dict[str, Any]:
    endpoint = settings.llm_base_url.strip() or os.environ.get("AZURE_OPENAI_ENDPOINT", "").strip()
    if not endpoint:
        raise LLMConfigError("Set TOOLKIT_LLM_BASE_URL to your Azure OpenAI endpoint, "
                             "e.g. https://my-resource.openai.azure.com/")
    key = _key("azure", api_key)
    if not key:
        raise LLMConfigError("Set AZURE_OPENAI_API_KEY (or a key in the app's secrets) to use Azure OpenAI.")
    version = os.environ.get("OPENAI_API_VERSION", "").strip() or AZURE_API_VERSION
    return {"azure_endpoint": endpoint, "azure_deployment": settings.llm_model, "api_key": key,
            "api_version": version, "timeout": timeout, "max_retries": 0}


def _anthropic(settings: Settings, api_key: str | None, timeout: float) -> dict[str, Any]:
    key = _key("anthropic", api_key)
    if not key:
        raise LLMConfigError("Set ANTHROPIC_API_KEY (or a key in the app's secrets) to use Anthropic.")
    # base_url: a proxy or gateway (the client appends /v1/messages); unset, the client uses ANTHROPIC_BASE_URL
    # or api.anthropic.com. An explicit max_tokens keeps the request non-streaming-safe on every model.
    return {"api_key": key, "base_url": settings.llm_base_url.strip() or None, "timeout": timeout,
            "max_retries": 0, "max_tokens": ANTHROPIC_MAX_TOKENS}


_OPTIONS = {"ollama": _ollama, "openai": _openai, "azure": _azure, "anthropic": _anthropic}


def structured_method(model: Any) -> str | None:
    """How `with_structured_output` asks this model for the reply's schema, or None for prompt-JSON only.

    OpenAI itself and Azure take a JSON schema (`response_format`), Ollama a schema in `format`, Anthropic a
    forced tool call. An OpenAI-compatible server (a base URL) gets a forced tool call: vLLM, LM Studio,
    llama.cpp and Ollama's /v1 support one, and a server that ignores tools still answers with the JSON the
    prompt asks for. One that rejects the switch (`rejects_structured_output`) is asked again without it.
    Any other model (LangChain's fakes in tests) gets prompt-JSON only.
    """
    name = type(model).__name__
    if name == "ChatOpenAI":
        return "function_calling" if getattr(model, "openai_api_base", None) else "json_schema"
    return {"AzureChatOpenAI": "json_schema", "ChatOllama": "json_schema",
            "ChatAnthropic": "function_calling"}.get(name)


def structured_output(model: Any, schema: type[BaseModel]) -> Any:
    """`model.with_structured_output(schema)` in the mode `structured_method` names, or None when the model has
    no such mode. It is a sequence of the model bound to the schema (`.first`) and the parser (`.steps[1:]`):
    the writer runs the two itself, so it keeps the raw reply without LangChain's `include_raw`, whose parallel
    step runs in a thread pool the interpreter joins at exit (a CLI run then waited for a stuck call long after
    its time-out).

    OpenAI's strict mode cannot express what the pydantic schema says (defaults, string lengths), so OpenAI and
    Azure get the same schema as JSON, not strict, and the caller validates the parsed dict with the model."""
    method = structured_method(model)
    if method is None:
        return None
    target: Any = schema
    if method == "json_schema" and type(model).__name__ in ("ChatOpenAI", "AzureChatOpenAI"):
        target = {"name": schema.__name__, "description": (schema.__doc__ or schema.__name__).strip(),
                  "schema": schema.model_json_schema(), "strict": False}
    return model.with_structured_output(target, method=method)


_STRUCTURED_WORDS = ("response_format", "json_schema", "schema", "tool", "function", "format")


def rejects_structured_output(exc: BaseException) -> bool:
    """True when a provider error says the structured-output switch is not supported (HTTP 400 or 422 naming
    response_format, tools or a schema), so the same question can be asked again with prompt-JSON alone."""
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    text = str(getattr(exc, "message", "") or exc).lower()
    return status in (400, 422) and any(word in text for word in _STRUCTURED_WORDS)


# --- calling a model ----------------------------------------------------------------------------------------

def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


_INCOMPLETE_WORDS = ("incomplete", "complete message body", "chunked", "premature", "unexpected eof")


def classify(exc: BaseException) -> str:
    """Map a provider exception to a reason in REASONS, by class names so no provider package is imported."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    status = _status(exc)
    if isinstance(exc, TimeoutError | concurrent.futures.TimeoutError) or any("Timeout" in n for n in names):
        return "timeout"
    if status in (401, 403) or names & {"AuthenticationError", "PermissionDeniedError"}:
        return "auth"
    if status == 429 or "RateLimitError" in names:
        return "rate_limit"
    if isinstance(exc, ConnectionError) or names & {"APIConnectionError", "ConnectError", "ModelConnectionError",
                                                    "NetworkError", "RemoteProtocolError"}:
        return "incomplete" if _broke_off(exc) else "connection"
    if isinstance(exc, ValueError) and not (isinstance(status, int) and status >= 400):  # a body that is not JSON
        return "malformed"
    return "error"


def _broke_off(exc: BaseException) -> bool:
    """Whether a connection error says the answer began and then stopped (the clients wrap httpx's error, so
    its causes are read too)."""
    seen: BaseException | None = exc
    for _depth in range(5):
        if seen is None:
            return False
        if any(word in str(seen).lower() for word in _INCOMPLETE_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retry_after(exc: BaseException) -> float | None:
    """The seconds a rate-limited server asks us to wait (`Retry-After`, in seconds or as an HTTP date, or
    OpenAI's `retry-after-ms`), or None when the reply does not say."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            seconds = float(headers["retry-after-ms"]) / 1000
        elif headers.get("retry-after"):
            seconds = _seconds_until(str(headers["retry-after"]).strip())
        else:
            return None
    except (TypeError, ValueError):
        return None
    return seconds if seconds is not None and 0 <= seconds <= MAX_RETRY_AFTER else None


def _seconds_until(value: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    when = parsedate_to_datetime(value)  # an HTTP date; raises ValueError when it is none
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def call_with_deadline(func, seconds: float):
    """Run `func()` in a worker thread and give up after `seconds` (the clients' own time-out is the same).

    The worker is a daemon thread: a call still stuck when the deadline passes ends with its client's own
    time-out in the background, and neither the caller nor the process's exit waits for it (a thread pool's
    workers are joined at exit, which made a CLI run with a 4 s limit take 9 s longer)."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="llm-call", daemon=True).start()
    if not done.wait(max(seconds, 0.0)):
        raise LLMWriteError("timeout", f"no answer within {seconds:g} s", seconds)
    error = outcome.get("error")
    if error is None:
        return outcome["value"]
    if isinstance(error, LLMError):
        raise error
    if not isinstance(error, Exception):
        raise error
    raise LLMWriteError(classify(error), f"{type(error).__name__}: {error}", seconds,
                        retry_after=retry_after(error), status=_status(error)) from None


def reason_sentence(reason: str, lang: str, seconds: float | None = None, *, retry_after: float | None = None
                    ) -> str:
    """One localised sentence saying why the model's text is not used (with the time limit, or the wait a
    rate-limited server asked for, when known)."""
    _ = translator(lang)
    if reason == "timeout":
        return _("The language model did not answer in time ({seconds} s).",
                 seconds=format_number(round(seconds or 0, 1), lang))
    if reason == "rate_limit":
        if retry_after is not None:
            return _("The language model is rate limited: too many requests. Try again in {seconds} s.",
                     seconds=format_number(max(1, round(retry_after)), lang))
        return _("The language model is rate limited: too many requests. Try again in a moment.")
    messages = {
        "connection": "The language model could not be reached.",
        "auth": "The language model refused the key.",
        "incomplete": "The language model's answer broke off before it was complete.",
        "malformed": "The language model's answer could not be read.",
        "invalid": "The language model's answer did not fit the document.",
        "config": "The language model is not set up correctly.",
    }
    return _(messages.get(reason, "The language model returned an error."))


def error_sentence(exc: LLMWriteError, lang: str) -> str:
    """`reason_sentence` for a failed call, with everything the error knows."""
    return reason_sentence(exc.reason, lang, exc.seconds, retry_after=exc.retry_after)


def test_connection(settings: Settings, api_key: str | None = None, lang: str = "en") -> tuple[bool, str]:
    """Ask the configured model for one word, with a short time-out. Returns (ok, message without secrets)."""
    _ = translator(lang)
    seconds = min(settings.llm_timeout, CONNECTION_TEST_TIMEOUT)
    try:
        model = chat_model(settings, api_key, timeout=seconds)
        if model is None:
            return False, _("No language model is configured; the offline composer writes the drafts.")
        started = time.monotonic()
        call_with_deadline(lambda: model.invoke("Reply with the single word OK."), seconds)
    except LLMConfigError as exc:
        return False, redact(str(exc), api_key)
    except LLMWriteError as exc:
        log.info("Connection test failed: %s", redact(exc.detail, api_key))
        return False, error_sentence(exc, lang)
    elapsed = format_number(round(time.monotonic() - started, 1), lang)
    return True, _("Connected: {engine} answered in {seconds} s.", engine=engine_name(settings), seconds=elapsed)


def model_label(model: Any) -> str:
    """'provider:model' for a chat model object (what `Draft.engine` records)."""
    providers = {"ChatOllama": "ollama", "ChatOpenAI": "openai", "AzureChatOpenAI": "azure",
                 "ChatAnthropic": "anthropic"}
    cls = type(model).__name__
    name = next((str(v) for attr in ("deployment_name", "model_name", "model")
                 if (v := getattr(model, attr, None)) and isinstance(v, str)), "")
    return f"{providers.get(cls, cls)}:{name}" if name else providers.get(cls, cls)


test_connection.__test__ = False  # not a pytest test, despite its name
