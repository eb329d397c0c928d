"""A scripted, local stand-in for OpenAI-compatible, Ollama and Anthropic servers, for the real client path in tests.

Routes (what langchain-openai 1.7, langchain-ollama 1.1 and langchain-anthropic 1.7 (anthropic SDK 2.x) call):

- OpenAI: ``POST /v1/chat/completions`` (JSON, or SSE when the request asks for ``"stream": true``),
  ``GET /v1/models``; Azure OpenAI's ``POST /openai/deployments/{deployment}/chat/completions`` alike.
- Ollama: ``POST /api/chat`` (NDJSON when ``"stream"`` is true or absent, as ChatOllama sends by default;
  one JSON object otherwise), ``GET /api/tags``, ``GET /api/version``.
- Anthropic: ``POST /v1/messages`` (one Message object; SSE events when the request asks for ``"stream": true``,
  which ChatAnthropic only does when streaming is asked for). Errors in Anthropic's ``{"type": "error"}`` shape.

The test scripts the replies: ``server.reply(text)`` queues the content of the next answers; ``server.mode``
is ``"ok"`` (answer the queued text, or ``default_reply``), ``"slow"`` (sleep ``delay`` seconds first),
``"malformed"`` (a body that is not JSON), ``"error"`` (HTTP 500), ``"auth"`` (HTTP 401, echoing the key
the client sent, as a careless server might, so tests can prove our messages and logs scrub it) or
``"plain_only"`` (HTTP 400 naming the parameter for a request with ``response_format`` or ``tools``, as a
server without structured output does; plain requests are answered; ``"plain_only_slow"`` answers those after
``delay`` seconds), ``"rate_limit"`` (HTTP 429 with a
``Retry-After`` of ``retry_after`` seconds, or none when that is empty), ``"bad_gateway"`` (HTTP 502 with an
HTML page, as a proxy in front of the model sends), ``"truncated"`` (a well-formed answer whose content is the
first half of the queued text) or ``"cut"`` (half of the response, then the connection closes: half an SSE or
NDJSON stream for a streamed request, half the promised body otherwise) or ``"trickle"`` (the answer after
``delay`` seconds of one blank every half second, so no read time-out of the client ever fires).
In every mode, ``{key}`` in a queued text becomes the key the client sent: a careless proxy that echoes it.

Structured output: an OpenAI request with ``tools`` or an Anthropic one with ``tools`` is answered with a call
of the first tool, its arguments the queued text, when that text is a JSON object (a model that ignores the
tool answers in text otherwise). ``response_format`` (OpenAI) and a ``format`` schema (Ollama) get the queued
text as the content, as a server that constrains its output to the schema would.
Every request is recorded in ``server.requests`` (method, path, headers, parsed body) so tests can inspect prompts and headers.

Bound to 127.0.0.1 on a port the OS chooses, served from a daemon thread: safe under pytest-xdist.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TRICKLE_SECONDS = 0.5
CHAT_PATHS = ("/v1/chat/completions", "/api/chat", "/v1/messages")
AZURE_CHAT = "/chat/completions"  # Azure OpenAI: /openai/deployments/{deployment}/chat/completions


def is_chat(path: str) -> bool:
    return path in CHAT_PATHS or (path.startswith("/openai/deployments/") and path.endswith(AZURE_CHAT))


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    def prompt_text(self) -> str:
        """All message contents of a chat request (with Anthropic's top-level system), joined; empty otherwise."""
        if not isinstance(self.body, dict):
            return ""
        contents = [self.body.get("system")] + [m.get("content") for m in self.body.get("messages") or []]
        parts = []
        for content in contents:
            if isinstance(content, list):
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            parts.append(str(content or ""))
        return "\n".join(p for p in parts if p)


@dataclass
class FakeLLMServer:
    """The scriptable server; use as a context manager or call start()/stop()."""

    mode: str = "ok"
    delay: float = 5.0
    retry_after: str = "7"
    default_reply: str = "OK"
    model: str = "fake-model"
    requests: list[Request] = field(default_factory=list)
    _queue: deque = field(default_factory=deque)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def reply(self, *texts: str) -> None:
        """Queue the assistant content of the next chat answers, in order."""
        self._queue.extend(texts)

    def next_content(self) -> str:
        return self._queue.popleft() if self._queue else self.default_reply

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if is_chat(r.path)]

    def start(self) -> FakeLLMServer:
        handler = type("Handler", (_Handler,), {"server_state": self})
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes any "slow" handler still sleeping
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # a client that hung up is not a test failure
        return


class _Handler(BaseHTTPRequestHandler):
    server_state: FakeLLMServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        return

    # --- plumbing -------------------------------------------------------------------------------------
    def _record(self, body: Any) -> None:
        self.server_state.requests.append(
            Request(self.command, self.path.split("?")[0], {k.lower(): v for k, v in self.headers.items()}, body)
        )

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return raw.decode("utf-8", "replace")

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        if self.server_state.mode == "cut" and status == 200:
            self._cut(status, body, content_type, stream=content_type != "application/json")
            return
        if self.server_state.mode == "trickle" and status == 200:
            self._trickle(status, body, content_type)
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out test): fine
            self.close_connection = True

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _rate_limited(self, anthropic: bool) -> None:
        error = ({"type": "error", "error": {"type": "rate_limit_error", "message": "rate limited (scripted)"}}
                 if anthropic else {"error": {"message": "Rate limit reached (scripted)", "type": "requests",
                                              "code": "rate_limit_exceeded"}})
        body = json.dumps(error).encode()
        try:
            self.send_response(429)
            self.send_header("Content-Type", "application/json")
            if self.server_state.retry_after:
                self.send_header("Retry-After", self.server_state.retry_after)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _cut(self, status: int, body: bytes, content_type: str, stream: bool) -> None:
        """Half of a response, then the connection closes (mode "cut")."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if stream:  # a stream has no length: it simply stops
                self.send_header("Connection", "close")
            else:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
        self.connection.shutdown(2)  # SHUT_RDWR: the client sees the end at once

    def _trickle(self, status: int, body: bytes, content_type: str) -> None:
        """The answer, after `delay` seconds of one space every half second (JSON allows leading blanks): a
        server that is never silent long enough for a client's read time-out to fire (mode "trickle")."""
        state = self.server_state
        spaces = max(1, int(state.delay / TRICKLE_SECONDS))
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(spaces + len(body)))
            self.end_headers()
            for _ in range(spaces):
                self.wfile.write(b" ")
                self.wfile.flush()
                if state._stop.wait(TRICKLE_SECONDS):
                    break
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _key(self) -> str:
        token = self.headers.get("x-api-key") or self.headers.get("api-key") or self.headers.get("Authorization", "")
        return token.removeprefix("Bearer ")

    def _scripted_failure(self, path: str, body: Any = None) -> bool:
        """Apply the server's mode; True when the response has been sent already."""
        state = self.server_state
        mode = state.mode  # as scripted when the request arrived
        anthropic = path == "/v1/messages"
        if mode == "slow":
            state._stop.wait(state.delay)
        if mode == "error":
            if anthropic:
                self._json(500, {"type": "error", "error": {"type": "api_error",
                                                            "message": "internal error (scripted)"}})
            else:
                self._json(500, {"error": {"message": "internal error (scripted)", "type": "server_error"}})
            return True
        if mode == "auth":  # a careless server that echoes the key: our error handling must scrub it
            if anthropic:
                # anthropic 2.x sends the key as a bearer token; older clients and proxies use x-api-key
                token = self.headers.get("x-api-key") or self.headers.get("Authorization", "").removeprefix("Bearer ")
                self._json(401, {"type": "error", "error": {"type": "authentication_error",
                                                            "message": f"invalid x-api-key: {token}"}})
                return True
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            self._json(401, {"error": {"message": f"Incorrect API key provided: {token}",
                                       "type": "invalid_request_error",
                                       "code": "invalid_api_key"}})
            return True
        if mode == "malformed":
            self._send(200, b"<html>this is not JSON", "application/json")
            return True
        if mode == "rate_limit":
            self._rate_limited(anthropic)
            return True
        if mode == "bad_gateway":
            self._send(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
            return True
        if mode in ("plain_only", "plain_only_slow"):
            refused = [k for k in ("response_format", "tools") if isinstance(body, dict) and k in body]
            if not refused and mode == "plain_only_slow":
                state._stop.wait(state.delay)
            if refused:
                self._json(400, {"error": {"message": f"'{refused[0]}' is not supported by this server",
                                           "type": "invalid_request_error", "param": refused[0], "code": None}})
                return True
        return False

    # --- routes ---------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._record(None)
        path = self.path.split("?")[0]
        state = self.server_state
        if state.mode == "error":
            self._json(500, {"error": "scripted"})
        elif path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": state.model, "object": "model", "owned_by": "me"}]})
        elif path == "/api/tags":
            self._json(200, {"models": [{"name": state.model, "model": state.model, "size": 1}]})
        elif path == "/api/version":
            self._json(200, {"version": "0.9.0"})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        self._record(body)
        path = self.path.split("?")[0]
        if not is_chat(path):
            self._json(404, {"error": "not found"})
            return
        if self._scripted_failure(path, body):
            return
        content = self.server_state.next_content().replace("{key}", self._key())
        if self.server_state.mode == "truncated":
            content = content[:len(content) // 2]
        wants_stream = isinstance(body, dict) and body.get("stream", path == "/api/chat")
        if path == "/api/chat":
            self._ollama(content, bool(wants_stream), body)
        elif path == "/v1/messages":
            self._anthropic(content, bool(wants_stream), body)
        else:
            self._openai(content, bool(wants_stream), body)

    def _openai(self, content: str, stream: bool, body: Any) -> None:
        model = body.get("model", "fake") if isinstance(body, dict) else "fake"
        created = int(time.time())
        if not stream:
            message: dict[str, Any] = {"role": "assistant", "content": content}
            tool = _tool_name(body, "openai")
            if tool and _json_object(content) is not None:
                message = {"role": "assistant", "content": None, "tool_calls": [{
                    "id": "call_fake", "type": "function", "function": {"name": tool, "arguments": content}}]}
            self._json(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": message,
                             "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            })
            return
        events = []
        for delta in ({"role": "assistant", "content": content}, {}):
            chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None if delta else "stop"}]}
            events.append(f"data: {json.dumps(chunk)}\n\n")
        events.append("data: [DONE]\n\n")
        self._send(200, "".join(events).encode(), "text/event-stream")

    def _ollama(self, content: str, stream: bool, body: Any) -> None:
        model = body.get("model", "fake") if isinstance(body, dict) else "fake"
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        done = {"model": model, "created_at": now, "message": {"role": "assistant", "content": ""},
                "done": True, "done_reason": "stop", "prompt_eval_count": 10, "eval_count": 10}
        if not stream:
            done["message"]["content"] = content
            self._json(200, done)
            return
        half = len(content) // 2
        lines = [{"model": model, "created_at": now, "message": {"role": "assistant", "content": part},
                  "done": False} for part in (content[:half], content[half:]) if part]
        lines.append(done)
        payload = "".join(json.dumps(line) + "\n" for line in lines).encode()
        self._send(200, payload, "application/x-ndjson")

    def _anthropic(self, content: str, stream: bool, body: Any) -> None:
        model = body.get("model", "fake") if isinstance(body, dict) else "fake"
        usage = {"input_tokens": 10, "output_tokens": 10}
        message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                   "content": [{"type": "text", "text": content}], "stop_reason": "end_turn",
                   "stop_sequence": None, "usage": usage}
        tool, arguments = _tool_name(body, "anthropic"), _json_object(content)
        if tool and arguments is not None and not stream:
            message.update(content=[{"type": "tool_use", "id": "toolu_fake", "name": tool, "input": arguments}],
                           stop_reason="tool_use")
        if not stream:
            self._json(200, message)
            return
        half = len(content) // 2
        events = [("message_start", {"type": "message_start", "message": {
                      **message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 0}}}),
                  ("content_block_start", {"type": "content_block_start", "index": 0,
                                           "content_block": {"type": "text", "text": ""}})]
        events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                            "delta": {"type": "text_delta", "text": part}})
                   for part in (content[:half], content[half:]) if part]
        events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                   ("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                      "usage": {"output_tokens": 10}}),
                   ("message_stop", {"type": "message_stop"})]
        payload = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
        self._send(200, payload.encode(), "text/event-stream")


def _tool_name(body: Any, api: str) -> str | None:
    """The name of the first tool a chat request offers (OpenAI or Anthropic shape), or None."""
    tools = body.get("tools") if isinstance(body, dict) else None
    if not tools:
        return None
    first = tools[0]
    return first.get("function", {}).get("name") if api == "openai" else first.get("name")


def _json_object(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
