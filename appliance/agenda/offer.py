"""Which slots the chat offers: the next free ones, the next page, or those nearest a wish."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from appliance.agenda import clock
from appliance.agenda.booking import busy_between
from appliance.core.agenda.availability import day_slots, next_slots
from appliance.core.agenda.nearest import nearest_slots

OFFERED = 6


def offer(
    db: Session | Connection, tenant_id: str, agenda: dict[str, Any], service: str, query: dict[str, Any] | None
) -> list[dict[str, str]]:
    """Return the slots to offer for ``service`` under a search (see flows.answers.SlotSearch)."""
    now = clock.now()
    horizon = now + timedelta(days=int(agenda.get("max_days_ahead", 60)) + 2)
    busy = busy_between(db, tenant_id, service, now - timedelta(days=1), horizon)  # type: ignore[arg-type]
    query = query or {}
    near = query.get("near") or query.get("day")  # "day": the search of conversations begun before "near"
    if near:
        # Every free slot up to the horizon: a few hundred at most, and the nearest may be weeks away.
        free = day_slots(agenda, service, now.date() - timedelta(days=1), horizon.date(), now, busy)
        minute = _minute(query.get("time"))
        chosen = nearest_slots(free, date.fromisoformat(near), query.get("part"), minute, OFFERED)
        return [{"start": s["start"], "end": s["end"]} for s in chosen]
    return next_slots(agenda, service, now, count=OFFERED, busy=busy, after=_after(agenda, query))


def _minute(clock_time: str | None) -> int | None:
    if not clock_time:
        return None
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


def _after(agenda: dict[str, Any], query: dict[str, Any]) -> datetime | None:
    if query.get("after"):
        return datetime.fromisoformat(query["after"])
    if query.get("after_day"):
        zone = ZoneInfo(agenda.get("timezone", "UTC"))
        return datetime.combine(date.fromisoformat(query["after_day"]), time.max, zone)
    return None
