"""What the operator reads: the platform at a glance, recent errors, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from appliance.core.kinds import TENANT_STATUSES
from appliance.errors import Invalid
from appliance.infra.calendar_bounds import OUT_OF_BOUNDS, within_bounds
from appliance.infra.db import Audit, ChatSession, ErrorEvent, Lead, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.operator.health import check_health
from appliance.operator.telemetry import error_rate
from appliance.operator.usage import count_since, platform_spend

MAX_PAGE = 200


def overview(rt: Runtime, now: datetime | None = None) -> dict[str, Any]:
    """Return the platform's numbers: stores by status, conversations and leads over the last hour,
    day and 30 days, AI spend this month, the error rate of the last hour, and each service's health."""
    now = now or utcnow()
    hour, day, month = now - timedelta(hours=1), now - timedelta(days=1), now - timedelta(days=30)
    with rt.transaction() as db:
        by_status = dict(db.execute(select(Tenant.status, func.count()).group_by(Tenant.status)).all())
        in_maintenance = sum(1 for m in db.scalars(select(Tenant.maintenance)) if (m or {}).get("enabled"))
        numbers = {
            "tenants": {
                "total": sum(by_status.values()),
                **{status: int(by_status.get(status, 0)) for status in TENANT_STATUSES},
                "maintenance": in_maintenance,
            },
            "conversations": {
                "last_1h": count_since(db, ChatSession, hour),
                "last_24h": count_since(db, ChatSession, day),
                "last_30d": count_since(db, ChatSession, month),
            },
            "leads": {
                "last_1h": count_since(db, Lead, hour),
                "last_24h": count_since(db, Lead, day),
                "last_30d": count_since(db, Lead, month),
            },
            "ai_spend_month_eur": platform_spend(db, now),
        }
    health = check_health(rt)
    return {**numbers, "error_rate": error_rate(rt), "health": {"status": health["status"], **health["checks"]}}


def recent_errors(
    rt: Runtime, *, tenant_id: str | None = None, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """Return a page of failed requests, newest first, optionally of one store."""
    query = select(ErrorEvent)
    if tenant_id:
        query = query.where(ErrorEvent.tenant_id == tenant_id)
    return _newest_first(rt, query, ErrorEvent, limit, cursor, _error_json)


def _error_json(row: ErrorEvent) -> dict[str, Any]:
    fields = ("id", "tenant_id", "request_id", "method", "path", "status", "code", "message")
    return {**{name: getattr(row, name) for name in fields}, "created_at": row.created_at.isoformat()}


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries: of a store, an action, an actor (user id, token id or label), a time span."""

    tenant_id: str | None = None
    action: str | None = None
    actor: str | None = None
    from_: str | None = None
    to: str | None = None


def audit_log(rt: Runtime, which: AuditFilter, *, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """Return a page of audit entries matching ``which``, newest first."""
    query = select(Audit)
    if which.tenant_id:
        query = query.where(Audit.tenant_id == which.tenant_id)
    if which.action:
        query = query.where(Audit.action == which.action)
    if which.actor:
        who = which.actor
        query = query.where(or_(Audit.actor_user_id == who, Audit.actor_token_id == who, Audit.actor_label == who))
    if which.from_:
        query = query.where(Audit.created_at >= moment(which.from_, "from"))
    if which.to:
        query = query.where(Audit.created_at < moment(which.to, "to", end_of_day=True))
    return _newest_first(rt, query, Audit, limit, cursor, _audit_json)


def _audit_json(row: Audit) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "actor": {
            "user_id": row.actor_user_id,
            "token_id": row.actor_token_id,
            "label": row.actor_label,
            "impersonated": row.impersonated,
        },
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "details": row.details,
        "ip": row.ip,
        "created_at": row.created_at.isoformat(),
    }


def moment(value: str, path: str, end_of_day: bool = False) -> datetime:
    """Parse an ISO date or date-time (UTC when it has no offset); a bare date as an upper bound
    means the end of that day. Raise Invalid naming ``path``."""
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise Invalid([{"path": path, "message": "must be a date (2026-03-30) or date-time with offset"}]) from None
    # Past the bounds, the day after or the moment in UTC would overflow (a 500).
    if not within_bounds(parsed):
        raise Invalid([{"path": path, "message": OUT_OF_BOUNDS}])
    if not isinstance(parsed, datetime):
        day = datetime.combine(parsed, datetime.min.time(), UTC)
        return day + timedelta(days=1) if end_of_day else day
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _newest_first(
    rt: Runtime, query: Select[Any], model: Any, limit: int, cursor: str | None, shape: Any
) -> dict[str, Any]:
    # Ids sort by creation time, so the last id of a page is the cursor of the next.
    limit = max(1, min(limit, MAX_PAGE))
    if cursor:
        query = query.where(model.id < cursor)
    with rt.transaction() as db:
        rows = list(db.scalars(query.order_by(model.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    return {"items": [shape(row) for row in page], "next_cursor": page[-1].id if len(rows) > limit else None}
