"""Sending one event to one webhook: claimed, signed, sent to a checked address, retried with backoff.

A delivery is claimed with a conditional update before each attempt (two workers never send it
at once) and every attempt is logged on the row. Any answer outside 2xx, a timeout or an
unreachable host is retried after 1, 5, 15 and 40 minutes (five attempts over about an hour),
then the delivery is ``failed`` until staff replay it. Resending is safe for the receiver: each
body carries the event id (also in X-Ebanista-Event-Id) to deduplicate by.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select, update

from appliance.events.addresses import AddressRefused, allows_private, target
from appliance.events.signing import signature
from appliance.infra import pinned_http
from appliance.infra.db import DomainEvent, Webhook, WebhookDelivery, utcnow
from appliance.infra.http import HttpAnswer, HttpFailure, TimedOut
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

log = structlog.get_logger(__name__)

_DELIVERIES = WebhookDelivery.__table__
_HOOKS = Webhook.__table__
_EVENTS = DomainEvent.__table__
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=40))
TIMEOUT_SECONDS = 10.0
# A claim older than this is taken for a worker that died mid-attempt: the delivery is tried again.
STALE_CLAIM = timedelta(minutes=5)


def body_of(event: dict[str, Any]) -> bytes:
    """Return the JSON body of an event, exactly the bytes that are signed and sent."""
    document = {
        "id": event["id"],
        "type": event["name"],
        "created_at": event["created_at"].isoformat(),
        "tenant_id": event["tenant_id"],
        "data": event["data"],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


@task
def deliver_webhook(rt: Runtime, delivery_id: str, tenant_id: str) -> str:
    """Attempt one delivery if it is due; return its status afterwards."""
    return deliver(rt, delivery_id, tenant_id)


@task
def flush_webhook_deliveries(rt: Runtime) -> int:
    """Attempt every delivery whose retry has come; return how many."""
    return len(deliver_due(rt, utcnow()))


def deliver_due(rt: Runtime, now: datetime) -> list[str]:
    """Attempt every pending delivery due at ``now`` (and stale claims), oldest first; return their statuses."""
    pending = (_DELIVERIES.c.status == "pending") & (_DELIVERIES.c.next_attempt_at <= now)
    stale = (_DELIVERIES.c.status == "sending") & (_DELIVERIES.c.updated_at <= now - STALE_CLAIM)
    with rt.transaction() as db:
        due = db.execute(
            select(_DELIVERIES.c.id, _DELIVERIES.c.tenant_id)
            .where(pending | stale)
            .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
            .limit(200)
        ).all()
    return [deliver(rt, row.id, row.tenant_id, now) for row in due]


def deliver(rt: Runtime, delivery_id: str, tenant_id: str, now: datetime | None = None) -> str:
    """Claim the delivery, send it signed, and record the attempt; return the new status."""
    now = now or utcnow()
    claimed = _claim(rt, delivery_id, tenant_id, now)
    if claimed is None:
        return _status(rt, delivery_id)
    body = body_of(claimed["event"])
    headers = {
        "X-Ebanista-Event-Id": claimed["event"]["id"],
        "X-Ebanista-Event": claimed["event"]["name"],
        "X-Ebanista-Signature": signature(claimed["secret"], int(now.timestamp()), body),
    }
    started = time.monotonic()
    answer, error = _send(rt, claimed["url"], body, headers)
    attempt = {
        "at": now.isoformat(),
        "status_code": answer.status if answer else None,
        "error": error,
        "ms": round((time.monotonic() - started) * 1000),
    }
    return _record(rt, claimed, attempt, now)


def _send(rt: Runtime, url: str, body: bytes, headers: dict[str, str]) -> tuple[HttpAnswer | None, str | None]:
    try:
        checked = target(url, allows_private(rt.settings))
        answer = pinned_http.post(url, checked.address, body, headers, timeout=TIMEOUT_SECONDS)
    except AddressRefused as exc:
        return None, exc.code
    except HttpFailure as exc:
        return None, "timeout" if isinstance(exc, TimedOut) else "unreachable"
    return answer, None if 200 <= answer.status < 300 else "http_status"


def _claim(rt: Runtime, delivery_id: str, tenant_id: str, now: datetime) -> dict[str, Any] | None:
    """Mark a due delivery as being sent (one worker wins); return it with its webhook and event."""
    due = (_DELIVERIES.c.status == "pending") & (
        _DELIVERIES.c.next_attempt_at.is_(None) | (_DELIVERIES.c.next_attempt_at <= now)
    )
    stale = (_DELIVERIES.c.status == "sending") & (_DELIVERIES.c.updated_at <= now - STALE_CLAIM)
    with rt.transaction() as db:
        conn = db.connection()
        claimed = conn.execute(
            update(_DELIVERIES)
            .where(_DELIVERIES.c.id == delivery_id, _DELIVERIES.c.tenant_id == tenant_id, due | stale)
            .values(status="sending", attempts=_DELIVERIES.c.attempts + 1, updated_at=now)
        )
        if claimed.rowcount != 1:
            return None
        row = conn.execute(select(_DELIVERIES).where(_DELIVERIES.c.id == delivery_id)).mappings().one()
        hook = conn.execute(select(_HOOKS.c.url, _HOOKS.c.secret).where(_HOOKS.c.id == row["webhook_id"])).one()
        event = conn.execute(select(_EVENTS).where(_EVENTS.c.id == row["event_id"])).mappings().one()
    return dict(row) | {"url": hook.url, "secret": hook.secret, "event": dict(event)}


def _record(rt: Runtime, claimed: dict[str, Any], attempt: dict[str, Any], now: datetime) -> str:
    values: dict[str, Any] = {"log": [*claimed["log"], attempt], "updated_at": now}
    if attempt["error"] is None:
        values |= {"status": "delivered", "delivered_at": now, "next_attempt_at": None}
    elif claimed["attempts"] <= len(BACKOFF):
        values |= {"status": "pending", "next_attempt_at": now + BACKOFF[claimed["attempts"] - 1]}
    else:
        values |= {"status": "failed", "next_attempt_at": None}
    with rt.transaction() as db:
        db.execute(
            update(_DELIVERIES)
            .where(_DELIVERIES.c.id == claimed["id"], _DELIVERIES.c.status == "sending")
            .values(**values)
        )
    log.info(
        "webhook_attempt",
        delivery_id=claimed["id"],
        status=values["status"],
        status_code=attempt["status_code"],
        error=attempt["error"],
        attempt=claimed["attempts"],
    )
    return str(values["status"])


def _status(rt: Runtime, delivery_id: str) -> str:
    with rt.transaction() as db:
        return db.scalar(select(_DELIVERIES.c.status).where(_DELIVERIES.c.id == delivery_id)) or "missing"
