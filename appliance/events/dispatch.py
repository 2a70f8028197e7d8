"""Fanning committed events out: a delivery per subscribed webhook, a notification per person.

Runs as a scheduled task every few seconds. Events are taken in order of creation and marked
dispatched in the same transaction as the rows they made; the unique keys (webhook, event) and
(person, event) make a second run over the same event harmless.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from appliance.core.ids import new_id
from appliance.events.notices import DEFAULT_PREFS, notice_kind
from appliance.events.prefs import prefs_by_user
from appliance.infra.db import DomainEvent, Membership, Notification, User, Webhook, WebhookDelivery, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

_EVENTS = DomainEvent.__table__
BATCH = 200


@task
def dispatch_events(rt: Runtime) -> int:
    """Fan out the events not yet dispatched and start their deliveries and e-mails; return how many."""
    return dispatch(rt)


def dispatch(rt: Runtime) -> int:
    """Fan out up to BATCH waiting events; queue their webhook deliveries and notification e-mails."""
    with rt.transaction() as db:
        conn = db.connection()
        events = [
            dict(row)
            for row in conn.execute(
                select(_EVENTS)
                .where(_EVENTS.c.dispatched_at.is_(None))
                .order_by(_EVENTS.c.created_at, _EVENTS.c.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).mappings()
        ]
        deliveries = [d for event in events for d in _to_webhooks(conn, event)]
        mails = sum(_to_people(conn, event) for event in events)
        if events:
            ids = [event["id"] for event in events]
            conn.execute(update(_EVENTS).where(_EVENTS.c.id.in_(ids)).values(dispatched_at=utcnow()))
    for delivery_id, tenant_id in deliveries:
        rt.queue.enqueue("deliver_webhook", delivery_id, tenant_id)
    if mails:
        rt.queue.enqueue("mail_notifications")
    return len(events)


def _to_webhooks(conn: Connection, event: dict[str, Any]) -> list[tuple[str, str]]:
    hooks = conn.execute(select(Webhook.id, Webhook.events).where(Webhook.tenant_id == event["tenant_id"])).all()
    # A run that died after inserting but before marking the event leaves deliveries: not made twice.
    made = set(conn.scalars(select(WebhookDelivery.webhook_id).where(WebhookDelivery.event_id == event["id"])))
    now = utcnow()
    rows = [
        {
            "id": new_id(WebhookDelivery.id_prefix),
            "tenant_id": event["tenant_id"],
            "webhook_id": hook.id,
            "event_id": event["id"],
            "event_name": event["name"],
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "log": [],
            "delivered_at": None,
            "created_at": now,
            "updated_at": now,
        }
        for hook in hooks
        if event["name"] in (hook.events or []) and hook.id not in made
    ]
    if rows:
        conn.execute(insert(WebhookDelivery.__table__), rows)
    return [(row["id"], row["tenant_id"]) for row in rows]


def _to_people(conn: Connection, event: dict[str, Any]) -> int:
    """Add the event's notifications for the store's active people; return how many await an e-mail."""
    tenant_id = event["tenant_id"]
    people = conn.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, User.is_active.is_(True))
    ).all()
    saved = prefs_by_user(conn, tenant_id)
    told = set(conn.scalars(select(Notification.user_id).where(Notification.event_id == event["id"])))
    facts = _facts(event["data"])
    rows = []
    for user_id in (p for p in people if p not in told):
        prefs = saved.get(user_id, DEFAULT_PREFS)
        kind = notice_kind(event["name"], event["data"], prefs)
        if kind is None:
            continue
        mail = "none" if prefs["email"] == "off" else prefs["email"]
        rows.append(_notification(event, user_id, kind, facts, mail))
    if rows:
        conn.execute(insert(Notification.__table__), rows)
    return sum(1 for row in rows if row["mail"] != "none")


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    lead = data.get("lead") or {}
    appointment = data.get("appointment") or {}
    return {
        "lead_id": lead.get("id") or appointment.get("lead_id"),
        "temperature": lead.get("temperature"),
        "score": lead.get("score"),
        "appointment_id": appointment.get("id"),
        "start": appointment.get("start"),
        "service": appointment.get("service"),
    }


def _notification(event: dict[str, Any], user_id: str, kind: str, facts: dict[str, Any], mail: str) -> dict[str, Any]:
    return {
        "id": new_id(Notification.id_prefix),
        "tenant_id": event["tenant_id"],
        "user_id": user_id,
        "event_id": event["id"],
        "kind": kind,
        "lead_id": facts["lead_id"],
        "data": facts,
        "created_at": event["created_at"],
        "read_at": None,
        "mail": mail,
        "mailed_at": None,
    }
