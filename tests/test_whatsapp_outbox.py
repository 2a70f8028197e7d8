"""The WhatsApp outbox: retries by Meta's error code, timeouts, statuses, the 24-hour window, the per-number limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from appliance.infra.db import Lead, UsageEntry, WhatsAppContact, WhatsAppOutbox, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import tenant_info
from appliance.whatsapp import contacts
from appliance.whatsapp.outbox import Outgoing, apply_status, deliver_due, queue_messages
from appliance.whatsapp.reminders import send_follow_up
from tests.conftest import Cast
from tests.fake_graph import (
    CUSTOMER,
    FakeGraph,
    graph,  # noqa: F401 - the fixture
    set_up_channel,
    status,
)


def hello(n: int = 0) -> Outgoing:
    return Outgoing(f"test:{n}", "text", {"type": "text", "text": {"body": f"Hola {n}"}})


@pytest.fixture
def send(client: FlaskClient, cast: Cast, rt: Runtime, graph: FakeGraph) -> Callable[..., list[str]]:  # noqa: F811
    """Queue messages to a customer who wrote a minute ago; return the outbox ids."""
    set_up_channel(client, cast.alice_token, prices_eur={"service": 0, "utility": 0.0456})
    info = tenant_info(rt, cast.tenant_a.id)
    arrival = contacts.arrive(rt, info, CUSTOMER, utcnow() - timedelta(minutes=1))

    def queue(*items: Outgoing) -> list[str]:
        return queue_messages(rt, cast.tenant_a.id, arrival.contact_id, list(items or [hello()]))

    return queue


def row(rt: Runtime, outbox_id: str) -> WhatsAppOutbox:
    with rt.transaction() as db:
        found = db.get(WhatsAppOutbox, outbox_id)
        db.expunge(found)
        return found


@pytest.mark.parametrize("code", [131000, 131016, 131056, 131057, 130429, 80007, 4, 2, 1])
def test_a_retryable_error_is_tried_again_after_5_seconds(
    send: Callable[..., list[str]],
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
    code: int,
) -> None:
    graph.script = [("error", 400 if code != 131016 else 503, code)]
    [outbox_id] = send()
    first = row(rt, outbox_id)
    assert (first.status, first.attempts, first.error_code) == ("queued", 1, None)
    assert deliver_due(rt, first.next_attempt_at - timedelta(seconds=1)) == [], "not before its time"
    assert first.next_attempt_at - first.updated_at >= timedelta(seconds=4)
    assert deliver_due(rt, first.next_attempt_at) == ["accepted"]
    assert len(graph.sends()) == 2
    assert graph.sends()[0] == graph.sends()[1], "the same message, to the same person"


def test_retries_wait_5_20_and_60_seconds_then_the_message_fails_with_its_code(
    send: Callable[..., list[str]],
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    graph.script = [("error", 500, 131000)] * 4
    [outbox_id] = send()
    waits, tried_at = [], row(rt, outbox_id).updated_at
    for _retry in range(3):
        due = row(rt, outbox_id).next_attempt_at
        waits.append(round((due - tried_at).total_seconds()))
        deliver_due(rt, due)
        tried_at = due
    final = row(rt, outbox_id)
    assert waits == [5, 20, 60]
    assert (final.status, final.attempts, final.error_code) == ("failed", 4, 131000)
    assert len(graph.sends()) == 4


@pytest.mark.parametrize("code", [131026, 131047, 131049, 131050, 100, 131008, 132000, 131051, 190, 10, 368])
def test_a_final_error_fails_at_once(
    send: Callable[..., list[str]],
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
    code: int,
) -> None:
    graph.script = [("error", 400, code)]
    [outbox_id] = send()
    failed = row(rt, outbox_id)
    assert (failed.status, failed.error_code, failed.next_attempt_at) == ("failed", code, None)
    assert deliver_due(rt, utcnow() + timedelta(hours=1)) == []
    assert len(graph.sends()) == 1


def test_a_message_whose_answer_never_came_is_never_sent_again(
    send: Callable[..., list[str]],
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    graph.script = [("drop",)]
    [outbox_id] = send()
    assert row(rt, outbox_id).status == "unknown"
    assert deliver_due(rt, utcnow() + timedelta(hours=1)) == []
    assert len(graph.sends()) == 1


def test_statuses_only_move_forward_and_failed_keeps_its_code(
    send: Callable[..., list[str]],
    rt: Runtime,
    cast: Cast,
) -> None:
    first, second = send(hello(1), hello(2))
    one, two = row(rt, first).wamid, row(rt, second).wamid
    tenant = cast.tenant_a.id
    assert apply_status(rt, tenant, status(one, "read"))
    assert not apply_status(rt, tenant, status(one, "delivered")), "read arrived before delivered"
    assert not apply_status(rt, tenant, status(one, "sent"))
    assert row(rt, first).status == "read"
    assert apply_status(rt, tenant, status(two, "sent"))
    assert apply_status(rt, tenant, status(two, "failed", code=131026))
    assert not apply_status(rt, tenant, status(two, "delivered"))
    assert (row(rt, second).status, row(rt, second).error_code) == ("failed", 131026)
    assert not apply_status(rt, tenant, status("wamid.SOMEONE-ELSES", "read"))
    assert not apply_status(rt, cast.tenant_b.id, status(one, "failed")), "another store's message is not touched"


def test_outside_the_24_hour_window_only_templates_go(
    send: Callable[..., list[str]],
    rt: Runtime,
    cast: Cast,
    graph: FakeGraph,  # noqa: F811
) -> None:
    with rt.transaction() as db:
        db.execute(update(WhatsAppContact).values(last_inbound_at=utcnow() - timedelta(hours=24, minutes=1)))
    [free_form] = send(hello())
    closed = row(rt, free_form)
    assert (closed.status, closed.error_code) == ("failed", 131047)
    assert graph.sends() == [], "Meta is not even asked"
    with rt.transaction() as db:
        contact_id = db.scalar(select(WhatsAppContact.id))
        lead_id = _give_a_lead(db, cast, contact_id)
    queued = send_follow_up(rt, cast.tenant_a.id, lead_id)
    assert queued["queued"] is True
    assert send_follow_up(rt, cast.tenant_a.id, lead_id)["queued"] is False, "once a day"
    [template] = graph.sends()
    assert template["type"] == "template"
    assert template["template"]["name"] == "lead_follow_up"
    with rt.transaction() as db:
        entry = db.scalar(select(UsageEntry))
    assert (entry.kind, entry.category, entry.amount_eur) == ("whatsapp", "marketing", Decimal(0))


def test_a_number_sends_at_most_30_messages_a_minute(
    send: Callable[..., list[str]],
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    ids = send(*(hello(n) for n in range(31)))
    statuses = [row(rt, i).status for i in ids]
    assert statuses.count("accepted") == 30
    held = row(rt, ids[-1])
    assert (held.status, held.attempts) == ("queued", 0)
    first_sent = row(rt, ids[0]).accepted_at
    assert held.next_attempt_at == first_sent + timedelta(minutes=1)
    assert deliver_due(rt, held.next_attempt_at - timedelta(seconds=1)) == []
    assert deliver_due(rt, held.next_attempt_at) == ["accepted"]
    assert len(graph.sends()) == 31


def test_each_accepted_message_is_entered_in_the_ledger_at_the_stores_price(
    send: Callable[..., list[str]],
    rt: Runtime,
    client: FlaskClient,
    cast: Cast,
) -> None:
    utility = Outgoing("test:utility", "template", {"type": "template", "template": {"name": "x"}}, "utility")
    send(hello(), utility)
    with rt.transaction() as db:
        entries = sorted(db.execute(select(UsageEntry.category, UsageEntry.amount_eur)).all())
    assert entries == [("service", Decimal(0)), ("utility", Decimal("0.0456"))]
    usage = client.get("/v1/channels/whatsapp", headers={"Authorization": f"Bearer {cast.alice_token}"}).get_json()
    assert usage["usage"]["count"] == 2
    assert usage["usage"]["by_category"]["utility"] == {"count": 1, "amount_eur": 0.0456}


def _give_a_lead(db: Session, cast: Cast, contact_id: str) -> str:
    lead = Lead(tenant_id=cast.tenant_a.id, contact={"name": "Lucía Martín"}, channel="whatsapp")
    db.add(lead)
    db.flush()
    db.execute(update(WhatsAppContact).where(WhatsAppContact.id == contact_id).values(lead_id=lead.id))
    return lead.id
