"""Operator alerts: decide, once per condition and scope per five minutes, that an alert goes out.

Deciding is a conditional update of the condition's row in ``alert_windows``, so the quiet period
holds across every web node and worker; a repeat inside it only adds one to the row's count of
suppressed repeats, which the next alert reports. Sending is a task (appliance.operator.alert_delivery),
so no request waits for Slack or SMTP. Nothing here ever raises into its caller: an alert that cannot
be raised is logged, and the request or task that noticed the trouble goes on.

Callers must not hold a database transaction open (SQLite has one connection per process).
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import Connection, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from appliance.core.alerting import HTTP_5XX_THRESHOLD, PLATFORM_SCOPE, QUIET_PERIOD
from appliance.core.moments import utcnow
from appliance.infra import metrics
from appliance.infra.db import AlertWindow
from appliance.infra.runtime import Runtime
from appliance.operator import alert_delivery

log = structlog.get_logger(__name__)
SEND_TASK = "send_operator_alert"
_TABLE = AlertWindow.__table__
# Set while a request books and the booking broke; read when the request's failure is recorded.
_booking_failed: ContextVar[bool] = ContextVar("booking_failed", default=False)


def now() -> datetime:
    """Return the alerts' clock (tests pin it with monkeypatch)."""
    return utcnow()


def raise_alert(
    rt: Runtime,
    condition: str,
    *,
    tenant_id: str | None = None,
    count: int = 1,
    detail: str | None = None,
    request_id: str | None = None,
    at: datetime | None = None,
    send_now: bool = False,
) -> bool:
    """Queue an alert of ``condition`` unless one went out for it in the last five minutes; tell
    whether one was queued (never raises). ``send_now`` sends it in this thread instead, for
    callers that are already tasks and for a queue that may be the very thing that is down."""
    scope = tenant_id or PLATFORM_SCOPE
    try:
        held_back = claim(rt, condition, scope, at or now())
        if held_back is None:
            return False
        metrics.ALERTS.labels(condition).inc()
        data = {"condition": condition, "scope": scope, "tenant_id": tenant_id, "count": count}
        data |= {"suppressed": held_back, "detail": detail, "request_id": request_id}
        if send_now:
            alert_delivery.send_operator_alert(rt, data)
            return True
        return rt.queue.enqueue(SEND_TASK, data)
    except Exception as exc:
        log.warning("alert_not_raised", condition=condition, scope=scope, error_type=type(exc).__name__)
        return False


def claim(rt: Runtime, condition: str, scope: str, at: datetime) -> int | None:
    """Claim the right to report ``condition`` in ``scope`` at ``at``; return how many repeats were
    suppressed since the last alert, or None (and count this one as suppressed) inside the quiet period."""
    key = (_TABLE.c.condition == condition, _TABLE.c.scope == scope)
    with rt.transaction() as db:
        conn = db.connection()
        _ensure_row(conn, condition, scope, at)
        # The right-hand sides read the row as it was: "reported" keeps the count being reset.
        claimed = conn.execute(
            update(_TABLE)
            .where(*key, or_(_TABLE.c.last_sent_at.is_(None), _TABLE.c.last_sent_at <= at - QUIET_PERIOD))
            .values(last_sent_at=at, reported=_TABLE.c.suppressed, suppressed=0, updated_at=at)
        ).rowcount
        if not claimed:
            conn.execute(update(_TABLE).where(*key).values(suppressed=_TABLE.c.suppressed + 1, updated_at=at))
            return None
        return int(conn.scalar(_TABLE.select().with_only_columns(_TABLE.c.reported).where(*key)) or 0)


def _ensure_row(conn: Connection, condition: str, scope: str, at: datetime) -> None:
    dialect_insert: Any = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    row = {"condition": condition, "scope": scope, "suppressed": 0, "reported": 0, "updated_at": at}
    conn.execute(dialect_insert(_TABLE).values(**row).on_conflict_do_nothing())


def note_server_error(rt: Runtime, tenant_id: str | None, request_id: str | None, at: datetime | None = None) -> None:
    """Count a 5xx of the store (or the platform) in its five-minute window; alert from the fifth on,
    or at once as a booking failure when the request was booking."""
    if _booking_failed.get():
        _booking_failed.set(False)
        raise_alert(rt, "booking_failed", tenant_id=tenant_id, request_id=request_id, at=at)
        return
    moment = at or now()
    bucket = int(moment.timestamp() // QUIET_PERIOD.total_seconds())
    scope = tenant_id or PLATFORM_SCOPE
    try:
        count = rt.cache.incr(f"alerts:5xx:{scope}:{bucket}", int(QUIET_PERIOD.total_seconds()) * 2)
    except Exception as exc:
        log.warning("server_error_not_counted", error_type=type(exc).__name__)
        return
    if count >= HTTP_5XX_THRESHOLD:
        raise_alert(rt, "http_5xx", tenant_id=tenant_id, count=count, request_id=request_id, at=at)


def mark_booking_failed() -> None:
    """Note that this request's booking broke (called where the booking raised unexpectedly); the
    failure recorder then raises a booking alert once the transaction is over."""
    _booking_failed.set(True)


def forget_booking_failure() -> None:
    """Clear the mark at the start of a request (threads serve many requests one after another)."""
    _booking_failed.set(False)
