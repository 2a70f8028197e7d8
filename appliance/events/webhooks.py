"""A store's outbound webhooks: create (the signing secret is shown once), list, read, delete,
their deliveries and replaying one. Every change is audited; another store's webhook is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from appliance.core.ids import new_id
from appliance.errors import Conflict, Invalid, NotFound
from appliance.events.addresses import AddressRefused, allows_private, target
from appliance.events.record import EVENT_NAMES
from appliance.events.signing import new_secret
from appliance.infra.audit import record
from appliance.infra.db import Webhook, WebhookDelivery, utcnow
from appliance.infra.runtime import Runtime

_HOOKS = Webhook.__table__
_DELIVERIES = WebhookDelivery.__table__
MAX_PER_STORE = 10


def create_webhook(rt: Runtime, tenant_id: str, url: str, events: list[str]) -> dict[str, Any]:
    """Check the URL (an address refused is 422) and the events; store it; return it with its secret."""
    problems = _event_problems(events)
    if problems:
        raise Invalid(problems)
    try:
        target(url, allows_private(rt.settings))
    except AddressRefused as exc:
        raise Invalid([{"path": "url", "message": str(exc)}], message=_REFUSED.get(exc.code)) from None
    secret = new_secret()
    now = utcnow()
    row = {"id": new_id(Webhook.id_prefix), "tenant_id": tenant_id, "url": url, "events": sorted(set(events))}
    with rt.transaction() as db:
        conn = db.connection()
        if len(_ids(conn, tenant_id)) >= MAX_PER_STORE:
            raise Conflict(f"A store can have up to {MAX_PER_STORE} webhooks.", code="too_many_webhooks")
        conn.execute(insert(_HOOKS).values(**row, secret=secret, created_at=now, updated_at=now))
        details = {"events": row["events"]}
        record(
            conn, "webhook.created", tenant_id=tenant_id, target_type="webhook", target_id=row["id"], details=details
        )
    return _view(row | {"created_at": now}) | {"secret": secret}


_REFUSED = {
    "address_not_allowed": "That address is on a private network; webhooks go to public addresses only.",
    "unresolvable": "That host name does not resolve.",
    "invalid_url": "That is not an http:// or https:// URL.",
}


def _event_problems(events: list[str]) -> list[dict[str, str]]:
    if not events:
        return [{"path": "events", "message": "must name at least one event"}]
    known = ", ".join(EVENT_NAMES)
    return [
        {"path": f"events[{i}]", "message": f"must be one of {known}"}
        for i, n in enumerate(events)
        if n not in EVENT_NAMES
    ]


def list_webhooks(rt: Runtime, tenant_id: str) -> list[dict[str, Any]]:
    """Return the store's webhooks, newest first, without their secrets."""
    with rt.transaction() as db:
        rows = db.execute(
            select(_HOOKS).where(_HOOKS.c.tenant_id == tenant_id).order_by(_HOOKS.c.created_at.desc())
        ).mappings()
        return [_view(dict(row)) for row in rows]


def get_webhook(rt: Runtime, tenant_id: str, webhook_id: str) -> dict[str, Any]:
    """Return one of the store's webhooks (404 for another store's)."""
    with rt.transaction() as db:
        return _view(_hook(db.connection(), tenant_id, webhook_id))


def delete_webhook(rt: Runtime, tenant_id: str, webhook_id: str) -> None:
    """Delete the webhook and its deliveries; audited."""
    with rt.transaction() as db:
        conn = db.connection()
        _hook(conn, tenant_id, webhook_id)
        conn.execute(delete(_HOOKS).where(_HOOKS.c.id == webhook_id, _HOOKS.c.tenant_id == tenant_id))
        record(conn, "webhook.deleted", tenant_id=tenant_id, target_type="webhook", target_id=webhook_id)


def list_deliveries(
    rt: Runtime, tenant_id: str, webhook_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return a page of the webhook's deliveries, newest first, and the cursor of the next page."""
    with rt.transaction() as db:
        conn = db.connection()
        _hook(conn, tenant_id, webhook_id)
        query = select(_DELIVERIES).where(_DELIVERIES.c.tenant_id == tenant_id, _DELIVERIES.c.webhook_id == webhook_id)
        if cursor:
            query = query.where(_DELIVERIES.c.id < cursor)
        rows = [dict(r) for r in conn.execute(query.order_by(_DELIVERIES.c.id.desc()).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    return [delivery_view(r) for r in rows[:limit]], rows[limit - 1]["id"] if more else None


def replay_delivery(rt: Runtime, tenant_id: str, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    """Send a finished delivery again (same event id), with a fresh set of retries; audited."""
    now = utcnow()
    with rt.transaction() as db:
        conn = db.connection()
        _hook(conn, tenant_id, webhook_id)
        row = _delivery(conn, tenant_id, webhook_id, delivery_id)
        if row["status"] in {"pending", "sending"}:
            raise Conflict("This delivery is still being sent.", code="delivery_in_progress")
        log = [*row["log"], {"at": now.isoformat(), "replay": True}]
        values = {"status": "pending", "attempts": 0, "next_attempt_at": now, "log": log, "updated_at": now}
        conn.execute(
            update(_DELIVERIES)
            .where(_DELIVERIES.c.id == delivery_id, _DELIVERIES.c.tenant_id == tenant_id)
            .values(**values)
        )
        record(conn, "webhook.replayed", tenant_id=tenant_id, target_type="webhook_delivery", target_id=delivery_id)
    rt.queue.enqueue("deliver_webhook", delivery_id, tenant_id)
    with rt.transaction() as db:
        return delivery_view(_delivery(db.connection(), tenant_id, webhook_id, delivery_id))


def _ids(conn: Connection, tenant_id: str) -> list[str]:
    return list(conn.scalars(select(_HOOKS.c.id).where(_HOOKS.c.tenant_id == tenant_id)))


def _hook(conn: Connection, tenant_id: str, webhook_id: str) -> dict[str, Any]:
    row = conn.execute(select(_HOOKS).where(_HOOKS.c.id == webhook_id, _HOOKS.c.tenant_id == tenant_id)).mappings()
    found = row.one_or_none()
    if found is None:
        raise NotFound("There is no such webhook.")
    return dict(found)


def _delivery(conn: Connection, tenant_id: str, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    found = (
        conn.execute(
            select(_DELIVERIES).where(
                _DELIVERIES.c.id == delivery_id,
                _DELIVERIES.c.tenant_id == tenant_id,
                _DELIVERIES.c.webhook_id == webhook_id,
            )
        )
        .mappings()
        .one_or_none()
    )
    if found is None:
        raise NotFound("There is no such delivery.")
    return dict(found)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "url": row["url"], "events": row["events"], "created_at": _iso(row.get("created_at"))}


def delivery_view(row: dict[str, Any]) -> dict[str, Any]:
    """Return a delivery as the API shows it: status, attempts and what each attempt got."""
    return {
        "id": row["id"],
        "webhook_id": row["webhook_id"],
        "event_id": row["event_id"],
        "event": row["event_name"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": _iso(row["next_attempt_at"]),
        "delivered_at": _iso(row["delivered_at"]),
        "created_at": _iso(row["created_at"]),
        "log": row["log"],
    }
