"""What the operator's overview knows about failures: per-minute request and 5xx counters in the
cache, and one ``error_events`` row per failed request for the recent-errors list.

Both are written after the answer is made (see appliance.web.errors); neither may ever turn a
request into another error, so every write here is best effort.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import structlog
from flask import Response, g, request
from sqlalchemy import insert
from structlog.contextvars import get_contextvars

from appliance.core.ids import new_id
from appliance.infra.db import ErrorEvent, utcnow
from appliance.infra.runtime import Runtime, current_runtime
from appliance.operator.alerts import note_server_error

log = structlog.get_logger(__name__)

WINDOW_MINUTES = 60
# Counters outlive the window a little, so the oldest minute is still there when it is read.
COUNTER_TTL = (WINDOW_MINUTES + 5) * 60
# Deliberate refusals, not failures: a paused store or one in maintenance must not look broken,
# nor write a row for every visitor who opens its widget.
DELIBERATE_CODES = frozenset({"maintenance", "store_unavailable"})


@dataclass(frozen=True)
class Failure:
    """Where a request failed and how, without bodies, query strings or personal data."""

    status: int
    code: str
    message: str
    method: str | None = None
    path: str = ""
    request_id: str | None = None
    tenant_id: str | None = None


def is_failure(status: int, code: str | None) -> bool:
    """Tell whether an answer counts as our failure (a 5xx that is not a deliberate refusal)."""
    return status >= 500 and code not in DELIBERATE_CODES


def count_request(rt: Runtime, failed: bool, now: float | None = None) -> None:
    """Count one request (and one failure) in the current minute's counters."""
    minute = _minute(now)
    rt.cache.incr(f"stats:requests:{minute}", COUNTER_TTL)
    if failed:
        rt.cache.incr(f"stats:errors:{minute}", COUNTER_TTL)


def error_rate(rt: Runtime, minutes: int = WINDOW_MINUTES, now: float | None = None) -> dict[str, float | int]:
    """Return requests, failures and their ratio over the last ``minutes`` minutes (this node's
    cache in the appliance, every node's on the platform)."""
    last = _minute(now)
    span = range(last - minutes + 1, last + 1)
    requests = _sum(rt.cache.get_many([f"stats:requests:{m}" for m in span]))
    errors = _sum(rt.cache.get_many([f"stats:errors:{m}" for m in span]))
    rate = round(errors / requests, 4) if requests else 0.0
    return {"window_minutes": minutes, "requests": requests, "errors": errors, "rate": rate}


def _minute(now: float | None) -> int:
    return int((now if now is not None else time.time()) // 60)


def _sum(values: list[str | None]) -> int:
    return sum(int(v) for v in values if v)


def record_failure(rt: Runtime, failure: Failure, at: datetime | None = None) -> str:
    """Insert an error event in its own transaction and return its id."""
    event_id = new_id(ErrorEvent.id_prefix)
    with rt.transaction() as db:
        db.connection().execute(
            insert(ErrorEvent.__table__).values(
                id=event_id,
                tenant_id=failure.tenant_id,
                request_id=(failure.request_id or "")[:64] or None,
                method=(failure.method or "")[:8] or None,
                path=failure.path[:255],
                status=failure.status,
                code=failure.code[:64],
                message=failure.message[:500],
                created_at=at or utcnow(),
            )
        )
    return event_id


def note_outcome(rt: Runtime, status: int, code: str | None, failure: Failure | None) -> None:
    """Count a finished request and record its failure, never raising (a broken cache or database
    must not replace the answer the client is about to get)."""
    try:
        count_request(rt, failure is not None)
    except Exception as exc:
        log.warning("request_not_counted", error_type=type(exc).__name__)
    if failure is None:
        return
    try:
        record_failure(rt, failure)
    except Exception as exc:
        log.warning("error_event_not_recorded", error_type=type(exc).__name__, status=status, code=code)
    # Repeated failures (and any failed booking) reach the operator (appliance.operator.alerts).
    note_server_error(rt, failure.tenant_id, failure.request_id)


def track_response(response: Response) -> None:
    """Count the request answered with ``response`` and record it if it is our failure (an
    ``after_request`` step; never raises)."""
    try:
        failure = _failure_of(response)
        rt = current_runtime()
    except Exception as exc:
        log.warning("request_not_counted", error_type=type(exc).__name__)
        return
    note_outcome(rt, response.status_code, failure.code if failure else None, failure)


def _failure_of(response: Response) -> Failure | None:
    if response.status_code < 500:
        return None
    code, message = g.get("failure") or _envelope_of(response)
    if not is_failure(response.status_code, code):
        return None
    return Failure(
        status=response.status_code,
        code=code,
        message=message,
        method=request.method,
        path=request.path,  # never the query string: searches carry names, emails and phones
        request_id=g.get("request_id"),
        tenant_id=get_contextvars().get("tenant_id"),
    )


def _envelope_of(response: Response) -> tuple[str, str]:
    body = response.get_json(silent=True) if response.is_json else None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        return error["code"], str(error.get("message") or "")
    return f"http_{response.status_code}", ""
