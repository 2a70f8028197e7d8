"""A fake of Meta's Graph API for the WhatsApp tests: a real HTTP server on a local port.

It answers the calls the channel makes (send a message, look up a media file, download it) as
Meta does, records every request, and can be told how to answer the next sends: an error with a
Meta code, or a dropped connection (the ambiguous case). Media links can be made to expire once.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from appliance.infra.runtime import Runtime

PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAG-test-access-token-0001"
APP_SECRET = "app-secret-of-the-test-app"
VERIFY_TOKEN = "verify-token-of-the-store"
CUSTOMER = "34611222333"
VERSION = "/v21.0"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGraph:
    """What the fake holds: recorded requests, scripted answers to sends, and media files."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    # Each send takes the next script entry: ("ok",), ("error", http_status, meta_code), ("drop",).
    script: list[tuple[Any, ...]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    expire_first_link: set[str] = field(default_factory=set)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def sends(self) -> list[dict[str, Any]]:
        """Return the bodies of every message sent, in order."""
        return [r.body for r in self.requests if r.method == "POST" and r.path.endswith("/messages")]

    def add_media(self, media_id: str, data: bytes, mime_type: str) -> str:
        """Offer a media file; return its sha256 (as a webhook announces it)."""
        self.media[media_id] = (data, mime_type)
        return hashlib.sha256(data).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGraph

    def log_message(self, *args: Any) -> None:
        pass

    def _record(self) -> Recorded:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        # Meta's paths start with the API version; the fake serves one version, so it drops it.
        path = parts.path.removeprefix(VERSION)
        entry = Recorded(self.command, path, parse_qs(parts.query), dict(self.headers), body)
        self.fake.requests.append(entry)
        return entry

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self, entry: Recorded) -> bool:
        if entry.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}":
            return True
        self._json(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
        return False

    def do_POST(self) -> None:
        entry = self._record()
        if not self._authorised(entry):
            return
        if entry.path != f"/{PHONE_NUMBER_ID}/messages":
            self._json(404, {"error": {"message": "Unknown path", "code": 100}})
            return
        step = self.fake.script.pop(0) if self.fake.script else ("ok",)
        if step[0] == "drop":
            # The request arrived (and may have been acted on), but no answer comes back.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if step[0] == "error":
            self._json(step[1], {"error": {"message": "scripted", "type": "OAuthException", "code": step[2]}})
            return
        wamid = f"wamid.OUT{next(self.fake._ids):04d}"
        to = (entry.body or {}).get("to")
        self._json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            },
        )

    def do_GET(self) -> None:
        entry = self._record()
        if not self._authorised(entry):
            return
        if entry.path.startswith("/download/"):
            self._download(entry)
            return
        media_id = entry.path.strip("/")
        if media_id not in self.fake.media:
            self._json(404, {"error": {"message": "Unknown media", "code": 100}})
            return
        data, mime = self.fake.media[media_id]
        link = f"{self.fake.url}/download/{media_id}?v={next(self.fake._ids)}"
        self._json(
            200,
            {
                "messaging_product": "whatsapp",
                "url": link,
                "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": str(len(data)),
                "id": media_id,
            },
        )

    def _download(self, entry: Recorded) -> None:
        media_id = entry.path.rsplit("/", 1)[-1]
        if media_id in self.fake.expire_first_link:
            self.fake.expire_first_link.discard(media_id)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data, mime = self.fake.media[media_id]
        self.send_response(200)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def graph(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    """A fake Graph API on a local port, with the app's EBANISTA_WHATSAPP_GRAPH_URL pointed at it."""
    fake = FakeGraph()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}{VERSION}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"whatsapp_graph_url": fake.url}))
    yield fake
    server.shutdown()
    server.server_close()


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    """Return the X-Hub-Signature-256 Meta would send with ``raw``."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def event(*values: dict[str, Any]) -> dict[str, Any]:
    """Return a webhook event with one entry whose changes carry ``values``."""
    changes = [
        {
            "field": "messages",
            "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "34600000000", "phone_number_id": PHONE_NUMBER_ID},
            }
            | v,
        }
        for v in values
    ]
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": changes}]}


_seq = itertools.count(1)


def message(kind: str, content: dict[str, Any], sender: str = CUSTOMER, wamid: str | None = None) -> dict[str, Any]:
    """Return one visitor message of ``kind`` ("text", "interactive", "image"...) sent now."""
    return {
        "from": sender,
        "id": wamid or f"wamid.IN{next(_seq):06d}",
        "timestamp": str(int(time.time())),
        "type": kind,
        kind: content,
    }


def messages_value(*items: dict[str, Any], name: str = "Lucía") -> dict[str, Any]:
    senders = {m["from"] for m in items}
    return {"contacts": [{"profile": {"name": name}, "wa_id": s} for s in senders], "messages": list(items)}


def text(body: str, **kw: Any) -> dict[str, Any]:
    return message("text", {"body": body}, **kw)


def tap(option_id: str, title: str = "x", as_list: bool = False, **kw: Any) -> dict[str, Any]:
    kind = "list_reply" if as_list else "button_reply"
    return message("interactive", {"type": kind, kind: {"id": option_id, "title": title}}, **kw)


def status(wamid: str, state: str, code: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": CUSTOMER,
        "pricing": {"billable": True, "pricing_model": "PMP", "category": "service"},
    }
    if code is not None:
        item["errors"] = [{"code": code, "title": "scripted"}]
    return item


def post_event(client: FlaskClient, body: dict[str, Any], secret: str = APP_SECRET) -> Any:
    """POST a signed event to the webhook, as Meta does (ASCII-escaped JSON, signed raw bytes)."""
    raw = json.dumps(body).encode()
    return client.post(
        "/v1/channels/whatsapp/webhook",
        data=raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(raw, secret)},
    )


def set_up_channel(client: FlaskClient, token: str, **extra: Any) -> Any:
    """Save the store's WhatsApp settings through the API."""
    body = {
        "phone_number_id": PHONE_NUMBER_ID,
        "access_token": ACCESS_TOKEN,
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
    } | extra
    return client.put("/v1/channels/whatsapp", json=body, headers={"Authorization": f"Bearer {token}"})
