"""Which appointment slots a store can offer: a pure function of its agenda and the clock.

Times are computed on the store's local wall clock (zoneinfo), so opening hours stay right
across daylight-saving changes, and returned as ISO 8601 with the local offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def service_of(agenda: dict[str, Any], service_id: str) -> dict[str, Any] | None:
    """Return the service ``service_id`` of an agenda configuration."""
    return next((s for s in agenda.get("services", []) if s.get("id") == service_id), None)


def next_slots(agenda: dict[str, Any], service_id: str, now: datetime, count: int = 6) -> list[dict[str, str]]:
    """Return the first ``count`` free starts of a service from ``now`` on, as {"start", "end"}."""
    service = service_of(agenda, service_id)
    if service is None:
        return []
    zone = ZoneInfo(agenda.get("timezone", "Europe/Madrid"))
    duration = timedelta(minutes=int(service.get("duration_minutes", 60)))
    earliest = now + timedelta(minutes=int(agenda.get("min_notice_minutes", 0)))
    found = []
    for start in _starts(agenda, zone, now.astimezone(zone).date(), duration):
        if start >= earliest:
            found.append({"start": start.isoformat(), "end": (start + duration).isoformat()})
            if len(found) == count:
                break
    return found


def _starts(agenda: dict[str, Any], zone: ZoneInfo, first: date, duration: timedelta) -> Iterator[datetime]:
    step = timedelta(minutes=int(agenda.get("slot_minutes", 30)))
    holidays = set(agenda.get("holidays", []))
    for offset in range(int(agenda.get("max_days_ahead", 60)) + 1):
        day = first + timedelta(days=offset)
        if day.isoformat() in holidays:
            continue
        for opens, closes in agenda.get("weekly", {}).get(WEEKDAYS[day.weekday()], []):
            start = datetime.combine(day, time.fromisoformat(opens), zone)
            end = datetime.combine(day, time.fromisoformat(closes), zone)
            while start + duration <= end:
                yield start
                start += step
