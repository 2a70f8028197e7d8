"""Unit tests of reading times (understanding.times), wishes (understanding.wishes) and choosing the
nearest free slots (core.agenda.nearest). Today is Thursday 26 November 2026, 12:00 in the store."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.agenda.nearest import nearest_slots
from appliance.core.understanding import understand
from appliance.core.understanding.times import find_time
from appliance.core.understanding.wishes import SlotWish, find_wish

NOW = datetime(2026, 11, 26, 12, 0)  # a Thursday
TUE, WED = date(2026, 12, 1), date(2026, 12, 2)


def hhmm(text: str, language: str) -> str | None:
    found = find_time(text, language)
    return f"{found.minute // 60:02d}:{found.minute % 60:02d}" if found else None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el miércoles a las 17:00", "es", "17:00"),
        ("a las 5 de la tarde", "es", "17:00"),
        ("a las cinco y media", "es", "17:30"),
        ("a las seis menos cuarto", "es", "17:45"),
        ("17h", "es", "17:00"),
        ("a las 10 de la mañana", "es", "10:00"),
        ("a la una del mediodía", "es", "13:00"),
        ("a les cinc", "ca", "17:00"),
        ("a dos quarts de sis", "ca", "17:30"),
        ("a les 10 del matí", "ca", "10:00"),
        ("cap a les 6 de la tarda", "ca", "18:00"),
        ("às 17h30", "pt", "17:30"),
        ("às cinco da tarde", "pt", "17:00"),
        ("por volta das 18h", "pt", "18:00"),
        ("5pm", "en", "17:00"),
        ("at 10:15am", "en", "10:15"),
        ("half past five", "en", "17:30"),
        ("quarter to six", "en", "17:45"),
        ("at five thirty", "en", "17:30"),
    ],
)
def test_it_reads_times_in_four_languages(text: str, language: str, expected: str) -> None:
    assert hhmm(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("sobre las 6", "es"), ("cap a les sis", "ca"), ("por volta das 18h", "pt"), ("around 6ish", "en")],
)
def test_approximate_times_are_marked_approximate(text: str, language: str) -> None:
    found = find_time(text, language)
    assert found is not None
    assert found.approximate
    assert found.minute == 18 * 60


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("las dos opciones me gustan", "es"),
        ("una cocina de 12 m2 y 15000 euros", "es"),
        ("el 15/3", "es"),
        ("dentro de 2h", "es"),
        ("tinc 3 portes", "ca"),
        ("liguem para 912 345 678", "pt"),
        ("it's 5 km away", "en"),
        ("12.5 m2", "en"),
    ],
)
def test_numbers_that_are_not_times_are_not_read_as_times(text: str, language: str) -> None:
    assert find_time(text, language) is None


def test_a_time_turned_down_is_skipped_for_the_one_wanted() -> None:
    assert hhmm("a las 10 no puedo, mejor a las 5", "es") == "17:00"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el martes por la tarde", "es", SlotWish(TUE, "afternoon", None)),
        ("el miércoles a las 17:00", "es", SlotWish(WED, "afternoon", 17 * 60)),
        ("a las 17:00 mejor", "es", SlotWish(None, "afternoon", 17 * 60)),
        ("dimecres al matí", "ca", SlotWish(WED, "morning", None)),
        ("demà a les cinc", "ca", SlotWish(date(2026, 11, 27), "afternoon", 17 * 60)),
        ("amanhã às 17h30", "pt", SlotWish(date(2026, 11, 27), "afternoon", 17 * 60 + 30)),
        ("à tarde", "pt", SlotWish(None, "afternoon", None)),
        ("next Tuesday at 4pm", "en", SlotWish(TUE, "afternoon", 16 * 60)),
        ("at midday", "en", SlotWish(None, "midday", None)),
    ],
)
def test_it_reads_a_day_a_part_and_a_time_together_or_alone(text: str, language: str, expected: SlotWish) -> None:
    assert find_wish(text, language, NOW) == expected


@pytest.mark.parametrize(
    ("text", "language", "past"),
    [
        ("el 1 de noviembre a las 10", "es", "day"),
        ("l'1 de novembre", "ca", "day"),
        ("hoy a las 10", "es", "time"),
        ("avui a les 9", "ca", "time"),
        ("hoje de manhã às 11", "pt", "time"),
        ("this morning at 9", "en", "time"),
        ("hoy a las 18:00", "es", None),
        ("el 1 de diciembre", "es", None),
    ],
)
def test_a_moment_already_gone_is_marked_past(text: str, language: str, past: str | None) -> None:
    wish = find_wish(text, language, NOW)
    assert wish is not None
    assert wish.past == past


def test_a_date_past_long_ago_is_next_years() -> None:
    wish = find_wish("el 5 de enero", "es", NOW)
    assert wish is not None
    assert wish.day == date(2027, 1, 5)
    assert wish.past is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("el miércoles a las 17:00", "es"),
        ("a les cinc de la tarda", "ca"),
        ("amanhã às 17h30", "pt"),
        ("tomorrow at 5pm", "en"),
        ("sobre las 6 de la tarde", "es"),
    ],
)
def test_the_time_of_a_visit_is_not_urgency(text: str, language: str) -> None:
    assert understand(text)["urgency"] is None


def slot(day: str, clock: str) -> dict[str, str]:
    return {"start": f"{day}T{clock}:00+01:00", "end": f"{day}T{clock}:00+01:00"}


FREE = [
    slot(d, t)
    for d in ("2026-11-30", "2026-12-02", "2026-12-03")
    for t in ("09:30", "10:00", "10:30", "16:30", "17:00", "17:30", "18:00")
]


def test_nearest_slots_prefer_the_day_then_the_time_then_the_nearest_days() -> None:
    # Tuesday 1 December has nothing: the afternoons of the nearest days, the later one first.
    chosen = nearest_slots(FREE, TUE, "afternoon", 17 * 60, count=6)
    assert [s["start"][:16] for s in chosen] == [
        "2026-11-30T16:30",
        "2026-11-30T17:00",
        "2026-11-30T17:30",
        "2026-12-02T16:30",
        "2026-12-02T17:00",
        "2026-12-02T17:30",
    ]


def test_nearest_slots_on_the_day_asked_are_the_times_closest_to_it() -> None:
    chosen = nearest_slots(FREE, WED, "morning", 10 * 60, count=3)
    assert [s["start"][:16] for s in chosen] == ["2026-12-02T09:30", "2026-12-02T10:00", "2026-12-02T10:30"]


def test_nearest_slots_fall_back_to_any_part_rather_than_none() -> None:
    chosen = nearest_slots(FREE, WED, "midday", None, count=2)
    assert len(chosen) == 2
    assert all(s["start"].startswith("2026-12-02") for s in chosen)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["es", "ca", "pt", "en"]))
def test_reading_a_wish_never_raises(text: str, language: str) -> None:
    wish = find_wish(text, language, NOW)
    assert wish is None or wish.minute is None or 0 <= wish.minute < 24 * 60
