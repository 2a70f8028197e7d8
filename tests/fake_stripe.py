"""A fake of Stripe's API for the billing tests, and Stripe's way of signing webhook deliveries.

The fake is a real HTTP server on a local port: it answers Checkout and billing-portal sessions as
Stripe does (form-encoded requests, JSON answers), records every request, and can be told to fail.
``signed`` builds a ``Stripe-Signature`` header exactly as Stripe does: ``t=<unix time>,v1=<hex
HMAC-SHA256(secret, f"{t}.{payload}")>``.
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
from urllib.parse import parse_qs

import pytest

from appliance.infra.runtime import Runtime

API_KEY = "sk_test_ebanista_fake"
WEBHOOK_SECRET = "whsec_test_ebanista"
PRICES = {"price_base_m": "base", "price_pro_m": "pro", "price_elite_m": "elite"}


@dataclass
class Recorded:
    path: str
    form: dict[str, list[str]]
    authorization: str


@dataclass
class FakeStripe:
    """Recorded requests and the status the next answers give (200 unless told)."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    fail_with: int | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def sessions(self, path: str) -> list[dict[str, list[str]]]:
        """Return the form bodies sent to ``path``, in order."""
        return [r.form for r in self.requests if r.path == path]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripe

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.fake.requests.append(Recorded(self.path, parse_qs(raw), self.headers.get("Authorization", "")))
        if self.fake.fail_with:
            error = {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}}
            return self._answer(self.fake.fail_with, error)
        number = next(self.fake._ids)
        if self.path == "/v1/checkout/sessions":
            url = f"https://checkout.stripe.test/c/pay/cs_test_{number}"
            return self._answer(200, {"id": f"cs_test_{number}", "object": "checkout.session", "url": url})
        if self.path == "/v1/billing_portal/sessions":
            url = f"https://billing.stripe.test/p/session/bps_{number}"
            return self._answer(200, {"id": f"bps_{number}", "object": "billing_portal.session", "url": url})
        return self._answer(404, {"error": {"type": "invalid_request_error", "message": "Unrecognized request URL"}})

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_fake")
        self.end_headers()
        self.wfile.write(data)


def serve(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    """Run the fake on a local port and turn billing on for ``rt``: platform mode, keys, prices, API base.

    The sqlite run is an appliance, where billing is off; switching the runtime's mode lets the same
    HTTP tests drive the billing paths on both backends (only billing reads the mode here).
    """
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"fake": fake}))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    billing = {
        "mode": "platform",
        "stripe_api_key": API_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_prices": json.dumps(PRICES),
        "stripe_api_base": fake.url,
    }
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update=billing))
    yield fake
    server.shutdown()
    server.server_close()


def signed(payload: str, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict[str, str]:
    """Return the headers of a delivery of ``payload`` signed as Stripe signs it, at ``at`` (now)."""
    t = int(time.time()) if at is None else at
    v1 = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={t},v1={v1}", "Content-Type": "application/json"}


def event(event_id: str, kind: str, obj: dict[str, Any], created: int | None = None) -> str:
    """Return a Stripe event's JSON text (what Stripe posts), made now unless ``created`` says when."""
    when = int(time.time()) if created is None else created
    body = {"id": event_id, "object": "event", "type": kind, "created": when, "data": {"object": obj}}
    return json.dumps(body)


def subscription(
    customer: str, status: str, price: str, tenant_id: str | None = None, sub: str = "sub_1"
) -> dict[str, Any]:
    """Return a subscription object as Stripe sends it (the parts we read)."""
    return {
        "id": sub,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "items": {"object": "list", "data": [{"id": "si_1", "price": {"id": price, "object": "price"}}]},
        "metadata": {"tenant_id": tenant_id} if tenant_id else {},
    }


def invoice(customer: str, sub: str = "sub_1") -> dict[str, Any]:
    """Return an invoice object as Stripe sends it (the parts we read)."""
    return {"id": "in_1", "object": "invoice", "customer": customer, "subscription": sub}
