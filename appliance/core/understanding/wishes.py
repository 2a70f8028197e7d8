"""Read what a visitor asks for while offered appointment slots: a day, a part of the day, a time.

This joins dates.read_day (which day, which part of it) and times.find_time (which time), and says
whether the moment asked for has already passed, so the bot can say so instead of offering nothing.
Either half may be missing: "a las 17:00 mejor" names a time only, "por la tarde" a part only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .dates import read_day
from .times import find_time, part_of

# Minutes after midnight (start inclusive, end exclusive) that people in Spain and Portugal mean by
# each part of the day; "tarde" runs into the evening, so the two overlap.
PART_MINUTES: dict[str, tuple[int, int]] = {
    "morning": (0, 14 * 60),
    "midday": (12 * 60, 15 * 60 + 30),
    "afternoon": (14 * 60, 21 * 60),
    "evening": (18 * 60, 24 * 60),
}


@dataclass(frozen=True)
class SlotWish:
    """Describe the moment a visitor asks for: any of a day, a part of the day and a time."""

    day: date | None
    part: str | None  # a key of PART_MINUTES
    minute: int | None  # minutes after midnight, local
    approximate: bool = False  # "sobre las 6": the nearest times are as good
    past: str | None = None  # "day" when the day has gone, "time" when today's part or time has

    def as_query(self) -> dict[str, Any]:
        """Return the wish as plain JSON data, as the engine's Context.day_wish carries it."""
        time = f"{self.minute // 60:02d}:{self.minute % 60:02d}" if self.minute is not None else None
        day = self.day.isoformat() if self.day else None
        return {"day": day, "part": self.part, "time": time, "approx": self.approximate, "past": self.past}


def find_wish(text: str, language: str, now: datetime) -> SlotWish | None:
    """Return the moment the message asks for, or None when it names no day, part of the day or time.

    ``now`` is the store's local wall-clock time; nothing here reads the clock.
    """
    day, part = read_day(text, language, now.date())
    time = find_time(text, language)
    if day is None and part is None and time is None:
        return None
    minute = time.minute if time else None
    if minute is not None and (part is None or not _within(part, minute)):
        part = part_of(minute)  # "a las 5" said with "por la mañana" elsewhere: the time is more precise
    return SlotWish(day, part, minute, bool(time and time.approximate), _past(day, part, minute, now))


def _within(part: str, minute: int) -> bool:
    low, high = PART_MINUTES[part]
    return low <= minute < high


def _past(day: date | None, part: str | None, minute: int | None, now: datetime) -> str | None:
    today, current = now.date(), now.hour * 60 + now.minute
    if day is not None and day < today:
        return "day"
    if day != today:
        return None
    if (minute is not None and minute <= current) or (minute is None and part and PART_MINUTES[part][1] <= current):
        return "time"
    return None
