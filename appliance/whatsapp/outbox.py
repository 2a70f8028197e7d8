"""The outbox: every message to a WhatsApp user is a row with our own key, sent and retried from here.

Meta's Send API has no idempotency key, so the row is the promise: a message is claimed before it
is sent (a conditional update, so two workers never send it twice), retried after 5, 20 and 60
seconds only when Meta's error code says a retry may help, and never sent again after a timeout
that leaves unknown whether it went out (``unknown``). Outside the 24-hour window only templates
go; a store sends at most 30 messages a minute from its number (what stores are promised), and
Meta's throughput error backs off like any retryable one. Statuses from the webhook only move a
message forward (sent < delivered < read); ``failed`` keeps Meta's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, func, insert, select, update

from appliance.core.ids import new_id
from appliance.infra import metrics
from appliance.infra.db import WhatsAppContact, WhatsAppOutbox, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.operator.alerts import raise_alert
from appliance.whatsapp import graph
from appliance.whatsapp.config import Credentials, credentials_of
from appliance.whatsapp.contacts import window_open
from appliance.whatsapp.ledger import record_usage

log = structlog.get_logger(__name__)

_TABLE = WhatsAppOutbox.__table__
_CONTACTS = WhatsAppContact.__table__
BACKOFF = (timedelta(seconds=5), timedelta(seconds=20), timedelta(seconds=60))
PER_MINUTE = 30
MINUTE = timedelta(minutes=1)
# Meta's statuses in the order they happen; one that arrives late never moves a message back.
PROGRESS = {"queued": 0, "sending": 0, "unknown": 0, "accepted": 1, "sent": 2, "delivered": 3, "read": 4}


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: our key (unique per store), its kind, pricing category and body."""

    key: str
    kind: str
    payload: dict[str, Any]
    category: str = "service"


def queue_messages(rt: Runtime, tenant_id: str, contact_id: str, items: list[Outgoing]) -> list[str]:
    """Store the messages (a key already stored is not stored again) and have them sent; return their ids."""
    with rt.transaction() as db:
        ids = add_messages(db.connection(), tenant_id, contact_id, items)
    for outbox_id in ids:
        rt.queue.enqueue("deliver_whatsapp", outbox_id, tenant_id)
    return ids


def add_messages(conn: Connection, tenant_id: str, contact_id: str, items: list[Outgoing]) -> list[str]:
    """Insert the messages whose keys are new, in this transaction; return the new rows' ids."""
    keys = [item.key for item in items]
    known = set(conn.scalars(select(_TABLE.c.key).where(_TABLE.c.tenant_id == tenant_id, _TABLE.c.key.in_(keys))))
    now = utcnow()
    rows = [
        {
            "id": new_id("wao"),
            "tenant_id": tenant_id,
            "key": item.key,
            "contact_id": contact_id,
            "kind": item.kind,
            "category": item.category,
            "payload": item.payload,
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": None,
            "wamid": None,
            "error_code": None,
            "accepted_at": None,
            "created_at": now,
            "updated_at": now,
        }
        for item in items
        if item.key not in known
    ]
    if rows:
        conn.execute(insert(_TABLE), rows)
    return [row["id"] for row in rows]


@task
def deliver_whatsapp(rt: Runtime, outbox_id: str, tenant_id: str) -> str:
    """Send one queued message if it is due; return its status afterwards."""
    return deliver(rt, outbox_id, tenant_id)


@task
def flush_whatsapp_outbox(rt: Runtime) -> int:
    """Send every message whose retry (or turn under the per-minute limit) has come; return how many."""
    return len(deliver_due(rt, utcnow()))


def deliver_due(rt: Runtime, now: datetime) -> list[str]:
    """Try every queued message due at ``now``, oldest first; return their statuses."""
    with rt.transaction() as db:
        due = db.execute(
            select(_TABLE.c.id, _TABLE.c.tenant_id)
            .where(_TABLE.c.status == "queued", _TABLE.c.next_attempt_at <= now)
            .order_by(_TABLE.c.next_attempt_at, _TABLE.c.id)
            .limit(200)
        ).all()
    return [deliver(rt, row.id, row.tenant_id, now) for row in due]


def deliver(rt: Runtime, outbox_id: str, tenant_id: str, now: datetime | None = None) -> str:
    """Claim the message, check the window and the per-minute limit, send it, and record the outcome."""
    now = now or utcnow()
    row = _claim(rt, outbox_id, tenant_id, now)
    if row is None:
        return _status(rt, outbox_id, tenant_id)
    creds = credentials_of(rt, tenant_id)
    if creds is None:
        return _finish(rt, row, "failed", now, code=None)
    if row["kind"] != "template" and not window_open(row["last_inbound_at"], now):
        # Meta would refuse it with 131047; saying so here spares the call and the store's quota.
        return _finish(rt, row, "failed", now, code=graph.WINDOW_CLOSED)
    wait = _over_limit(rt, tenant_id, now)
    if wait is not None:
        return _later(rt, row, wait, counted=False)
    return _send(rt, creds, row, now)


def _send(rt: Runtime, creds: Credentials, row: dict[str, Any], now: datetime) -> str:
    try:
        wamid = graph.send_message(rt.settings, creds, {"to": row["wa_id"], **row["payload"]})
    except graph.GraphError as exc:
        log.warning(
            "whatsapp_send_refused",
            outbox_id=row["id"],
            code=exc.code,
            ambiguous=exc.ambiguous,
            attempt=row["attempts"],
        )
        if exc.ambiguous:
            return _finish(rt, row, "unknown", now, code=exc.code)
        if not exc.permanent and row["attempts"] <= len(BACKOFF):
            return _later(rt, row, now + BACKOFF[row["attempts"] - 1], counted=True)
        return _finish(rt, row, "failed", now, code=exc.code)
    with rt.transaction() as db:
        conn = db.connection()
        conn.execute(
            update(_TABLE)
            .where(_TABLE.c.id == row["id"], _TABLE.c.status == "sending")
            .values(status="accepted", wamid=wamid, accepted_at=now, error_code=None, updated_at=utcnow())
        )
        price = creds.price(row["category"])
        record_usage(conn, row["tenant_id"], "whatsapp", row["category"], price, row["id"])
    log.info("whatsapp_sent", outbox_id=row["id"], kind=row["kind"], category=row["category"])
    return "accepted"


def _claim(rt: Runtime, outbox_id: str, tenant_id: str, now: datetime) -> dict[str, Any] | None:
    """Mark a due queued message as being sent (one worker wins); return it with its recipient."""
    due = (_TABLE.c.next_attempt_at.is_(None)) | (_TABLE.c.next_attempt_at <= now)
    with rt.transaction() as db:
        conn = db.connection()
        claimed = conn.execute(
            update(_TABLE)
            .where(_TABLE.c.id == outbox_id, _TABLE.c.tenant_id == tenant_id, _TABLE.c.status == "queued", due)
            .values(status="sending", attempts=_TABLE.c.attempts + 1, updated_at=utcnow())
        )
        if claimed.rowcount != 1:
            return None
        found = (
            conn.execute(
                select(_TABLE, _CONTACTS.c.wa_id, _CONTACTS.c.last_inbound_at)
                .join(_CONTACTS, _CONTACTS.c.id == _TABLE.c.contact_id)
                .where(_TABLE.c.id == outbox_id)
            )
            .mappings()
            .one()
        )
        return dict(found)


def _over_limit(rt: Runtime, tenant_id: str, now: datetime) -> datetime | None:
    """Return when the next message may go if the number already sent 30 in the last minute, else None."""
    with rt.transaction() as db:
        recent = list(
            db.scalars(
                select(_TABLE.c.accepted_at)
                .where(_TABLE.c.tenant_id == tenant_id, _TABLE.c.accepted_at > now - MINUTE)
                .order_by(_TABLE.c.accepted_at)
            )
        )
    if len(recent) < PER_MINUTE:
        return None
    return recent[len(recent) - PER_MINUTE] + MINUTE


def _later(rt: Runtime, row: dict[str, Any], when: datetime, *, counted: bool) -> str:
    """Put the message back in the queue until ``when``; a deferral that sent nothing is no attempt."""
    attempts = row["attempts"] if counted else row["attempts"] - 1
    with rt.transaction() as db:
        db.execute(
            update(_TABLE)
            .where(_TABLE.c.id == row["id"], _TABLE.c.status == "sending")
            .values(status="queued", next_attempt_at=when, attempts=attempts, updated_at=utcnow())
        )
    return "queued"


def _finish(rt: Runtime, row: dict[str, Any], status: str, now: datetime, code: int | None) -> str:
    with rt.transaction() as db:
        db.execute(
            update(_TABLE)
            .where(_TABLE.c.id == row["id"], _TABLE.c.status == "sending")
            .values(status=status, error_code=code, next_attempt_at=None, updated_at=now)
        )
    metrics.WHATSAPP_SENT.labels(status).inc()
    if status == "failed":
        log.warning("whatsapp_failed", outbox_id=row["id"], code=code)
        raise_alert(rt, "whatsapp_failed", tenant_id=row["tenant_id"], detail=f"error code {code}")
    return status


def _status(rt: Runtime, outbox_id: str, tenant_id: str) -> str:
    with rt.transaction() as db:
        found = db.scalar(select(_TABLE.c.status).where(_TABLE.c.id == outbox_id, _TABLE.c.tenant_id == tenant_id))
    return found or "missing"


def apply_status(rt: Runtime, tenant_id: str, item: dict[str, Any]) -> bool:
    """Move the message a status names forward (never back); record ``failed`` with Meta's code.

    Return whether anything changed: a status of a message we do not know, or older than what we
    know, changes nothing.
    """
    wamid, status = str(item.get("id") or ""), str(item.get("status") or "")
    if not wamid or status not in {"sent", "delivered", "read", "failed"}:
        return False
    with rt.transaction() as db:
        conn = db.connection()
        where = (_TABLE.c.tenant_id == tenant_id, _TABLE.c.wamid == wamid)
        current = conn.scalar(select(_TABLE.c.status).where(*where).with_for_update())
        if current is None or current == "failed" or not _forward(current, status):
            return False
        values: dict[str, Any] = {"status": status, "updated_at": utcnow()}
        if status == "failed":
            values["error_code"] = _error_code(item)
        conn.execute(update(_TABLE).where(*where).values(**values))
    return True


def _forward(current: str, new: str) -> bool:
    return new == "failed" or PROGRESS[new] > PROGRESS.get(current, 0)


def _error_code(item: dict[str, Any]) -> int | None:
    errors = item.get("errors") or []
    code = errors[0].get("code") if errors and isinstance(errors[0], dict) else None
    return code if isinstance(code, int) else None


def outbox_counts(rt: Runtime, tenant_id: str) -> dict[str, int]:
    """Return how many of the store's messages stand in each status."""
    with rt.transaction() as db:
        rows = db.execute(
            select(_TABLE.c.status, func.count()).where(_TABLE.c.tenant_id == tenant_id).group_by(_TABLE.c.status)
        ).all()
    return {status: int(count) for status, count in rows}
