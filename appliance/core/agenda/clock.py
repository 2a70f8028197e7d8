"""The store's wall clock: local dates and times turned into instants across daylight-saving changes.

Instants are POSIX timestamps (seconds, float) so that arithmetic is elapsed time: adding minutes to an
aware datetime with a ZoneInfo adds them to the wall clock instead, which is wrong on the two nights a
year the clock jumps.

The two odd kinds of local time follow one rule:

- a *nonexistent* time (02:30 on the spring-forward night in Madrid) is never a start; as an opening
  bound it means the moment the clock jumps, the first instant whose wall time is at or past it;
- an *ambiguous* time (02:30 on the fall-back night, which happens twice) means its first occurrence
  (fold=0, still summer time); its second occurrence is never produced, so no start is offered twice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def instant(value: datetime | str, zone: ZoneInfo) -> float:
    """Return the timestamp of an aware datetime or ISO string; naive ones are read in ``zone``."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def aware(value: datetime) -> datetime:
    """Return ``value`` with UTC attached when it came without an offset (as UTC clocks often do)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def local_day(moment: float, zone: ZoneInfo) -> date:
    """Return the date the store's wall clock shows at ``moment``."""
    return datetime.fromtimestamp(moment, zone).date()


def local_iso(moment: float, zone: ZoneInfo) -> str:
    """Return ``moment`` as ISO 8601 with the store's offset in force at that instant."""
    return datetime.fromtimestamp(moment, zone).isoformat()


def _stepped(first: datetime, last: datetime, step: timedelta, zone: ZoneInfo) -> Iterator[float]:
    wall = first
    while wall < last:
        moment = start_instant(wall, zone)
        if moment is not None:
            yield moment
        wall += step


def start_instant(wall: datetime, zone: ZoneInfo) -> float | None:
    """Return the instant of the naive local time ``wall``, or None when the clock skips it."""
    moment = wall.replace(tzinfo=zone, fold=0).timestamp()
    if datetime.fromtimestamp(moment, zone).replace(tzinfo=None) != wall:
        return None
    return moment


def bound_instant(wall: datetime, zone: ZoneInfo) -> float:
    """Return the first instant whose wall time is at or after the naive local time ``wall``."""
    moment = start_instant(wall, zone)
    if moment is not None:
        return moment
    # In a gap, fold=1 reads the time with the later offset (an instant before the jump) and fold=0
    # with the earlier one (an instant after it); the jump lies between, found to the second.
    low = wall.replace(tzinfo=zone, fold=1).timestamp()
    high = wall.replace(tzinfo=zone, fold=0).timestamp()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


LAST_MINUTE = 86340.0  # 23:59, the last wall time whose offset ``day_clock`` checks, in seconds


@dataclass(frozen=True)
class DayClock:
    """One local day of the store's wall clock: minutes of the day turned into instants and back."""

    day: date
    zone: ZoneInfo
    midnight: float | None  # the instant of 00:00 when one offset holds all day long, else None
    suffix: str  # that offset as ISO 8601 writes it, e.g. "+01:00"

    def starts(self, opens: int, closes: int, step: int) -> Iterator[float]:
        """Yield the instants of the local times ``opens``, ``opens + step``... before ``closes`` that exist."""
        if self.midnight is None:
            return _stepped(self._wall(opens), self._wall(closes), timedelta(minutes=step), self.zone)
        return (self.midnight + 60 * minute for minute in range(opens, closes, step))

    def bound(self, minute: int) -> float:
        """Return the first instant whose wall time is at or after ``minute`` minutes past midnight."""
        if self.midnight is None:
            return bound_instant(self._wall(minute), self.zone)
        return self.midnight + 60 * minute

    def iso(self, moment: float) -> str:
        """Return an instant of this day as ISO 8601 with the offset in force."""
        elapsed = moment - self.midnight if self.midnight is not None else -1.0
        if not (0 <= elapsed <= LAST_MINUTE and elapsed.is_integer()):
            return local_iso(moment, self.zone)
        seconds = int(elapsed)
        # Writing the wall time by hand is several times faster than datetime.isoformat, which matters
        # when a panel asks for two months of slots.
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return f"{self.day.isoformat()}T{clock}{self.suffix}"

    def _wall(self, minute: int) -> datetime:
        return datetime.combine(self.day, time()) + timedelta(minutes=minute)


@functools.lru_cache(maxsize=2048)
def day_clock(day: date, zone: ZoneInfo) -> DayClock:
    """Return the clock of local ``day``, with the fast arithmetic path when its offset never changes.

    Cached because every request asks about the same few weeks: a clock depends on nothing but its
    arguments (and the tz database, which changes only with a new release of the program).
    """
    first, last = datetime.combine(day, time()), datetime.combine(day, time(23, 59))
    # Offset changes are weeks apart in every zone, so one unambiguous offset at both ends of the day
    # means none happens during it, and its times can be counted in elapsed minutes from midnight.
    offsets = {wall.replace(tzinfo=zone, fold=fold).utcoffset() for wall in (first, last) for fold in (0, 1)}
    if len(offsets) != 1:
        return DayClock(day, zone, None, "")
    midnight = first.replace(tzinfo=zone)
    return DayClock(day, zone, midnight.timestamp(), midnight.isoformat()[19:])
