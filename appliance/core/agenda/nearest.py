"""Choose, among a store's free slots, those closest to the moment a visitor asked for.

The order of preference: on the day asked for, the times nearest the time asked for (or, without a
time, those in the part of the day asked for); then the nearest days, later ones before earlier ones
at the same distance, keeping the part of the day and the time. Other days give at most
PER_OTHER_DAY slots each, so the visitor sees a choice of days. When no free slot anywhere fits the
part of the day, the nearest slots of any part are offered rather than none.

Slots are {"start", "end"} with local ISO 8601 times (as availability returns them), so the local
date and wall-clock time are read straight from the string.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from appliance.core.understanding.wishes import PART_MINUTES

PER_OTHER_DAY = 3


def nearest_slots(
    slots: Sequence[dict[str, str]],
    near: date,
    part: str | None = None,
    minute: int | None = None,
    count: int = 6,
) -> list[dict[str, str]]:
    """Return up to ``count`` of ``slots`` closest to ``near`` (its ``part``, its ``minute``), in time order."""
    fitting = [s for s in slots if _fits(s, part)] or list(slots)
    ranked = sorted(fitting, key=lambda s: _distance(s, near, minute))
    chosen: list[dict[str, str]] = []
    per_day: Counter[str] = Counter()
    for slot in ranked:
        day = slot["start"][:10]
        if day != near.isoformat() and per_day[day] >= PER_OTHER_DAY:
            continue
        per_day[day] += 1
        chosen.append(slot)
        if len(chosen) == count:
            break
    return sorted(chosen, key=lambda s: s["start"])


def starts_at(slot: dict[str, str], day: date, minute: int) -> bool:
    """Tell whether ``slot`` starts on local ``day`` at ``minute`` minutes after midnight."""
    return slot["start"][:10] == day.isoformat() and _minute(slot) == minute


def _fits(slot: dict[str, str], part: str | None) -> bool:
    if part not in PART_MINUTES:
        return True
    low, high = PART_MINUTES[part]
    return low <= _minute(slot) < high


def _distance(slot: dict[str, str], near: date, minute: int | None) -> tuple[int, bool, int, str]:
    days = (date.fromisoformat(slot["start"][:10]) - near).days
    off = abs(_minute(slot) - minute) if minute is not None else 0
    return abs(days), days < 0, off, slot["start"]


def _minute(slot: dict[str, str]) -> int:
    return int(slot["start"][11:13]) * 60 + int(slot["start"][14:16])
