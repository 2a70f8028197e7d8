"""Unit and property tests of appliance.core.understanding.dates.find_day.

Unless a test says otherwise, today is Thursday 26 November 2026.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.core.understanding.dates import DayWish, find_day

TODAY = date(2026, 11, 26)  # a Thursday
FRI, SAT, SUN = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)
MON, TUE, WED, NEXT_THU = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


def day(text: str, language: str, today: date = TODAY) -> date | None:
    """Return only the day find_day reads, or None."""
    wish = find_day(text, language, today)
    return wish.day if wish else None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el lunes", "es", MON),
        ("Martes", "es", TUE),
        ("el miércoles", "es", WED),
        ("miercoles", "es", WED),
        ("mircoles?", "es", WED),
        ("el viernes porfa", "es", FRI),
        ("biernes", "es", FRI),
        ("el sabado", "es", SAT),
        ("SÁBADO!!", "es", SAT),
        ("domingo", "es", SUN),
        ("dilluns", "ca", MON),
        ("dimarts", "ca", TUE),
        ("dimecres", "ca", WED),
        ("divendres", "ca", FRI),
        ("dissabte", "ca", SAT),
        ("disabte", "ca", SAT),
        ("diumenge", "ca", SUN),
        ("segunda-feira", "pt", MON),
        ("terça-feira", "pt", TUE),
        ("terca feira", "pt", TUE),
        ("quarta-feira", "pt", WED),
        ("qua", "pt", WED),
        ("sexta feira", "pt", FRI),
        ("2ª feira", "pt", MON),
        ("sábado", "pt", SAT),
        ("Monday", "en", MON),
        ("tues", "en", TUE),
        ("wednesday", "en", WED),
        ("wensday", "en", WED),
        ("friday pls", "en", FRI),
        ("saturday", "en", SAT),
    ],
)
def test_it_reads_weekday_names_in_four_languages_with_chat_typos(text: str, language: str, expected: date) -> None:
    assert day(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("segunda", MON), ("terca", TUE), ("quarta", WED), ("na quinta", NEXT_THU), ("sexta", FRI)],
)
def test_it_reads_bare_portuguese_weekdays_in_portuguese(text: str, expected: date) -> None:
    assert day(text, "pt") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("sexta", "es"),
        ("es de segunda mano", "es"),
        ("comprei em segunda mão", "pt"),
        ("a quinta opção", "pt"),
        ("dl o dt", "ca"),
        ("dc, dj, dv", "ca"),
        ("lun o mar", "es"),
        ("sat on the sofa", "en"),
    ],
)
def test_it_skips_ordinals_and_ambiguous_abbreviations(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


def test_a_bare_weekday_on_that_weekday_is_next_weeks() -> None:
    tuesday = TUE
    assert day("el martes", "es", tuesday) == tuesday + timedelta(days=7)
    assert day("hoy", "es", tuesday) == tuesday
    assert day("el jueves", "es") == NEXT_THU
    assert day("dijous", "ca") == NEXT_THU
    assert day("thursday", "en") == NEXT_THU


def test_this_weekday_includes_today() -> None:
    assert day("este jueves", "es") == TODAY
    assert day("aquest dijous", "ca") == TODAY
    assert day("esta quinta", "pt") == TODAY
    assert day("this friday", "en") == FRI


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("el próximo martes", "es"),
        ("el martes que viene", "es"),
        ("dimarts que ve", "ca"),
        ("el proper dimarts", "ca"),
        ("próxima terça", "pt"),
        ("terça-feira que vem", "pt"),
        ("next tuesday", "en"),
    ],
)
def test_next_weekday_is_the_first_one_after_today(text: str, language: str) -> None:
    assert day(text, language) == TUE


def test_next_friday_said_on_thursday_is_tomorrow() -> None:
    assert day("next Friday", "en") == FRI
    assert day("el próximo viernes", "es") == FRI


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("el viernes de la semana que viene", "es"),
        ("la próxima semana, el viernes", "es"),
        ("divendres de la setmana que ve", "ca"),
        ("la propera setmana divendres", "ca"),
        ("sexta da semana que vem", "pt"),
        ("friday next week", "en"),
        ("next week on friday", "en"),
    ],
)
def test_a_weekday_of_next_week_is_in_the_next_calendar_week(text: str, language: str) -> None:
    assert day(text, language) == date(2026, 12, 4)


def test_next_week_counts_calendar_weeks_from_monday() -> None:
    monday = date(2026, 11, 23)
    assert day("el martes", "es", monday) == date(2026, 11, 24)
    assert day("el martes de la semana que viene", "es", monday) == date(2026, 12, 1)
    assert day("el lunes de la semana que viene", "es", monday) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "language", "offset"),
    [
        ("hoy", "es", 0),
        ("avui", "ca", 0),
        ("hoje", "pt", 0),
        ("today", "en", 0),
        ("mañana", "es", 1),
        ("manana", "es", 1),
        ("demà", "ca", 1),
        ("dema", "ca", 1),
        ("amanhã", "pt", 1),
        ("amanha", "pt", 1),
        ("tomorrow", "en", 1),
        ("tmrw", "en", 1),
        ("pasado mañana", "es", 2),
        ("demà passat", "ca", 2),
        ("passat demà", "ca", 2),
        ("depois de amanhã", "pt", 2),
        ("the day after tomorrow", "en", 2),
    ],
)
def test_it_reads_relative_days(text: str, language: str, offset: int) -> None:
    assert day(text, language) == TODAY + timedelta(days=offset)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("mañana por la mañana", "es", DayWish(FRI, "morning")),
        ("mañana de mañana", "es", DayWish(FRI, "morning")),
        ("pasado mañana por la tarde", "es", DayWish(SAT, "afternoon")),
        ("demà al matí", "ca", DayWish(FRI, "morning")),
        ("amanhã de manhã", "pt", DayWish(FRI, "morning")),
        ("tomorrow morning", "en", DayWish(FRI, "morning")),
    ],
)
def test_manana_is_tomorrow_or_morning_by_its_place(text: str, language: str, expected: DayWish) -> None:
    assert find_day(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("por la mañana", "es"), ("mejor por la tarde", "es"), ("al matí", "ca"), ("de manhã", "pt"), ("mornings", "en")],
)
def test_a_part_of_day_alone_names_no_day(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language", "part"),
    [
        ("el martes por la mañana", "es", "morning"),
        ("el martes a primera hora", "es", "morning"),
        ("el martes a última hora de la mañana", "es", "morning"),
        ("el martes por la tarde", "es", "afternoon"),
        ("el martes tarde", "es", "afternoon"),
        ("el martes a primera hora de la tarde", "es", "afternoon"),
        ("el martes a última hora", "es", "evening"),
        ("el martes por la noche", "es", "evening"),
        ("dimarts pel matí", "ca", "morning"),
        ("dimarts a la tarda", "ca", "afternoon"),
        ("dimarts per la tarda", "ca", "afternoon"),
        ("dimarts tarda", "ca", "afternoon"),
        ("dimarts al vespre", "ca", "evening"),
        ("terça de manhã", "pt", "morning"),
        ("terça à tarde", "pt", "afternoon"),
        ("terça de tarde", "pt", "afternoon"),
        ("terça ao fim do dia", "pt", "evening"),
        ("terça à noite", "pt", "evening"),
        ("tuesday in the morning", "en", "morning"),
        ("tuesday afternoon", "en", "afternoon"),
        ("tuesday in the evening", "en", "evening"),
        ("el martes", "es", None),
    ],
)
def test_it_reads_the_part_of_the_day(text: str, language: str, part: str | None) -> None:
    assert find_day(text, language, TODAY) == DayWish(TUE, part)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("esta tarde", "es", DayWish(TODAY, "afternoon")),
        ("esta noche", "es", DayWish(TODAY, "evening")),
        ("aquesta tarda", "ca", DayWish(TODAY, "afternoon")),
        ("hoje à tarde", "pt", DayWish(TODAY, "afternoon")),
        ("this morning", "en", DayWish(TODAY, "morning")),
        ("tonight", "en", DayWish(TODAY, "evening")),
    ],
)
def test_this_afternoon_and_tonight_are_today(text: str, language: str, expected: DayWish) -> None:
    assert find_day(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("buenas tardes, ¿el martes?", "es"),
        ("bona tarda! dimarts", "ca"),
        ("boa tarde, terça pode ser", "pt"),
        ("Good morning, Tuesday works", "en"),
        ("el martes, más tarde no", "es"),
    ],
)
def test_greetings_and_later_are_not_parts_of_the_day(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) == DayWish(TUE, None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("este fin de semana", "es"),
        ("el finde", "es"),
        ("aquest cap de setmana", "ca"),
        ("este fim de semana", "pt"),
        ("this weekend", "en"),
        ("el próximo fin de semana", "es"),
        ("next weekend", "en"),
    ],
)
def test_the_weekend_is_the_coming_saturday(text: str, language: str) -> None:
    assert day(text, language) == SAT


def test_this_weekend_during_the_weekend_is_today_and_next_weekend_the_following_saturday() -> None:
    assert day("este fin de semana", "es", SUN) == SUN
    assert day("this weekend", "en", SAT) == SAT
    assert day("next weekend", "en", SAT) == SAT + timedelta(days=7)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el 15 de marzo", "es", date(2027, 3, 15)),
        ("15 de març", "ca", date(2027, 3, 15)),
        ("el 15 d'abril", "ca", date(2027, 4, 15)),
        ("1r de maig", "ca", date(2027, 5, 1)),
        ("dia 15 de março", "pt", date(2027, 3, 15)),
        ("1º de maio", "pt", date(2027, 5, 1)),
        ("March 15", "en", date(2027, 3, 15)),
        ("march 15th, 2027", "en", date(2027, 3, 15)),
        ("15 March", "en", date(2027, 3, 15)),
        ("the 15th of March", "en", date(2027, 3, 15)),
        ("el quince de marzo", "es", date(2027, 3, 15)),
        ("el 3 de diciembre", "es", NEXT_THU),
        ("el viernes 4 de diciembre", "es", date(2026, 12, 4)),
        ("26 de noviembre", "es", TODAY),
    ],
)
def test_it_reads_dates_with_month_names(text: str, language: str, expected: date) -> None:
    assert day(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("15/3", "es", date(2027, 3, 15)),
        ("el 15-03", "es", date(2027, 3, 15)),
        ("15/03/2027", "es", date(2027, 3, 15)),
        ("15.03.2027", "pt", date(2027, 3, 15)),
        ("15/03/27", "ca", date(2027, 3, 15)),
        ("3/12", "es", NEXT_THU),
        ("3/12", "en", NEXT_THU),
        ("3/15", "en", date(2027, 3, 15)),
        ("2026-12-03", "en", NEXT_THU),
    ],
)
def test_it_reads_numeric_dates_day_first(text: str, language: str, expected: date) -> None:
    assert day(text, language) == expected


def test_month_first_is_english_only() -> None:
    assert day("3/15", "es") is None


def test_a_date_without_a_year_rolls_over_to_next_year() -> None:
    december = date(2026, 12, 20)
    assert day("5 de enero", "es", december) == date(2027, 1, 5)
    assert day("5/1", "pt", december) == date(2027, 1, 5)
    assert day("24 de desembre", "ca", december) == date(2026, 12, 24)
    assert day("29 de febrero", "es") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("31 de febrero", "es"),
        ("30 de fevereiro", "pt"),
        ("31/04", "es"),
        ("31 april", "en"),
        ("29/02/2027", "es"),
        ("32/1", "es"),
        ("15/13", "es"),
        ("15/03/2025", "es"),
    ],
)
def test_it_rejects_impossible_and_past_dates(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el día 15", "es", date(2026, 12, 15)),
        ("dia 30 de manhã", "pt", date(2026, 11, 30)),
        ("the 3rd", "en", NEXT_THU),
        ("el viernes 4", "es", date(2026, 12, 4)),
        ("sábado dia 5", "pt", date(2026, 12, 5)),
        ("el viernes 15", "es", date(2026, 12, 15)),
        ("el día 26", "es", TODAY),
        ("el día 31", "es", date(2026, 12, 31)),
    ],
)
def test_a_day_number_is_the_next_such_day_of_the_month(text: str, language: str, expected: date) -> None:
    assert day(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("el viernes a las 10", "es", FRI),
        ("el viernes 10 de la mañana", "es", FRI),
        ("el sábado 10 a 14", "es", SAT),
        ("sexta feira às 10h", "pt", FRI),
        ("el lunes a las 10.30", "es", MON),
    ],
)
def test_hours_next_to_a_weekday_are_not_days_of_the_month(text: str, language: str, expected: date) -> None:
    assert day(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("cocina de 12 m2", "es"),
        ("presupuesto 15.000 €", "es"),
        ("unos 12.5 m2", "es"),
        ("mi móvil es 612-345-678", "es"),
        ("+34 612 34 56 78", "es"),
        ("en 3-4 semanas", "es"),
        ("de 10-12 me va bien", "es"),
        ("una cuina de 3x4", "ca"),
        ("abertos 24/7?", "pt"),
        ("a las 18:30", "es"),
        ("at 5 pm", "en"),
        ("I may come later", "en"),
        ("March 2027", "en"),
        ("vivo en el 2º", "es"),
    ],
)
def test_numbers_that_are_not_days_are_not_misread(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", "es"),
        ("hola, quiero una cocina nueva", "es"),
        ("lo antes posible", "es"),
        ("la semana que viene", "es"),
        ("volem un armari", "ca"),
        ("quanto custa?", "pt"),
        ("just browsing", "en"),
        ("buenas tardes", "es"),
        ("bom dia", "pt"),
    ],
)
def test_messages_without_a_day_give_none(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("mañana no puedo, mejor el sábado por la tarde", "es", DayWish(SAT, "afternoon")),
        ("mañana no, el lunes", "es", DayWish(MON, None)),
        ("dimarts no puc però dijous a la tarda sí", "ca", DayWish(NEXT_THU, "afternoon")),
        ("amanhã não posso, pode ser sábado de manhã?", "pt", DayWish(SAT, "morning")),
        ("can't do monday, tuesday evening?", "en", DayWish(TUE, "evening")),
        ("el lunes o el martes", "es", DayWish(MON, None)),
        ("¿puede ser el martes o no?", "es", DayWish(TUE, None)),
    ],
)
def test_the_first_day_not_turned_down_wins(text: str, language: str, expected: DayWish) -> None:
    assert find_day(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("el martes no puedo", "es"), ("cualquier día menos el lunes", "es"), ("not available on friday", "en")],
)
def test_a_day_only_turned_down_gives_none(text: str, language: str) -> None:
    assert find_day(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Hola!! 😊 Podríamos pasar el martes por la tarde?", "es", DayWish(TUE, "afternoon")),
        ("Bon dia, el dimecres que ve al matí ens aniria bé", "ca", DayWish(WED, "morning")),
        ("Olá, pode ser na sexta à tarde? Obrigada", "pt", DayWish(FRI, "afternoon")),
        ("Oi! Quarta-feira de manhã dá pra vocês?", "pt", DayWish(WED, "morning")),
        ("Hi, could we come by next Friday afternoon?", "en", DayWish(FRI, "afternoon")),
        ("cocina de 12 m2, 15.000 €, mejor el lunes", "es", DayWish(MON, None)),
        ("Marc i jo podem venir dissabte", "ca", DayWish(SAT, None)),
        ("EL 15 DE MARZO POR LA TARDE", "es", DayWish(date(2027, 3, 15), "afternoon")),
        ("por la tarde mejor, el jueves", "es", DayWish(NEXT_THU, "afternoon")),
    ],
)
def test_it_reads_messy_chat_messages(text: str, language: str, expected: DayWish) -> None:
    assert find_day(text, language, TODAY) == expected


def test_it_stays_fast_on_very_long_messages() -> None:
    started = time.perf_counter()
    for text in ("el " * 3000, "no puedo el martes, " * 300, "sábado " * 2000, "15/3 " * 1000):
        find_day(text, "es", TODAY)
    assert time.perf_counter() - started < 2


_CHAT_WORDS = st.lists(
    st.sampled_from(["el", "martes", "15/3", "31/02", "29", "de", "febrero", "mañana", "por", "la", "no", "que ve"])
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120)
    | st.lists(st.sampled_from(["el", "martes", "15", "/", "3", "de", "marzo", "mañana"])).map(" ".join),
    st.sampled_from(["es", "ca", "pt", "en"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_it_never_raises_and_never_returns_a_past_day(text: str, language: str, today: date) -> None:
    wish = find_day(text, language, today)
    assert wish is None or (wish.day >= today and wish.part in {None, "morning", "midday", "afternoon", "evening"})
