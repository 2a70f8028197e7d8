"""Measure how fast a store's availability is computed: 60 days of slots for each of its services.

Run as `.venv/bin/python bench/agenda.py [runs]`. The store has 3 services (capacity 3 each, one of them
a home visit with a travel buffer), the default opening hours with a lunch break, 30-minute steps and
2,000 random existing appointments over the next 60 days. One run is `day_slots` over the 60 days for
all 3 services, including sorting the appointments and writing every slot as ISO 8601; the target is a
median under 20 ms per run, both with the cache of day clocks warm and emptied before every run.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from appliance.core.agenda.availability import Busy, blocked_span, day_slots
from appliance.core.agenda.clock import day_clock

TARGET_MS = 20.0
DAYS = 60
APPOINTMENTS = 2000
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def store() -> dict[str, Any]:
    """Return the agenda of a busy studio with three services of capacity 3."""
    weekday = [["09:30", "14:00"], ["16:30", "20:00"]]
    return {
        "timezone": "Europe/Madrid",
        "slot_minutes": 30,
        "min_notice_minutes": 120,
        "max_days_ahead": DAYS,
        "services": [
            {"id": "showroom_visit", "duration_minutes": 60, "capacity": 3},
            {"id": "design_session", "duration_minutes": 120, "capacity": 3},
            {
                "id": "measuring_visit",
                "duration_minutes": 90,
                "capacity": 3,
                "location": "home",
                "travel_buffer_minutes": 30,
            },
        ],
        "weekly": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), weekday) | {"sat": [["10:00", "14:00"]]},
        "holidays": ["2026-04-03"],
        "closures": [{"start": "2026-04-13T00:00:00+02:00", "end": "2026-04-15T00:00:00+02:00"}],
    }


def appointments(agenda: dict[str, Any], seed: int = 7) -> dict[str, list[Busy]]:
    """Return 2,000 random appointments over the next 60 days, as blocked intervals per service."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    busy: dict[str, list[Busy]] = {s["id"]: [] for s in agenda["services"]}
    for _ in range(APPOINTMENTS):
        service = rng.choice(agenda["services"])["id"]
        start = NOW + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(2, 12), minutes=30 * rng.randrange(2))
        blocked_start, _end, blocked_end = blocked_span(agenda, service, start)
        # Stored appointments come back from the database in UTC.
        busy[service].append(Busy(blocked_start.astimezone(UTC), blocked_end.astimezone(UTC)))
    return busy


def one_run(agenda: dict[str, Any], busy: dict[str, list[Busy]]) -> int:
    """Compute 60 days of slots for every service and return how many were offered."""
    first = NOW.date()
    last = first + timedelta(days=DAYS)
    return sum(len(_slots(agenda, s["id"], first, last, busy[s["id"]])) for s in agenda["services"])


def _slots(agenda: dict[str, Any], service: str, first: date, last: date, busy: list[Busy]) -> list[dict[str, Any]]:
    return day_slots(agenda, service, first, last, NOW, busy)


def time_runs(agenda: dict[str, Any], busy: dict[str, list[Busy]], runs: int, cold: bool) -> list[float]:
    """Return the milliseconds of each run; ``cold`` empties the cache of day clocks before each."""
    timings = []
    for _ in range(runs):
        if cold:
            day_clock.cache_clear()
        started = time.perf_counter()
        one_run(agenda, busy)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    """Print the best and median time of a run, with and without cached day clocks, against the target."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    agenda = store()
    busy = appointments(agenda)
    offered = one_run(agenda, busy)
    print(f"store: {len(agenda['services'])} services, capacity 3, {APPOINTMENTS} appointments, {DAYS} days")
    print(
        f"timed: day_slots for {DAYS} days x {len(agenda['services'])} services ({offered} slots offered), {runs} runs"
    )
    medians = []
    for label, cold in (("warm (day clocks cached, as in a running server)", False), ("cold (cache emptied)", True)):
        timings = time_runs(agenda, busy, runs, cold)
        medians.append(statistics.median(timings))
        print(f"{label}: best {min(timings):.2f} ms; median {medians[-1]:.2f} ms")
    verdict = "met" if max(medians) < TARGET_MS else "NOT met"
    print(f"target: median under {TARGET_MS:.0f} ms per run, warm and cold: {verdict}")


if __name__ == "__main__":
    main()
