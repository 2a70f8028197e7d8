"""A capture server for incoming webhooks (Slack, Microsoft Teams): a threaded local HTTP server
that keeps every JSON body posted to it, by path, and answers what the test tells it to."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class Hooks:
    """What the server received (path, body) and how it answers: ``status`` and a ``delay`` in seconds."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        self.url = ""

    def bodies(self, path: str) -> list[Any]:
        """Return the bodies posted to ``path``, oldest first."""
        return [body for where, body in self.received if where == path]


def _handler(hooks: Hooks) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            if hooks.delay:
                time.sleep(hooks.delay)
            self.send_response(hooks.status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if hooks.status < 300 else b"no")

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            hooks.received.append((self.path, json.loads(raw or b"null")))
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    """A running capture server at ``hooks.url`` (http://127.0.0.1:<port>)."""
    found = Hooks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield found
    server.shutdown()
    server.server_close()
