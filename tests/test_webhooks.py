"""Outbound webhooks: created with a secret shown once, signed deliveries retried with backoff on a
clock the test controls, replay, dedupe by event id, and addresses refused inside our network."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from appliance.events import addresses
from appliance.events.delivery import deliver_due
from appliance.events.dispatch import dispatch
from appliance.infra.db import Audit, DomainEvent, WebhookDelivery, utcnow
from appliance.infra.runtime import Runtime, runtime_of
from tests.conftest import Cast
from tests.leads_factory import add_lead
from tests.webhook_receiver import Receiver

EVENTS = ["lead.updated", "appointment.booked"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def local_app(app: Flask, fresh_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An appliance that may call private addresses (the test receiver listens on 127.0.0.1)."""
    built = fresh_app(mode="appliance", webhooks_allow_private=True)
    yield built
    runtime_of(built).engine.dispose()


def subscribe(client: FlaskClient, token: str, url: str, events: list[str] = EVENTS) -> dict:
    created = client.post("/v1/webhooks", json={"url": url, "events": events}, headers=auth(token))
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def touch_lead(client: FlaskClient, rt: Runtime, cast: Cast) -> str:
    """Make a lead.updated event the way staff do: a status change through the API."""
    lead_id = add_lead(rt, cast.tenant_a.id)
    changed = client.patch(f"/v1/leads/{lead_id}", json={"status": "contacted"}, headers=auth(cast.alice_token))
    assert changed.status_code == 200, changed.get_json()
    return lead_id


def deliveries(client: FlaskClient, token: str, webhook_id: str) -> list[dict]:
    answer = client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=auth(token))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["items"]


def signed_correctly(secret: str, headers: dict[str, str], body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["X-Ebanista-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_it_shows_the_signing_secret_once_and_audits_the_webhook(local_app: Flask, cast: Cast, receiver: Receiver):
    client = local_app.test_client()
    created = subscribe(client, cast.alice_token, receiver.url)
    assert created["secret"].startswith("whsec_")
    listed = client.get("/v1/webhooks", headers=auth(cast.alice_token)).get_json()["items"]
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0] or listed[0]["secret"] is None
    one = client.get(f"/v1/webhooks/{created['id']}", headers=auth(cast.alice_token)).get_json()
    assert one["url"] == receiver.url
    assert sorted(one["events"]) == sorted(EVENTS)
    with runtime_of(local_app).sessions() as db:
        actions = list(db.scalars(select(Audit.action).where(Audit.target_id == created["id"])))
    assert actions == ["webhook.created"]


def test_an_agent_may_not_manage_webhooks(client: FlaskClient, cast: Cast) -> None:
    refused = client.post(
        "/v1/webhooks", json={"url": "https://example.com/h", "events": EVENTS}, headers=auth(cast.bob_token)
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"


def test_unknown_events_are_each_named_in_a_422(client: FlaskClient, cast: Cast) -> None:
    body = {"url": "https://example.com/h", "events": ["lead.created", "lead.exploded", "nope"]}
    refused = client.post("/v1/webhooks", json=body, headers=auth(cast.alice_token))
    assert refused.status_code == 422
    paths = [p["path"] for p in refused.get_json()["error"]["details"]["problems"]]
    assert paths == ["events[1]", "events[2]"]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/hook",
        "http://127.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_addresses_inside_the_network_are_refused_at_creation(client: FlaskClient, cast: Cast, url: str) -> None:
    refused = client.post("/v1/webhooks", json={"url": url, "events": EVENTS}, headers=auth(cast.alice_token))
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["details"]["problems"][0]["path"] == "url"
    assert client.get("/v1/webhooks", headers=auth(cast.alice_token)).get_json()["items"] == []


def test_a_name_that_resolves_to_loopback_at_send_time_is_not_called(
    client: FlaskClient, rt: Runtime, cast: Cast, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A local name table stands in for DNS: public when the webhook is made, loopback when it is sent.
    table = {"hooks.example.com": ["93.184.215.14"]}
    monkeypatch.setattr(addresses, "resolve", lambda host, _port: table[host])
    hook = subscribe(client, cast.alice_token, f"http://hooks.example.com:{receiver.port}/hook")
    table["hooks.example.com"] = ["127.0.0.1"]
    touch_lead(client, rt, cast)
    dispatch(rt)
    [delivery] = deliveries(client, cast.alice_token, hook["id"])
    assert receiver.requests == []
    assert delivery["status"] == "pending"
    assert delivery["log"][-1]["error"] == "address_not_allowed"


def test_a_delivery_is_signed_and_retried_with_backoff_until_accepted(
    local_app: Flask, cast: Cast, receiver: Receiver
) -> None:
    client, rt = local_app.test_client(), runtime_of(local_app)
    receiver.failures = 2
    hook = subscribe(client, cast.alice_token, receiver.url)
    lead_id = touch_lead(client, rt, cast)
    start = utcnow()
    assert dispatch(rt) == 1  # the first attempt goes at once (the queue runs immediately in tests)
    [first] = deliveries(client, cast.alice_token, hook["id"])
    assert (first["status"], first["attempts"]) == ("pending", 1)
    assert deliver_due(rt, start + timedelta(seconds=30)) == []  # not due before a minute
    assert deliver_due(rt, start + timedelta(minutes=1, seconds=5)) == ["pending"]
    assert deliver_due(rt, start + timedelta(minutes=4)) == []  # the second wait is five minutes
    assert deliver_due(rt, start + timedelta(minutes=6, seconds=10)) == ["delivered"]
    [done] = deliveries(client, cast.alice_token, hook["id"])
    assert (done["status"], done["attempts"]) == ("delivered", 3)
    assert [a["status_code"] for a in done["log"]] == [500, 500, 200]
    assert len(receiver.requests) == 3
    ids = {r.headers["X-Ebanista-Event-Id"] for r in receiver.requests}
    assert len(ids) == 1  # the same event each time: the receiver deduplicates by it
    for request in receiver.requests:
        assert signed_correctly(hook["secret"], request.headers, request.body)
        body = json.loads(request.body)
        assert body["id"] in ids
        assert body["type"] == "lead.updated"
        assert body["data"]["lead"]["id"] == lead_id
        assert body["data"]["lead"]["status"] == "contacted"
    assert not signed_correctly("whsec_wrong", receiver.requests[0].headers, receiver.requests[0].body)


def test_a_delivery_that_keeps_failing_gives_up_after_five_attempts_over_an_hour(
    local_app: Flask, cast: Cast, receiver: Receiver
) -> None:
    client, rt = local_app.test_client(), runtime_of(local_app)
    receiver.failures = 100
    hook = subscribe(client, cast.alice_token, receiver.url)
    touch_lead(client, rt, cast)
    clock = utcnow()
    dispatch(rt)
    statuses = []
    for _ in range(6):
        clock += timedelta(minutes=41)
        statuses += deliver_due(rt, clock)
    assert statuses == ["pending", "pending", "pending", "failed"]
    [failed] = deliveries(client, cast.alice_token, hook["id"])
    assert failed["attempts"] == 5
    assert failed["next_attempt_at"] is None
    assert len(receiver.requests) == 5


def test_replay_sends_the_same_event_again(local_app: Flask, cast: Cast, receiver: Receiver) -> None:
    client, rt = local_app.test_client(), runtime_of(local_app)
    hook = subscribe(client, cast.alice_token, receiver.url)
    touch_lead(client, rt, cast)
    dispatch(rt)
    [delivery] = deliveries(client, cast.alice_token, hook["id"])
    assert delivery["status"] == "delivered"
    url = f"/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/replay"
    replayed = client.post(url, headers=auth(cast.alice_token))
    assert replayed.status_code == 202, replayed.get_json()
    assert replayed.get_json()["status"] == "delivered"
    assert len(receiver.requests) == 2
    assert receiver.requests[0].headers["X-Ebanista-Event-Id"] == receiver.requests[1].headers["X-Ebanista-Event-Id"]
    assert any(entry.get("replay") for entry in replayed.get_json()["log"])


def test_an_event_dispatched_twice_is_delivered_once(local_app: Flask, cast: Cast, receiver: Receiver) -> None:
    client, rt = local_app.test_client(), runtime_of(local_app)
    subscribe(client, cast.alice_token, receiver.url)
    touch_lead(client, rt, cast)
    dispatch(rt)
    with rt.transaction() as db:  # as if the first run died before marking the event
        db.execute(update(DomainEvent).values(dispatched_at=None))
    assert dispatch(rt) == 1
    with rt.sessions() as db:
        assert len(list(db.scalars(select(WebhookDelivery.id)))) == 1
    assert len(receiver.requests) == 1


def test_only_subscribed_events_are_sent(local_app: Flask, cast: Cast, receiver: Receiver) -> None:
    client, rt = local_app.test_client(), runtime_of(local_app)
    hook = subscribe(client, cast.alice_token, receiver.url, events=["appointment.booked"])
    touch_lead(client, rt, cast)
    dispatch(rt)
    assert deliveries(client, cast.alice_token, hook["id"]) == []
    assert receiver.requests == []


def test_another_store_cannot_see_delete_or_replay_a_webhook(local_app: Flask, cast: Cast, receiver: Receiver):
    client, rt = local_app.test_client(), runtime_of(local_app)
    hook = subscribe(client, cast.alice_token, receiver.url)
    touch_lead(client, rt, cast)
    dispatch(rt)
    [delivery] = deliveries(client, cast.alice_token, hook["id"])
    stranger = auth(cast.charlie_token)
    base = f"/v1/webhooks/{hook['id']}"
    assert client.get("/v1/webhooks", headers=stranger).get_json()["items"] == []
    assert client.get(base, headers=stranger).status_code == 404
    assert client.get(f"{base}/deliveries", headers=stranger).status_code == 404
    assert client.post(f"{base}/deliveries/{delivery['id']}/replay", headers=stranger).status_code == 404
    assert client.delete(base, headers=stranger).status_code == 404
    assert client.get(base, headers=auth(cast.alice_token)).status_code == 200
    assert client.delete(base, headers=auth(cast.alice_token)).status_code == 204
    assert client.get(base, headers=auth(cast.alice_token)).status_code == 404
