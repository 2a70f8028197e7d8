"""A fake OpenAI-compatible server for the AI tests: a real HTTP server on a local port.

It answers ``/v1/chat/completions`` and ``/v1/moderations`` as OpenAI does (with token usage),
records every request, and takes a script per path: an object as the model's JSON answer, prose
that ignores the schema, an HTTP error (429, 500...), a slow answer, or a flagged moderation.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from appliance.infra.runtime import Runtime
from tests.contract import NLU_KEYS

API_KEY = "sk-test-0000"
USAGE = {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200}


@dataclass
class FakeOpenAI:
    """Recorded requests and scripted answers: each call to a path takes the next step of its script."""

    url: str = ""
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # ("json", {...}) the model's answer; ("text", "...") prose; ("error", status); ("slow", seconds, step)
    completions: list[tuple[Any, ...]] = field(default_factory=list)
    # ("ok",), ("flag",), ("error", status), ("slow", seconds, step)
    moderations: list[tuple[Any, ...]] = field(default_factory=list)
    # Unscripted completions answer every nlu key, all null: a valid answer that adds nothing.
    default_answer: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(NLU_KEYS))
    usage: dict[str, int] = field(default_factory=lambda: dict(USAGE))
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, path: str) -> list[dict[str, Any]]:
        """Return the bodies sent to ``path`` (e.g. "/v1/chat/completions"), in order."""
        return [body for p, body in self.requests if p == path]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout under test)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw) if raw else {}
        fake = self.fake
        with fake.lock:
            fake.requests.append((self.path, body))
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                step: tuple[Any, ...] = ("error", 401)
            elif self.path == "/v1/chat/completions":
                step = fake.completions.pop(0) if fake.completions else ("json", fake.default_answer)
            elif self.path == "/v1/moderations":
                step = fake.moderations.pop(0) if fake.moderations else ("ok",)
            else:
                step = ("error", 404)
        if fake.delay:
            time.sleep(fake.delay)
        if step[0] == "slow":
            time.sleep(step[1])
            step = step[2]
        self._play(step, body)

    def _play(self, step: tuple[Any, ...], body: dict[str, Any]) -> None:
        if step[0] == "error":
            self._answer(step[1], {"error": {"message": "scripted", "type": "test", "code": None}})
        elif step[0] in {"ok", "flag"}:
            self._answer(200, {"id": "modr-1", "model": body.get("model"), "results": [{"flagged": step[0] == "flag"}]})
        else:
            content = json.dumps(step[1]) if step[0] == "json" else step[1]
            self._answer(
                200,
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                    ],
                    "usage": self.fake.usage,
                },
            )


def serve(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """Run a fake OpenAI-compatible server on a local port, with EBANISTA_AI_BASE_URL and the key pointed at it."""
    fake = FakeOpenAI()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"ai_base_url": fake.url, "ai_api_key": API_KEY}))
    yield fake
    server.shutdown()
    server.server_close()
