"""Which appointment slots a store can offer: a pure function of its agenda, the clock and its bookings.

Starts step through each opening interval on the store's local wall clock, so opening hours stay right
across daylight-saving changes; durations, notice and overlaps are measured in elapsed time (see
``clock`` for how nonexistent and ambiguous local times are treated). Slots are returned as ISO 8601
with the local offset in force at each instant.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from appliance.core.agenda.clock import DayClock, aware, day_clock, instant, local_day

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Busy:
    """The time an existing appointment of the same service blocks, travel buffers included."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Rules:
    """One service's agenda resolved once per call, with times as timestamps."""

    zone: ZoneInfo
    weekly: tuple[tuple[tuple[int, int], ...], ...]  # opening intervals in minutes of the day, Monday first
    step: int
    duration: float
    buffer: float
    capacity: int
    earliest: float
    last_day: date
    holidays: frozenset[str]
    closures: tuple[tuple[float, float], ...]
    busy_starts: list[float]
    busy_ends: list[float]


Candidate = tuple[float, float, int]  # start, end, places left


def service_of(agenda: dict[str, Any], service_id: str) -> dict[str, Any] | None:
    """Return the service ``service_id`` of an agenda configuration."""
    return next((s for s in agenda.get("services", []) if s.get("id") == service_id), None)


def blocked_span(agenda: dict[str, Any], service_id: str, start: datetime) -> tuple[datetime, datetime, datetime]:
    """Return (blocked start, end, blocked end) of a visit of ``service_id`` starting at ``start``."""
    service = service_of(agenda, service_id)
    if service is None:
        raise ValueError(f"unknown service {service_id!r}")
    zone = ZoneInfo(agenda.get("timezone", "Europe/Madrid"))
    begins = instant(aware(start), zone)
    duration, buffer = _seconds(service, "duration_minutes", 60), _seconds(service, "travel_buffer_minutes", 0)
    ends = begins + duration
    return _local(begins - buffer, zone), _local(ends, zone), _local(ends + buffer, zone)


def day_slots(
    agenda: dict[str, Any], service_id: str, day_from: date, day_to: date, now: datetime, busy: Sequence[Busy]
) -> list[dict[str, Any]]:
    """Return every offered slot between two local days inclusive, as {"start", "end", "available"}."""
    rules = _rules(agenda, service_id, now, busy)
    if rules is None:
        return []
    first = max(day_from, local_day(instant(aware(now), rules.zone), rules.zone))
    slots = []
    for day in _days(first, min(day_to, rules.last_day)):
        clock = day_clock(day, rules.zone)
        slots += [{"start": clock.iso(s), "end": clock.iso(e), "available": n} for s, e, n in _offered(rules, clock)]
    return slots


def next_slots(
    agenda: dict[str, Any],
    service_id: str,
    now: datetime,
    count: int = 6,
    busy: Sequence[Busy] = (),
    after: datetime | None = None,
    day: date | None = None,
) -> list[dict[str, str]]:
    """Return the first ``count`` offered slots from ``now``, or after ``after``, or on ``day`` only."""
    rules = _rules(agenda, service_id, now, busy)
    if rules is None or count <= 0:
        return []
    after_at = instant(aware(after), rules.zone) if after is not None else None
    found = []
    for clock, start, end in _offered_from(rules, now, after_at, day):
        found.append({"start": clock.iso(start), "end": clock.iso(end)})
        if len(found) == count:
            break
    return found


def is_offered(agenda: dict[str, Any], service_id: str, start: datetime, now: datetime, busy: Sequence[Busy]) -> bool:
    """Return whether a booking of ``service_id`` at exactly ``start`` is allowed right now."""
    rules = _rules(agenda, service_id, now, busy)
    if rules is None:
        return False
    begins = instant(aware(start), rules.zone)
    day = local_day(begins, rules.zone)
    if day > rules.last_day:
        return False
    return any(offered == begins for offered, _end, _left in _offered(rules, day_clock(day, rules.zone)))


def in_service_area(agenda: dict[str, Any], service_id: str, postal_code: str | None) -> bool:
    """Return whether ``service_id`` can take place at ``postal_code`` (showroom visits always can)."""
    service = service_of(agenda, service_id)
    if service is None:
        return False
    if service.get("location", "showroom") != "home":
        return True
    area, code = service.get("service_area"), _postal(postal_code or "")
    if not code:
        return False
    if not area:
        return True
    codes = {_postal(c) for c in area.get("postal_codes", [])}
    return code in codes or any(code.startswith(_postal(p)) for p in area.get("prefixes", []) if _postal(p))


def _postal(code: str) -> str:
    # Visitors type "28 001" or "1000 001" as often as "28001" or "1000-001": compare without either.
    return "".join(code.split()).replace("-", "").upper()


def _rules(agenda: dict[str, Any], service_id: str, now: datetime, busy: Iterable[Busy]) -> _Rules | None:
    service = service_of(agenda, service_id)
    if service is None:
        return None
    zone = ZoneInfo(agenda.get("timezone", "Europe/Madrid"))
    now_at = instant(aware(now), zone)
    spans = [(aware(b.start).timestamp(), aware(b.end).timestamp()) for b in busy]
    return _Rules(
        zone=zone,
        weekly=_weekly(agenda.get("weekly", {})),
        step=int(agenda.get("slot_minutes", 30)),
        duration=_seconds(service, "duration_minutes", 60),
        buffer=_seconds(service, "travel_buffer_minutes", 0),
        capacity=int(service.get("capacity", 1)),
        earliest=now_at + 60 * int(agenda.get("min_notice_minutes", 0)),
        last_day=local_day(now_at, zone) + timedelta(days=int(agenda.get("max_days_ahead", 60))),
        holidays=frozenset(str(h) for h in agenda.get("holidays", [])),
        closures=tuple((instant(c["start"], zone), instant(c["end"], zone)) for c in agenda.get("closures", [])),
        busy_starts=sorted(s for s, _ in spans),
        busy_ends=sorted(e for _, e in spans),
    )


def _weekly(weekly: dict[str, list[Any]]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return tuple(
        tuple((_minute_of(opens), _minute_of(closes)) for opens, closes in weekly.get(d, [])) for d in WEEKDAYS
    )


def _minute_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return 60 * int(hours) + int(minutes)


def _seconds(service: dict[str, Any], key: str, default: int) -> float:
    return 60.0 * int(service.get(key) or default)


def _local(moment: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(moment, zone)


def _days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _offered_from(
    rules: _Rules, now: datetime, after: float | None, day: date | None
) -> Iterator[tuple[DayClock, float, float]]:
    first = day or local_day(max(instant(aware(now), rules.zone), after or 0.0), rules.zone)
    for each in _days(first, min(day or rules.last_day, rules.last_day)):
        clock = day_clock(each, rules.zone)
        yield from ((clock, s, e) for s, e, _n in _offered(rules, clock) if after is None or s > after)


def _offered(rules: _Rules, clock: DayClock) -> Iterator[Candidate]:
    if clock.day.isoformat() in rules.holidays or clock.day > rules.last_day:
        return
    for opens, closes in rules.weekly[clock.day.weekday()]:
        yield from _interval_offered(rules, clock, opens, closes)


def _interval_offered(rules: _Rules, clock: DayClock, opens: int, closes: int) -> Iterator[Candidate]:
    closing = clock.bound(closes)
    for start in clock.starts(opens, closes, rules.step):
        end = start + rules.duration
        if end > closing:
            return
        if start < rules.earliest:
            continue
        left = _places_left(rules, start - rules.buffer, end + rules.buffer)
        if left > 0:
            yield start, end, left


def _places_left(rules: _Rules, blocked_start: float, blocked_end: float) -> int:
    if any(c_start < blocked_end and blocked_start < c_end for c_start, c_end in rules.closures):
        return 0
    # Every interval that ends at or before the span also starts before its end, so the overlapping
    # ones are those starting before the span's end minus those already over when it starts.
    overlapping = bisect_left(rules.busy_starts, blocked_end) - bisect_right(rules.busy_ends, blocked_start)
    return rules.capacity - overlapping
