"""Meta's webhook: check the signature before anything else, keep the raw event, answer at once.

The signature is an HMAC-SHA256 of the raw bytes with the store's app secret; the store is found
by the ``phone_number_id`` the event names. Nothing is stored for an event that does not verify.
A verified event is stored as it came (encrypted: it carries names and messages) and handed to a
task; Meta retries deliveries, so each visitor message id is claimed once (``claim_inbound``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from appliance.core.ids import new_id
from appliance.errors import Forbidden, Unauthorized
from appliance.infra.db import WhatsAppEvent, WhatsAppInbound, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.store_scope import store_scope
from appliance.jobs.registry import task
from appliance.operator.alerts import raise_alert
from appliance.whatsapp.config import credentials_by_number

PREFIX = "sha256="
# Raw events are kept a week once processed (to look into a problem), then forgotten: they hold
# names and messages. A message id is remembered a month, longer than Meta retries (7 days).
EVENTS_KEPT = timedelta(days=7)
# An event still unprocessed this long after it came was dropped by the queue (Redis down) or its
# task failed: it is queued again, for a day at most.
STALLED = timedelta(minutes=2)
RETRIED_FOR = timedelta(days=1)
# Requeued every minute once stalled: an event still unprocessed this long has failed three more times.
FAILED_AFTER = STALLED + timedelta(minutes=3)
CLAIMS_KEPT = timedelta(days=30)
_EVENTS = WhatsAppEvent.__table__
_INBOUND = WhatsAppInbound.__table__


def signature_of(app_secret: str, raw: bytes) -> str:
    """Return the X-Hub-Signature-256 header Meta sends with ``raw``."""
    return PREFIX + hmac.new(app_secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def named_number(raw: bytes) -> str | None:
    """Return the first ``metadata.phone_number_id`` of an event, or None (not JSON, or none named)."""
    try:
        event = json.loads(raw)
        for entry in event.get("entry") or []:
            for change in entry.get("changes") or []:
                number = ((change.get("value") or {}).get("metadata") or {}).get("phone_number_id")
                if number:
                    return str(number)
    except (ValueError, AttributeError, TypeError):
        return None
    return None


def accept_event(rt: Runtime, raw: bytes, signature: str | None) -> str | None:
    """Verify and store an event, and queue its processing; return its id (None: nothing to do).

    Raise 401 when the signature is missing or wrong, and 403 when the number is no store's.
    """
    if not signature or not signature.startswith(PREFIX):
        raise Unauthorized("The event is not signed.", code="signature_missing")
    number = named_number(raw)
    if number is None:
        raise Unauthorized("The event names no WhatsApp number to check it against.", code="signature_invalid")
    creds = credentials_by_number(rt, number)
    if creds is None:
        raise Forbidden("No store uses this WhatsApp number.", code="unknown_number")
    if not hmac.compare_digest(signature_of(creds.app_secret, raw), signature):
        raise Unauthorized("The event's signature does not match.", code="signature_invalid")
    event_id = new_id("wev")
    # Signed by the store's secret, the event is that store's: stored working for it alone (its
    # processing, a task that carries the store, is too; appliance.infra.store_scope).
    with store_scope(creds.tenant_id), rt.transaction() as db:
        db.execute(
            insert(_EVENTS).values(
                id=event_id,
                tenant_id=creds.tenant_id,
                body=raw.decode("utf-8"),
                received_at=utcnow(),
                processed_at=None,
            )
        )
    rt.queue.enqueue("process_whatsapp_event", event_id, creds.tenant_id)
    return event_id


def load_event(rt: Runtime, event_id: str, tenant_id: str) -> dict[str, Any] | None:
    """Return a stored event's document, or None when it is gone or was processed."""
    with rt.transaction() as db:
        row = db.execute(
            select(_EVENTS.c.body, _EVENTS.c.processed_at).where(
                _EVENTS.c.id == event_id, _EVENTS.c.tenant_id == tenant_id
            )
        ).first()
    if row is None or row.processed_at is not None:
        return None
    return json.loads(row.body)


def mark_processed(rt: Runtime, event_id: str, tenant_id: str) -> None:
    """Note that every part of the event was handled."""
    with rt.transaction() as db:
        db.execute(
            update(_EVENTS)
            .where(_EVENTS.c.id == event_id, _EVENTS.c.tenant_id == tenant_id)
            .values(processed_at=utcnow())
        )


def claim_inbound(rt: Runtime, tenant_id: str, wamid: str) -> bool:
    """Tell whether this visitor message still needs handling (new, or an earlier try did not finish)."""
    try:
        with rt.transaction() as db:
            db.execute(
                insert(_INBOUND).values(id=new_id("win"), tenant_id=tenant_id, wamid=wamid, received_at=utcnow())
            )
        return True
    except IntegrityError:
        with rt.transaction() as db:
            done = db.scalar(
                select(_INBOUND.c.done_at).where(_INBOUND.c.tenant_id == tenant_id, _INBOUND.c.wamid == wamid)
            )
        return done is None


def finish_inbound(rt: Runtime, tenant_id: str, wamid: str) -> None:
    """Note that the visitor message was answered (a later delivery of it is then skipped)."""
    with rt.transaction() as db:
        db.execute(
            update(_INBOUND)
            .where(_INBOUND.c.tenant_id == tenant_id, _INBOUND.c.wamid == wamid)
            .values(done_at=utcnow())
        )


@task
def forget_whatsapp_events(rt: Runtime) -> int:
    """Delete processed raw events older than a week and message claims older than a month."""
    now = utcnow()
    with rt.transaction() as db:
        events = db.execute(delete(_EVENTS).where(_EVENTS.c.processed_at < now - EVENTS_KEPT)).rowcount or 0
        db.execute(delete(_INBOUND).where(_INBOUND.c.received_at < now - CLAIMS_KEPT))
    return events


@task
def requeue_stalled_whatsapp_events(rt: Runtime) -> int:
    """Queue again the events that should have been processed by now (run every minute)."""
    now = utcnow()
    with rt.transaction() as db:
        stalled = db.execute(
            select(_EVENTS.c.id, _EVENTS.c.tenant_id)
            .where(_EVENTS.c.processed_at.is_(None))
            .where(_EVENTS.c.received_at < now - STALLED, _EVENTS.c.received_at > now - RETRIED_FOR)
            .order_by(_EVENTS.c.received_at)
            .limit(100)
        ).all()
    for row in stalled:
        rt.queue.enqueue("process_whatsapp_event", row.id, row.tenant_id)
    _alert_failing(rt, stalled_since=now - FAILED_AFTER)
    return len(stalled)


def _alert_failing(rt: Runtime, stalled_since: datetime) -> None:
    """Tell the operator of each store whose events still failed after three requeues (each minute)."""
    with rt.transaction() as db:
        failing = db.execute(
            select(_EVENTS.c.tenant_id, func.count())
            .where(_EVENTS.c.processed_at.is_(None), _EVENTS.c.received_at < stalled_since)
            .where(_EVENTS.c.received_at > stalled_since - RETRIED_FOR)
            .group_by(_EVENTS.c.tenant_id)
        ).all()
    for tenant_id, count in failing:
        raise_alert(rt, "whatsapp_webhook_failed", tenant_id=tenant_id, count=int(count))
