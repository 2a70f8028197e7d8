"""Which slots the chat offers: the next free ones, the next page, or those of a day the visitor named."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from appliance.agenda.booking import busy_between
from appliance.core.agenda.availability import next_slots
from appliance.core.moments import utcnow

OFFERED = 6
# Hours (local, start inclusive, end exclusive) people in Spain and Portugal mean by each part of day.
PARTS = {"morning": (0, 14), "afternoon": (14, 21), "evening": (18, 24)}


def offer(
    db: Session | Connection, tenant_id: str, agenda: dict[str, Any], service: str, query: dict[str, Any] | None
) -> list[dict[str, str]]:
    """Return the slots to offer for ``service`` under a search (see flows.answers.SlotSearch)."""
    now = utcnow()
    horizon = now + timedelta(days=int(agenda.get("max_days_ahead", 60)) + 2)
    busy = busy_between(db, tenant_id, service, now - timedelta(days=1), horizon)  # type: ignore[arg-type]
    query = query or {}
    if query.get("day"):
        return _of_day(agenda, service, now, busy, date.fromisoformat(query["day"]), query.get("part"))
    return next_slots(agenda, service, now, count=OFFERED, busy=busy, after=_after(agenda, query))


def _of_day(
    agenda: dict[str, Any], service: str, now: datetime, busy: list, day: date, part: str | None
) -> list[dict[str, str]]:
    found = next_slots(agenda, service, now, count=24 * 4, busy=busy, day=day)
    if part in PARTS:
        low, high = PARTS[part]
        found = [s for s in found if low <= int(s["start"][11:13]) < high]
    return found[:OFFERED]


def _after(agenda: dict[str, Any], query: dict[str, Any]) -> datetime | None:
    if query.get("after"):
        return datetime.fromisoformat(query["after"])
    if query.get("after_day"):
        zone = ZoneInfo(agenda.get("timezone", "UTC"))
        return datetime.combine(date.fromisoformat(query["after_day"]), time.max, zone)
    return None
