"""The store panel's calendar: events, free times, booking, rescheduling, cancelling, no-shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.agenda import appointments as agenda
from appliance.agenda.booking import BookingRequest
from appliance.configs.documents import save as save_config
from appliance.infra.db import Appointment, Audit
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from tests.conftest import Cast
from tests.panel import csrf_token, post_form

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def alice(panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime) -> FlaskClient:
    for tenant in (cast.tenant_a, cast.tenant_b):
        with rt.transaction() as db:
            save_config(db, tenant.id, "agenda", defaults.agenda("Europe/Madrid"))
    return panel_login("alice@example.com")


def free_slots(rt: Runtime, tenant_id: str, count: int = 2) -> list[str]:
    first = date.today() + timedelta(days=3)
    found = agenda.slots(rt, tenant_id, "showroom_visit", first, first + timedelta(days=14))["slots"]
    return [slot["start"] for slot in found[:count]]


def book(rt: Runtime, tenant_id: str, start: str, name: str = "Marc Puig") -> dict[str, Any]:
    request = BookingRequest(service="showroom_visit", start=datetime.fromisoformat(start), name=name, actor="staff")
    return agenda.create(rt, tenant_id, request, None, None)[0]


def stored(rt: Runtime, appointment_id: str) -> Appointment:
    with rt.sessions() as db:
        found = db.get(Appointment, appointment_id)
        db.expunge(found)
        return found


def test_the_calendar_feeds_appointments_as_floating_store_times(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    start = free_slots(rt, cast.tenant_a.id)[0]
    made = book(rt, cast.tenant_a.id, start)
    book(rt, cast.tenant_b.id, free_slots(rt, cast.tenant_b.id)[0], name="Aliè")
    day = start[:10]
    events = alice.get(f"/panel/calendar/events.json?start={day}T00:00:00&end={day}T23:59:59").get_json()
    assert [e["id"] for e in events] == [made["id"]]
    assert events[0]["start"] == start[:19]  # no offset: shown as the store's wall-clock time
    assert "Marc Puig" in events[0]["title"]


def test_the_free_times_of_a_day_are_offered_as_choices(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    start = free_slots(rt, cast.tenant_a.id)[0]
    html = alice.get(f"/panel/calendar/slots?service=showroom_visit&day={start[:10]}").get_data(as_text=True)
    assert f'value="{start}"' in html


def test_staff_book_an_appointment_from_the_form(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    start = free_slots(rt, cast.tenant_a.id)[0]
    response = post_form(
        alice,
        "/panel/calendar/appointments",
        {"service": "showroom_visit", "start": start, "name": "Marc Puig", "email": "marc@example.com"},
        page="/panel/calendar",
    )
    assert response.status_code == 302
    with rt.sessions() as db:
        booked = db.scalar(select(Appointment).where(Appointment.tenant_id == cast.tenant_a.id))
        assert booked.start_at == datetime.fromisoformat(start)
        assert db.scalar(select(Audit.actor_user_id).where(Audit.action == "appointment.booked")) == cast.alice.id


def test_a_taken_time_is_refused_with_a_message(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    start = free_slots(rt, cast.tenant_a.id)[0]
    book(rt, cast.tenant_a.id, start)
    post_form(alice, "/panel/calendar/appointments", {"service": "showroom_visit", "start": start, "name": "Segon"})
    assert "That time was just taken" in alice.get("/panel/calendar").get_data(as_text=True)


def test_staff_reschedule_an_appointment_to_a_free_time(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    first, second = free_slots(rt, cast.tenant_a.id)
    made = book(rt, cast.tenant_a.id, first)
    detail = alice.get(f"/panel/calendar/appointments/{made['id']}").get_data(as_text=True)
    assert 'data-testid="reschedule-form"' in detail
    post_form(alice, f"/panel/calendar/appointments/{made['id']}", {"action": "reschedule", "start": second})
    assert stored(rt, made["id"]).start_at == datetime.fromisoformat(second)


def test_dragging_an_appointment_moves_it_or_is_undone(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    first, second = free_slots(rt, cast.tenant_a.id)
    made = book(rt, cast.tenant_a.id, first)
    headers = {"X-CSRFToken": csrf_token(alice, "/panel/calendar")}
    moved = alice.post(f"/panel/calendar/appointments/{made['id']}/move", json={"start": second[:19]}, headers=headers)
    assert moved.status_code == 200
    assert stored(rt, made["id"]).start_at == datetime.fromisoformat(second)
    three_am = second[:11] + "03:00:00"
    refused = alice.post(f"/panel/calendar/appointments/{made['id']}/move", json={"start": three_am}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]
    assert stored(rt, made["id"]).start_at == datetime.fromisoformat(second)


@pytest.mark.parametrize(
    ("action", "status"), [("cancel", "cancelled"), ("no_show", "no_show"), ("complete", "completed")]
)
def test_staff_cancel_or_mark_an_appointment(
    alice: FlaskClient, cast: Cast, rt: Runtime, action: str, status: str
) -> None:
    made = book(rt, cast.tenant_a.id, free_slots(rt, cast.tenant_a.id)[0])
    post_form(alice, f"/panel/calendar/appointments/{made['id']}", {"action": action})
    assert stored(rt, made["id"]).status == status


def test_another_stores_appointment_is_not_found(alice: FlaskClient, cast: Cast, rt: Runtime) -> None:
    theirs = book(rt, cast.tenant_b.id, free_slots(rt, cast.tenant_b.id)[0])
    assert alice.get(f"/panel/calendar/appointments/{theirs['id']}").status_code == 404
    post_form(alice, f"/panel/calendar/appointments/{theirs['id']}", {"action": "cancel"})
    headers = {"X-CSRFToken": csrf_token(alice, "/panel/calendar")}
    moved = alice.post(
        f"/panel/calendar/appointments/{theirs['id']}/move", json={"start": "2030-01-01T10:00:00"}, headers=headers
    )
    assert moved.status_code == 404
    assert stored(rt, theirs["id"]).status == "booked"


def test_the_calendar_buttons_speak_the_panels_language(alice: FlaskClient, cast: Cast) -> None:
    token = csrf_token(alice, "/panel/calendar")
    alice.post("/ui/language", data={"language": "ca", "csrf_token": token})
    html = alice.get("/panel/calendar").get_data(as_text=True)
    assert '"today": "Avui"' in html
    assert '"locale": "ca"' in html
    assert '"noEvents": "No hi ha cites"' in html


WEEKDAYS_9_TO_2 = {"weekly": {d: [["09:00", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (datetime(2026, 12, 9, 10, 0), date(2026, 12, 9)),  # a Wednesday morning: today
        (datetime(2026, 12, 9, 15, 0), date(2026, 12, 10)),  # after closing: tomorrow
        (datetime(2026, 12, 11, 15, 0), date(2026, 12, 14)),  # Friday after closing: next week's Monday
        (datetime(2026, 12, 13, 9, 0), date(2026, 12, 14)),  # a Sunday: Monday
    ],
)
def test_the_calendar_opens_on_the_next_day_with_opening_hours_left(now: datetime, opens: date) -> None:
    from appliance.core.agenda.opening import next_open_day

    assert next_open_day(WEEKDAYS_9_TO_2, now) == opens


def test_a_holiday_and_a_store_with_no_hours_are_handled() -> None:
    from appliance.core.agenda.opening import next_open_day

    friday = datetime(2026, 12, 11, 15, 0)
    assert next_open_day({**WEEKDAYS_9_TO_2, "holidays": ["2026-12-14"]}, friday) == date(2026, 12, 15)
    assert next_open_day({"weekly": {}}, friday) == friday.date()


def test_day_pickers_read_in_the_panels_language_not_the_browsers(alice: FlaskClient, cast: Cast) -> None:
    token = csrf_token(alice, "/panel/calendar")
    alice.post("/ui/language", data={"language": "es", "csrf_token": token})
    html = alice.get("/panel/calendar").get_data(as_text=True)
    assert 'type="date"' not in html
    picker = html.split('data-testid="book-day"')[1].split("</select>")[0]
    assert any(day in picker for day in ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"))
    assert "diciembre" in picker or "enero" in picker or " de " in picker


def test_the_move_dialog_starts_at_the_appointments_own_day_and_time(
    alice: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    start = free_slots(rt, cast.tenant_a.id)[0]
    made = book(rt, cast.tenant_a.id, start)
    dialog = alice.get(f"/panel/calendar/appointments/{made['id']}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    picker = dialog.split('data-testid="move-day"')[1].split("</select>")[0]
    assert f'value="{start[:10]}" selected' in picker
    slots = alice.get(
        "/panel/calendar/slots", query_string={"service": "showroom_visit", "day": start[:10], "current": start}
    ).get_data(as_text=True)
    assert f'value="{start}" required checked' in slots
    assert slots.count("checked") == 1


def test_an_appointment_shows_its_emails_fate_and_its_calendar_file(
    alice: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    from appliance.agenda.reminders import note_mail

    made = book(rt, cast.tenant_a.id, free_slots(rt, cast.tenant_a.id)[0])
    note_mail(rt, made["id"], "invitation", "failed", 550)
    dialog = alice.get(f"/panel/calendar/appointments/{made['id']}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert 'data-kind="invitation" data-status="failed"' in dialog
    assert "code 550" in dialog
    assert 'data-kind="reminder_24h" data-status="pending"' in dialog
    ics = alice.get(f"/panel/calendar/appointments/{made['id']}/invite.ics")
    assert ics.status_code == 200
    assert ics.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in ics.data
    theirs = book(rt, cast.tenant_b.id, free_slots(rt, cast.tenant_b.id)[0])
    assert alice.get(f"/panel/calendar/appointments/{theirs['id']}/invite.ics").status_code == 404
