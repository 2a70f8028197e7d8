"""A store's KPIs over a period of local days: conversations, leads, appointments, conversion, drop-off.

Every number is counted from rows that hold no personal data or outlive it: analytics events,
the lead's score and temperature, appointment statuses and the session's last block. Erasing a
person clears their contact and conversation but keeps those, so the numbers do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from appliance.conversations.sessions import PREVIEW_ORIGIN
from appliance.core.kinds import TEMPERATURES
from appliance.errors import Invalid, NotFound
from appliance.infra.calendar_bounds import OUT_OF_BOUNDS, within_bounds
from appliance.infra.db import AnalyticsEvent, Appointment, ChatSession, Lead, Tenant, utcnow
from appliance.infra.runtime import Runtime

DEFAULT_DAYS = 30
MAX_DAYS = 366
# A conversation left waiting this long at a question counts as dropped there; one still going
# (the visitor is typing) does not. It may resume later and then count as finished.
ABANDONED_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Period:
    """Local days from ``first`` to ``last`` (inclusive), and the UTC instants that bound them."""

    first: date
    last: date
    start: datetime
    end: datetime  # exclusive

    def has(self, column: Any) -> ColumnElement[bool]:
        """Return the SQL condition "``column`` falls in the period"."""
        return and_(column >= self.start, column < self.end)


def period(zone: ZoneInfo, first: date | None, last: date | None, now: datetime) -> Period:
    """Return the period asked for; by default the last 30 local days, today included."""
    # A day past the bounds would overflow below (answering 500). The API's Day type refuses it
    # already; whoever else calls gets the same 422 instead of the overflow.
    given = (("from", first), ("to", last))
    if outside := [{"path": name, "message": OUT_OF_BOUNDS} for name, day in given if day and not within_bounds(day)]:
        raise Invalid(outside)
    last = last or now.astimezone(zone).date()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid([{"path": "from", "message": "is after 'to'"}])
    if (last - first).days >= MAX_DAYS:
        raise Invalid([{"path": "from", "message": f"the period can be at most {MAX_DAYS} days"}])
    start = datetime.combine(first, time.min, zone)
    return Period(first, last, start, datetime.combine(last + timedelta(days=1), time.min, zone))


def kpis(
    db: Session, tenant_id: str, start: date | None = None, end: date | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """Return the store's KPIs for the local days ``start``..``end`` (default: the last 30 days)."""
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("This store does not exist.")
    now = now or utcnow()
    p = period(ZoneInfo(tenant.timezone), start, end, now)
    conversations = _events(db, tenant_id, "conversation_started", p)
    by_temperature = _leads_by_temperature(db, tenant_id, p)
    leads = sum(by_temperature.values())
    booked = _leads_with_appointment(db, tenant_id, p)
    appointments = _appointments_by_status(db, tenant_id, p)
    return {
        "from": p.first.isoformat(),
        "to": p.last.isoformat(),
        "timezone": tenant.timezone,
        "conversations": conversations,
        "completed_conversations": _events(db, tenant_id, "completed", p),
        "leads": leads,
        "leads_by_temperature": by_temperature,
        "appointments": sum(appointments.values()),
        "appointments_by_status": appointments,
        "no_shows": appointments.get("no_show", 0),
        "conversion": {
            "conversation_to_lead": rate(leads, conversations),
            "lead_to_appointment": rate(booked, leads),
        },
        "funnel": [
            {"step": "conversations", "count": conversations},
            {"step": "leads", "count": leads},
            {"step": "qualified_leads", "count": leads - by_temperature["cold"]},
            {"step": "leads_with_appointment", "count": booked},
        ],
        "drop_off": _drop_off(db, tenant_id, p, now),
    }


def store_kpis(rt: Runtime, tenant_id: str, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Return the store's KPIs for the local days ``start``..``end`` (see kpis)."""
    with rt.transaction() as db:
        return kpis(db, tenant_id, start, end)


def rate(part: int, whole: int) -> float | None:
    """Return part/whole rounded to 4 decimals, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def _events(db: Session, tenant_id: str, name: str, p: Period) -> int:
    where = (AnalyticsEvent.tenant_id == tenant_id, AnalyticsEvent.name == name, p.has(AnalyticsEvent.created_at))
    return db.scalar(select(func.count()).select_from(AnalyticsEvent).where(*where)) or 0


def _leads_by_temperature(db: Session, tenant_id: str, p: Period) -> dict[str, int]:
    rows = db.execute(
        select(Lead.temperature, func.count())
        .where(Lead.tenant_id == tenant_id, p.has(Lead.created_at))
        .group_by(Lead.temperature)
    ).all()
    counts = dict.fromkeys(TEMPERATURES, 0)
    counts.update({temperature: int(count) for temperature, count in rows})
    return counts


def _leads_with_appointment(db: Session, tenant_id: str, p: Period) -> int:
    """Count the period's leads that booked at least one appointment (kept even if later cancelled)."""
    statement = (
        select(func.count(func.distinct(Appointment.lead_id)))
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(Appointment.tenant_id == tenant_id, Lead.tenant_id == tenant_id, p.has(Lead.created_at))
    )
    return db.scalar(statement) or 0


def _appointments_by_status(db: Session, tenant_id: str, p: Period) -> dict[str, int]:
    """Count the appointments booked during the period, by what became of them."""
    rows = db.execute(
        select(Appointment.status, func.count())
        .where(Appointment.tenant_id == tenant_id, p.has(Appointment.created_at))
        .group_by(Appointment.status)
    ).all()
    return {status: int(count) for status, count in rows}


def _drop_off(db: Session, tenant_id: str, p: Period, now: datetime) -> list[dict[str, Any]]:
    """Return, per flow block, the conversations of the period that stopped there and never finished."""
    rows = db.execute(
        select(ChatSession.current_block, func.count())
        .where(
            ChatSession.tenant_id == tenant_id,
            p.has(ChatSession.created_at),
            ChatSession.status != "completed",
            ChatSession.current_block.is_not(None),
            ChatSession.last_activity_at < now - ABANDONED_AFTER,
            ChatSession.origin.is_distinct_from(PREVIEW_ORIGIN),  # staff trying a draft are not visitors
        )
        .group_by(ChatSession.current_block)
    ).all()
    total = sum(count for _, count in rows)
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    return [{"block_id": block, "sessions": count, "share": rate(count, total)} for block, count in ordered]
