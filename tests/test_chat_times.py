"""Times and dates typed while the chat offers slots, in es, ca, pt and en, over the chat API.

The agenda's clock is pinned to Monday 4 March 2030, 09:00 in Madrid: the store opens 09:30-14:00
and 16:30-20:00 on weekdays and 10:00-14:00 on Saturdays, with two hours' notice, so the first free
showroom visit is today at 11:00.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.agenda import clock
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

NOW = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)  # Monday, 09:00 in Madrid


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def set_agenda(client: FlaskClient, cast: Cast, **changes: Any) -> None:
    agenda = defaults.agenda("Europe/Madrid") | changes
    assert client.put("/v1/config/agenda", json=agenda, headers=auth(cast.alice_token)).status_code == 200


def at_the_slots(client: FlaskClient, cast: Cast, rt: Runtime, lang: str, phone: str | None = None) -> Visitor:
    """Return a visitor in ``lang`` who answered everything up to the showroom slots."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.allowed_origins = [ORIGIN]
        tenant.branding = {**tenant.branding, "phone": phone}
    forget(rt, cast.tenant_a)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open(lang=lang)
    v.start()
    while v.waiting_for not in {"appointment", None}:
        v.send(**BASE_ANSWERS[v.waiting_for])
    return v


def booked_starts(client: FlaskClient, cast: Cast) -> list[str]:
    listed = client.get("/v1/appointments?from=2030-03-01&to=2030-04-30", headers=auth(cast.alice_token))
    return [a["start"] for a in listed.get_json()["items"]]


def test_a_weekday_and_a_free_time_book_that_time(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "es")
    answer = v.send(text="el miércoles a las 17:00")
    assert answer["messages"][0]["text"].startswith("¡Reservado!")
    assert "17:00" in answer["messages"][0]["text"]
    assert booked_starts(client, cast) == ["2030-03-06T17:00:00+01:00"]


def test_a_time_alone_picks_that_time_on_the_day_shown(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "es")
    assert v.last["input"]["slots"][0]["start"] == "2030-03-04T11:00:00+01:00"
    answer = v.send(text="a las 17:00 mejor")
    assert answer["messages"][0]["text"].startswith("¡Reservado!")
    assert booked_starts(client, cast) == ["2030-03-04T17:00:00+01:00"]


def test_a_time_in_words_books_it_in_portuguese(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "pt")
    answer = v.send(text="Pode ser amanhã às 17h30?")
    assert answer["messages"][0]["text"].startswith("Marcado!")
    assert booked_starts(client, cast) == ["2030-03-05T17:30:00+01:00"]


def test_a_catalan_hour_in_words_is_read_in_the_afternoon(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "ca")
    answer = v.send(text="dijous a les cinc")
    assert answer["messages"][0]["text"].startswith("Reservat!")
    assert booked_starts(client, cast) == ["2030-03-07T17:00:00+01:00"]


def test_a_taken_time_offers_the_nearest_times_that_day(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    first = at_the_slots(client, cast, rt, "en")
    first.send(text="Wednesday at 5pm")
    v = at_the_slots(client, cast, rt, "en")
    answer = v.send(text="wednesday at 5pm please")
    assert answer["messages"][0]["text"] == "These are the free times closest to what you asked for:"
    starts = [s["start"] for s in answer["input"]["slots"]]
    # The 17:00 visit lasts an hour, so 16:30 and 17:30 overlap it: 18:00 is the nearest that day,
    # then the same time on the nearest other day.
    assert "2030-03-06T17:00:00+01:00" not in starts
    assert {"2030-03-06T18:00:00+01:00", "2030-03-07T17:00:00+01:00"} <= set(starts)
    assert all(int(s[11:13]) >= 16 for s in starts)
    assert booked_starts(client, cast) == ["2030-03-06T17:00:00+01:00"]


def test_an_approximate_time_offers_times_around_it_without_booking(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    v = at_the_slots(client, cast, rt, "en")
    answer = v.send(text="tomorrow around 6")
    assert answer["messages"][0]["text"] == "These are the free times closest to what you asked for:"
    starts = [s["start"] for s in answer["input"]["slots"]]
    assert "2030-03-05T18:00:00+01:00" in starts
    assert all(s.startswith("2030-03-05T1") and int(s[11:13]) >= 16 for s in starts)
    assert booked_starts(client, cast) == []
    booked = v.send(value="2030-03-05T18:00:00+01:00")
    assert booked["messages"][0]["text"].startswith("Booked!")


def test_a_holiday_keeps_the_part_of_the_day_on_the_nearest_days(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    set_agenda(client, cast, holidays=["2030-03-05"])
    v = at_the_slots(client, cast, rt, "ca")
    answer = v.send(text="dimarts a la tarda")
    assert answer["messages"][0]["text"].startswith("Aquell dia no ens queda lloc a aquella hora")
    starts = [s["start"] for s in answer["input"]["slots"]]
    assert starts
    assert not any(s.startswith("2030-03-05") for s in starts)
    assert all(int(s[11:13]) >= 14 for s in starts)
    assert any(s.startswith("2030-03-06") for s in starts)


def test_a_past_date_is_said_to_be_past_and_the_nearest_slots_offered(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    v = at_the_slots(client, cast, rt, "es")
    answer = v.send(text="el 1 de marzo a las 10")
    assert answer["messages"][0]["text"].startswith("Esa fecha ya ha pasado.")
    starts = [s["start"] for s in answer["input"]["slots"]]
    assert starts
    assert all(int(s[11:13]) < 14 for s in starts)
    assert "2030-03-05T10:00:00+01:00" in starts
    assert booked_starts(client, cast) == []


def test_a_past_time_today_is_said_to_be_past_in_portuguese(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "pt")
    answer = v.send(text="hoje às 9h")
    assert answer["messages"][0]["text"].startswith("Essa hora de hoje já passou.")
    assert answer["input"]["slots"]
    assert booked_starts(client, cast) == []


def test_a_part_of_the_day_alone_offers_that_part(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = at_the_slots(client, cast, rt, "es")
    answer = v.send(text="mejor por la tarde")
    starts = [s["start"] for s in answer["input"]["slots"]]
    assert starts
    assert all(int(s[11:13]) >= 16 for s in starts)
    assert any(s.startswith("2030-03-04") for s in starts)


def test_an_empty_agenda_says_so_and_goes_on_without_slots(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    set_agenda(client, cast, weekly={day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    v = at_the_slots(client, cast, rt, "en", phone="+34 960 000 000")
    texts = v.texts()
    assert any(t.startswith("We have no free times in the coming weeks") for t in texts)
    assert "If you prefer, call us on +34 960 000 000." in texts
    assert v.last["input"] is None or v.last["input"].get("type") != "date"
