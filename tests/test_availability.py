"""Which slots a store offers: opening hours, daylight saving, notice, closures, capacity and travel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.agenda.availability import (
    Busy,
    blocked_span,
    day_slots,
    in_service_area,
    is_offered,
    next_slots,
    service_of,
)

MADRID = ZoneInfo("Europe/Madrid")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LUNCH_BREAK = [["09:30", "14:00"], ["16:30", "20:00"]]
# Last Sundays of March and October 2026: clocks change at 01:00 UTC everywhere in the EU.
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)
ZONES = [
    # zone, winter offset, summer offset, a local time that does not exist in spring (and repeats in autumn)
    ("Europe/Madrid", "+01:00", "+02:00", "02:30"),
    ("Atlantic/Canary", "+00:00", "+01:00", "01:30"),
    ("Europe/Lisbon", "+00:00", "+01:00", "01:30"),
]


def make_agenda(hours: list[list[str]] | None = None, **changes: Any) -> dict[str, Any]:
    """Return an agenda open every day with the given hours and two services, changed by ``changes``."""
    agenda: dict[str, Any] = {
        "timezone": "Europe/Madrid",
        "slot_minutes": 30,
        "min_notice_minutes": 0,
        "max_days_ahead": 60,
        "services": [
            {"id": "showroom_visit", "duration_minutes": 60, "capacity": 1},
            {"id": "measuring_visit", "duration_minutes": 90, "capacity": 1, "location": "home"},
        ],
        "weekly": dict.fromkeys(WEEKDAYS, hours if hours is not None else LUNCH_BREAK),
        "holidays": [],
        "closures": [],
    }
    return agenda | changes


def service(**fields: Any) -> dict[str, Any]:
    """Return a service ``visit`` of 60 minutes with ``fields`` changed."""
    return {"id": "visit", "duration_minutes": 60, "capacity": 1} | fields


def local(day: date, clock: str, zone: ZoneInfo = MADRID) -> datetime:
    """Return an aware datetime for a local day and HH:MM."""
    return datetime.combine(day, datetime.strptime(clock, "%H:%M").time(), zone)


def starts(slots: list[dict[str, Any]]) -> list[str]:
    """Return the local HH:MM of each slot's start."""
    return [slot["start"][11:16] for slot in slots]


def one_day(agenda: dict[str, Any], day: date, service_id: str = "showroom_visit", busy: Any = ()) -> list[dict]:
    """Return the slots of one day seen from the start of the previous week."""
    return day_slots(
        agenda, service_id, day, day, datetime.combine(day - timedelta(days=7), datetime.min.time(), UTC), busy
    )


MONDAY = date(2026, 5, 4)

# Daylight saving time


@pytest.mark.parametrize(("zone", "winter", "summer", "_gap"), ZONES)
def test_spring_forward_keeps_opening_hours(zone: str, winter: str, summer: str, _gap: str) -> None:
    agenda = make_agenda(timezone=zone)
    before = one_day(agenda, SPRING - timedelta(days=1))
    on_the_day = one_day(agenda, SPRING)
    assert starts(on_the_day) == starts(before)
    assert on_the_day[0]["start"] == f"{SPRING}T09:30:00{summer}"
    assert before[0]["start"] == f"{SPRING - timedelta(days=1)}T09:30:00{winter}"
    assert on_the_day[-1]["end"] == f"{SPRING}T20:00:00{summer}"


@pytest.mark.parametrize(("zone", "winter", "summer", "_gap"), ZONES)
def test_fall_back_keeps_opening_hours(zone: str, winter: str, summer: str, _gap: str) -> None:
    agenda = make_agenda(timezone=zone)
    before = one_day(agenda, AUTUMN - timedelta(days=1))
    on_the_day = one_day(agenda, AUTUMN)
    assert starts(on_the_day) == starts(before)
    assert on_the_day[0]["start"] == f"{AUTUMN}T09:30:00{winter}"
    assert before[0]["start"] == f"{AUTUMN - timedelta(days=1)}T09:30:00{summer}"


@pytest.mark.parametrize(("zone", "winter", "summer", "gap"), ZONES)
def test_a_time_the_spring_night_skips_is_never_offered(zone: str, winter: str, summer: str, gap: str) -> None:
    agenda = make_agenda([["00:00", "06:00"]], timezone=zone)
    slots = one_day(agenda, SPRING)
    assert gap not in starts(slots)
    assert len(set(starts(slots))) == len(slots)
    for slot in slots:
        offset = winter if slot["start"][11:16] < gap else summer
        assert slot["start"].endswith(offset)


@pytest.mark.parametrize(("zone", "winter", "summer", "repeated"), ZONES)
def test_a_time_the_autumn_night_repeats_is_offered_once_in_summer_time(
    zone: str, winter: str, summer: str, repeated: str
) -> None:
    agenda = make_agenda([["00:00", "06:00"]], timezone=zone)
    slots = one_day(agenda, AUTUMN)
    moments = [datetime.fromisoformat(slot["start"]) for slot in slots]
    assert starts(slots).count(repeated) == 1
    assert f"{AUTUMN}T{repeated}:00{summer}" in [slot["start"] for slot in slots]
    assert moments == sorted(set(moments))
    assert len(slots) == 12 - 1  # 00:00 to 05:00 every half hour; the last start ends at 06:00


@pytest.mark.parametrize(("zone", "_winter", "_summer", "_gap"), ZONES)
def test_every_slot_of_a_year_has_the_right_offset_and_real_duration(
    zone: str, _winter: str, _summer: str, _gap: str
) -> None:
    agenda = make_agenda([["00:00", "03:30"], ["22:00", "23:59"]], timezone=zone, max_days_ahead=365)
    slots = day_slots(
        agenda, "measuring_visit", date(2026, 1, 1), date(2026, 12, 31), datetime(2026, 1, 1, tzinfo=UTC), ()
    )
    for slot in slots:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert start.astimezone(ZoneInfo(zone)).isoformat() == slot["start"]
        assert end.astimezone(ZoneInfo(zone)).isoformat() == slot["end"]
        assert end - start == timedelta(minutes=90)
    assert len({slot["start"] for slot in slots}) == len(slots)


def test_a_visit_across_the_spring_jump_must_end_by_closing_time() -> None:
    slots = one_day(make_agenda([["00:00", "03:30"]]), SPRING)
    # 01:30 + one real hour is 03:30 in summer time: still inside; 02:00 and 02:30 do not exist.
    assert [(s["start"][11:], s["end"][11:]) for s in slots][-2:] == [
        ("01:00:00+01:00", "03:00:00+02:00"),
        ("01:30:00+01:00", "03:30:00+02:00"),
    ]


def test_a_closing_time_the_spring_night_skips_means_the_jump() -> None:
    slots = one_day(make_agenda([["00:00", "02:30"]]), SPRING)
    assert slots[-1] == {"start": "2026-03-29T01:00:00+01:00", "end": "2026-03-29T03:00:00+02:00", "available": 1}


# Opening hours, holidays, closures


def test_a_service_that_does_not_fit_before_lunch_is_not_offered_across_it() -> None:
    slots = one_day(make_agenda(), MONDAY, "measuring_visit")
    morning = ["09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]
    assert starts(slots) == [*morning, "16:30", "17:00", "17:30", "18:00", "18:30"]


def test_days_without_hours_offer_nothing() -> None:
    agenda = make_agenda()
    agenda["weekly"]["sun"] = []
    assert one_day(agenda, date(2026, 5, 10)) == []


def test_a_holiday_offers_nothing_and_the_next_day_is_open() -> None:
    agenda = make_agenda(holidays=["2026-05-04"])
    assert one_day(agenda, MONDAY) == []
    assert one_day(agenda, MONDAY + timedelta(days=1)) != []


def test_a_closure_of_several_days_offers_nothing_inside_it() -> None:
    closure = {"start": "2026-08-10T00:00:00+02:00", "end": "2026-08-24T00:00:00+02:00"}
    agenda = make_agenda(closures=[closure], max_days_ahead=365)
    now = datetime(2026, 8, 1, tzinfo=UTC)
    slots = day_slots(agenda, "showroom_visit", date(2026, 8, 9), date(2026, 8, 24), now, ())
    assert {s["start"][:10] for s in slots} == {"2026-08-09", "2026-08-24"}


def test_a_closure_that_starts_mid_day_keeps_the_morning() -> None:
    agenda = make_agenda(closures=[{"start": "2026-05-04T12:00:00+02:00", "end": "2026-05-05T00:00:00+02:00"}])
    assert starts(one_day(agenda, MONDAY)) == ["09:30", "10:00", "10:30", "11:00"]


def test_a_closure_also_stops_a_home_visit_whose_travel_would_run_into_it() -> None:
    agenda = make_agenda(closures=[{"start": "2026-05-04T12:00:00+02:00", "end": "2026-05-05T00:00:00+02:00"}])
    agenda["services"] = [service(location="home", travel_buffer_minutes=30)]
    assert starts(one_day(agenda, MONDAY, "visit")) == ["09:30", "10:00", "10:30"]


@pytest.mark.parametrize(("step", "expected"), [(15, 7), (30, 4), (60, 2)])
def test_slot_minutes_is_the_step_between_starts(step: int, expected: int) -> None:
    agenda = make_agenda([["09:00", "11:00"]], slot_minutes=step)
    agenda["services"] = [service(duration_minutes=30)]
    slots = one_day(agenda, MONDAY, "visit")
    assert len(slots) == expected
    assert starts(slots)[:2] == ["09:00", (local(MONDAY, "09:00") + timedelta(minutes=step)).strftime("%H:%M")]


# Notice and horizon


def test_minimum_notice_hides_the_next_hours() -> None:
    agenda = make_agenda(min_notice_minutes=120)
    now = local(MONDAY, "09:00")
    slots = day_slots(agenda, "showroom_visit", MONDAY, MONDAY, now, ())
    assert starts(slots)[0] == "11:00"


def test_slots_already_begun_are_not_offered_without_notice() -> None:
    now = local(MONDAY, "10:10")
    assert starts(day_slots(make_agenda(), "showroom_visit", MONDAY, MONDAY, now, ()))[0] == "10:30"


def test_nothing_is_offered_beyond_max_days_ahead() -> None:
    agenda = make_agenda(max_days_ahead=3)
    now = local(MONDAY, "08:00")
    slots = day_slots(agenda, "showroom_visit", MONDAY, MONDAY + timedelta(days=10), now, ())
    assert max(s["start"][:10] for s in slots) == str(MONDAY + timedelta(days=3))
    assert next_slots(agenda, "showroom_visit", now, day=MONDAY + timedelta(days=4)) == []


def test_days_before_today_are_never_offered() -> None:
    now = local(MONDAY, "08:00")
    slots = day_slots(make_agenda(), "showroom_visit", MONDAY - timedelta(days=5), MONDAY, now, ())
    assert {s["start"][:10] for s in slots} == {str(MONDAY)}


# Capacity and travel buffers


def busy_at(agenda: dict[str, Any], service_id: str, *clocks: str, day: date = MONDAY) -> list[Busy]:
    """Return the blocked intervals of existing appointments starting at the given local times."""
    spans = [blocked_span(agenda, service_id, local(day, clock)) for clock in clocks]
    return [Busy(blocked_start, blocked_end) for blocked_start, _end, blocked_end in spans]


def test_two_designers_show_one_place_left_beside_one_booking() -> None:
    agenda = make_agenda()
    agenda["services"] = [service(capacity=2)]
    slots = {
        s["start"][11:16]: s["available"] for s in one_day(agenda, MONDAY, "visit", busy_at(agenda, "visit", "10:00"))
    }
    assert (slots["09:30"], slots["10:00"], slots["10:30"], slots["11:00"]) == (1, 1, 1, 2)


def test_two_designers_booked_at_once_close_the_slot() -> None:
    agenda = make_agenda()
    agenda["services"] = [service(capacity=2)]
    slots = starts(one_day(agenda, MONDAY, "visit", busy_at(agenda, "visit", "10:00", "10:00")))
    assert "10:00" not in slots
    assert "09:30" not in slots
    assert "11:00" in slots


def test_a_home_visit_blocks_its_travel_so_an_adjacent_one_is_not_offered() -> None:
    agenda = make_agenda([["09:00", "20:00"]])
    agenda["services"] = [service(duration_minutes=90, location="home", travel_buffer_minutes=30)]
    slots = starts(one_day(agenda, MONDAY, "visit", busy_at(agenda, "visit", "10:00")))
    assert "11:30" not in slots  # it would start as the first one ends, with no time to travel
    assert "12:00" not in slots
    assert "12:30" in slots
    assert "08:30" not in slots
    assert "09:00" not in slots  # its travel back would overlap the next visit's travel there


def test_blocked_span_widens_a_home_visit_by_its_travel_buffer() -> None:
    agenda = make_agenda()
    agenda["services"] = [service(duration_minutes=90, location="home", travel_buffer_minutes=30)]
    assert blocked_span(agenda, "visit", local(MONDAY, "10:00")) == (
        local(MONDAY, "09:30"),
        local(MONDAY, "11:30"),
        local(MONDAY, "12:00"),
    )


def test_blocked_span_of_a_visit_across_the_spring_jump_counts_real_time() -> None:
    blocked_start, end, blocked_end = blocked_span(make_agenda(), "showroom_visit", local(SPRING, "01:30"))
    assert end.isoformat() == "2026-03-29T03:30:00+02:00"
    assert (blocked_start.isoformat(), blocked_end.isoformat()) == (
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
    )


def test_busy_times_without_an_offset_are_read_as_utc() -> None:
    busy = [Busy(datetime(2026, 5, 4, 8, 0), datetime(2026, 5, 4, 9, 0))]  # 10:00-11:00 in Madrid
    slots = starts(one_day(make_agenda(), MONDAY, busy=busy))
    assert "10:00" not in slots
    assert "11:00" in slots


def brute_force_available(agenda: dict[str, Any], service_id: str, start: datetime, busy: list[Busy]) -> int:
    """Return the places left at ``start`` by comparing with every busy interval, the slow obvious way."""
    blocked_start, _end, blocked_end = blocked_span(agenda, service_id, start)
    capacity = service_of(agenda, service_id)["capacity"]
    return capacity - sum(1 for b in busy if b.start < blocked_end and blocked_start < b.end)


@settings(max_examples=60, deadline=None)
@given(
    bookings=st.lists(st.tuples(st.integers(0, 6 * 24 * 4), st.sampled_from([15, 45, 60, 120])), max_size=40),
    capacity=st.integers(1, 4),
    buffer=st.sampled_from([0, 15, 30]),
)
def test_places_left_match_counting_every_booking(bookings: list[tuple[int, int]], capacity: int, buffer: int) -> None:
    agenda = make_agenda(slot_minutes=15)
    agenda["services"] = [service(capacity=capacity, location="home", travel_buffer_minutes=buffer)]
    origin = local(MONDAY, "00:00")
    busy = [
        Busy(origin + timedelta(minutes=15 * q), origin + timedelta(minutes=15 * q + length)) for q, length in bookings
    ]
    now = origin - timedelta(days=1)
    for slot in day_slots(agenda, "visit", MONDAY, MONDAY + timedelta(days=5), now, busy):
        assert slot["available"] == brute_force_available(agenda, "visit", datetime.fromisoformat(slot["start"]), busy)
        assert is_offered(agenda, "visit", datetime.fromisoformat(slot["start"]), now, busy)


# next_slots and is_offered


def test_next_slots_keeps_the_runtime_call_and_shape() -> None:
    slots = next_slots(make_agenda(min_notice_minutes=120), "showroom_visit", datetime(2026, 5, 4, 6, 0, tzinfo=UTC))
    assert slots[0] == {"start": "2026-05-04T10:00:00+02:00", "end": "2026-05-04T11:00:00+02:00"}
    assert len(slots) == 6


def test_next_slots_of_an_unknown_service_is_empty() -> None:
    assert next_slots(make_agenda(), "nope", datetime(2026, 5, 4, tzinfo=UTC)) == []


def test_next_slots_pages_forward_after_the_last_one_shown() -> None:
    agenda, now = make_agenda(), local(MONDAY, "08:00")
    first = next_slots(agenda, "showroom_visit", now, count=6)
    more = next_slots(agenda, "showroom_visit", now, count=6, after=datetime.fromisoformat(first[-1]["start"]))
    assert first + more == next_slots(agenda, "showroom_visit", now, count=12)


def test_next_slots_after_a_later_day_starts_on_that_day() -> None:
    agenda, now = make_agenda(), local(MONDAY, "08:00")
    slots = next_slots(agenda, "showroom_visit", now, count=2, after=local(MONDAY + timedelta(days=3), "19:00"))
    assert [s["start"] for s in slots] == ["2026-05-08T09:30:00+02:00", "2026-05-08T10:00:00+02:00"]


def test_next_slots_of_one_day_stay_on_that_day() -> None:
    agenda, now = make_agenda(), local(MONDAY, "08:00")
    slots = next_slots(agenda, "showroom_visit", now, count=50, day=MONDAY + timedelta(days=2))
    assert {s["start"][:10] for s in slots} == {"2026-05-06"}
    assert len(slots) == len(one_day(agenda, MONDAY + timedelta(days=2)))


def test_next_slots_skip_busy_times() -> None:
    agenda, now = make_agenda(), local(MONDAY, "08:00")
    slots = next_slots(agenda, "showroom_visit", now, count=1, busy=busy_at(agenda, "showroom_visit", "09:30", "10:30"))
    assert slots[0]["start"] == "2026-05-04T11:30:00+02:00"


@pytest.mark.parametrize("zone", [z[0] for z in ZONES])
def test_is_offered_agrees_with_day_slots_every_quarter_hour_of_both_changes(zone: str) -> None:
    agenda = make_agenda([["00:00", "04:00"], ["09:30", "14:00"]], timezone=zone, min_notice_minutes=60)
    for day in (SPRING, AUTUMN):
        now = local(day, "00:40", ZoneInfo(zone))
        busy = busy_at(agenda, "showroom_visit", "11:00", day=day)
        window = day_slots(agenda, "showroom_visit", day, day + timedelta(days=1), now, busy)
        offered = {datetime.fromisoformat(s["start"]) for s in window}
        moment = datetime.combine(day, datetime.min.time(), UTC) - timedelta(hours=3)
        for _ in range(4 * 27):
            assert is_offered(agenda, "showroom_visit", moment, now, busy) == (moment in offered)
            moment += timedelta(minutes=15)


def test_is_offered_refuses_a_start_off_the_grid_or_of_an_unknown_service() -> None:
    agenda, now = make_agenda(), local(MONDAY, "08:00")
    assert is_offered(agenda, "showroom_visit", local(MONDAY, "10:00"), now, ())
    assert not is_offered(agenda, "showroom_visit", local(MONDAY, "10:10"), now, ())
    assert not is_offered(agenda, "nope", local(MONDAY, "10:00"), now, ())


# Service area


def area_agenda(area: dict[str, list[str]] | None) -> dict[str, Any]:
    """Return an agenda with a showroom visit and a home visit limited to ``area``."""
    agenda = make_agenda()
    agenda["services"][1]["service_area"] = area
    return agenda


def test_home_visits_go_to_listed_postal_codes_and_prefixes() -> None:
    agenda = area_agenda({"postal_codes": ["08001", "1000-001"], "prefixes": ["280", "46"]})
    assert in_service_area(agenda, "measuring_visit", "08001")
    assert in_service_area(agenda, "measuring_visit", " 28 015 ")
    assert in_service_area(agenda, "measuring_visit", "46010")
    assert in_service_area(agenda, "measuring_visit", "1000 001")
    assert not in_service_area(agenda, "measuring_visit", "08002")
    assert not in_service_area(agenda, "measuring_visit", "29001")


def test_letters_in_postal_codes_compare_without_case() -> None:
    agenda = area_agenda({"postal_codes": ["AD500"], "prefixes": ["ad7"]})
    assert in_service_area(agenda, "measuring_visit", "ad500")
    assert in_service_area(agenda, "measuring_visit", "AD700")


def test_a_home_visit_needs_a_postal_code() -> None:
    assert not in_service_area(area_agenda(None), "measuring_visit", None)
    assert not in_service_area(area_agenda({"postal_codes": [], "prefixes": ["28"]}), "measuring_visit", "  ")


def test_a_home_visit_without_an_area_goes_anywhere() -> None:
    assert in_service_area(area_agenda(None), "measuring_visit", "35001")


def test_a_showroom_visit_is_always_in_the_area() -> None:
    assert in_service_area(area_agenda({"postal_codes": ["08001"], "prefixes": []}), "showroom_visit", None)


def test_an_unknown_service_is_in_no_area() -> None:
    assert not in_service_area(area_agenda(None), "nope", "28001")
