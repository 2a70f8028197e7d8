"""Which day a store's calendar should open on: today, unless the store's week is already over."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from appliance.core.agenda.availability import WEEKDAYS

LOOK_AHEAD_DAYS = 8 * 7  # a store closed for longer than two months opens on today


def next_open_day(agenda: dict[str, Any], now: datetime) -> date:
    """Return the first day from ``now`` (a local time in the store's zone) with opening hours still
    ahead, skipping holidays; today when nothing opens in the coming weeks."""
    weekly = agenda.get("weekly") or {}
    holidays = {str(day) for day in agenda.get("holidays", [])}
    minute_now = now.hour * 60 + now.minute
    for offset in range(LOOK_AHEAD_DAYS):
        day = now.date() + timedelta(days=offset)
        if day.isoformat() in holidays:
            continue
        closing = [_minutes(closes) for _opens, closes in weekly.get(WEEKDAYS[day.weekday()], [])]
        if closing and (offset > 0 or max(closing) > minute_now):
            return day
    return now.date()


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return 60 * int(hours) + int(minutes)
