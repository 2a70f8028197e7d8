"""Staff notifications: e-mailed at once or in a digest, held in quiet hours, in each person's
language, with a link to the lead, and counted under the bell."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.events import inbox as bell
from appliance.events.dispatch import dispatch
from appliance.events.mailing import send_due
from appliance.events.notices import DEFAULT_PREFS, in_quiet_hours, notice_kind
from appliance.events.prefs import save_prefs
from appliance.infra.db import User, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from tests.conftest import Cast
from tests.leads_factory import add_lead
from tests.mailbox import Inbox


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def mail_client(mail_app: Flask, cast: Cast) -> FlaskClient:
    client = mail_app.test_client()
    agenda = defaults.agenda("Europe/Madrid")
    agenda["weekly"]["sat"] = agenda["weekly"]["sun"] = [["09:00", "20:00"]]
    assert client.put("/v1/config/agenda", json=agenda, headers=auth(cast.alice_token)).status_code == 200
    return client


def book(client: FlaskClient, cast: Cast, nth: int = 0, lead_id: str | None = None) -> dict:
    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    slot = client.get(f"/v1/agenda/slots?{query}", headers=auth(cast.alice_token)).get_json()["slots"][nth]
    body = {"service": "showroom_visit", "start": slot["start"], "name": "Núria Vidal", "lead_id": lead_id}
    booked = client.post("/v1/appointments", json={k: v for k, v in body.items() if v}, headers=auth(cast.bob_token))
    assert booked.status_code == 201, booked.get_json()
    return booked.get_json()


def speaks(rt: Runtime, user: User, language: str) -> None:
    with rt.transaction() as db:
        db.get(User, user.id).language = language


def mails_to(inbox: Inbox, address: str) -> list:
    return [m for m in inbox.messages if m["To"] == address]


def test_a_booking_is_mailed_at_once_to_each_person_in_their_language(
    mail_client: FlaskClient, mrt: Runtime, cast: Cast, inbox: Inbox
) -> None:
    speaks(mrt, cast.bob, "en")
    lead_id = add_lead(mrt, cast.tenant_a.id)
    book(mail_client, cast, lead_id=lead_id)
    dispatch(mrt)
    [to_alice], [to_bob] = mails_to(inbox, "alice@example.com"), mails_to(inbox, "bob@example.com")
    assert to_alice["Subject"].startswith("Cuines Alícia: Cita reservada: ")
    assert to_bob["Subject"].startswith("Cuines Alícia: Appointment booked: ")
    assert f"/panel/leads/{lead_id}" in to_bob.get_content()
    assert "Open in the panel" in to_bob.get_content()
    assert mails_to(inbox, "charlie@example.com") == []
    assert send_due(mrt, utcnow()) == 0  # nothing is mailed twice


def test_a_digest_gathers_the_notices_in_one_mail_once_the_oldest_is_an_hour_old(
    mail_client: FlaskClient, mrt: Runtime, cast: Cast, inbox: Inbox
) -> None:
    save_prefs(mrt, cast.tenant_a.id, cast.alice.id, {"email": "digest"})
    save_prefs(mrt, cast.tenant_a.id, cast.bob.id, {"email": "off"})
    book(mail_client, cast, nth=0)
    book(mail_client, cast, nth=1)
    dispatch(mrt)
    assert inbox.messages == []
    assert send_due(mrt, utcnow() + timedelta(minutes=30)) == 0
    assert send_due(mrt, utcnow() + timedelta(minutes=61)) == 1
    [digest] = inbox.messages
    assert digest["To"] == "alice@example.com"
    assert digest["Subject"] == "Cuines Alícia: 2 novedades"
    assert digest.get_content().count("Cita reservada") == 2
    assert bell.unread_count(mrt, cast.tenant_a.id, cast.bob.id) == 2  # no e-mail, still under the bell


def test_quiet_hours_hold_the_mail_until_they_end(
    mail_client: FlaskClient, mrt: Runtime, cast: Cast, inbox: Inbox
) -> None:
    local = datetime.now(ZoneInfo("Europe/Madrid"))
    quiet = {"quiet_start": (local - timedelta(hours=1)).strftime("%H:%M")}
    quiet["quiet_end"] = (local + timedelta(hours=1)).strftime("%H:%M")
    save_prefs(mrt, cast.tenant_a.id, cast.alice.id, quiet)
    save_prefs(mrt, cast.tenant_a.id, cast.bob.id, {"email": "off"})
    book(mail_client, cast)
    dispatch(mrt)
    assert inbox.messages == []
    assert send_due(mrt, utcnow() + timedelta(minutes=30)) == 0
    assert send_due(mrt, utcnow() + timedelta(hours=2)) == 1
    assert [m["To"] for m in inbox.messages] == ["alice@example.com"]


def test_the_bell_counts_unread_notices_of_the_person_and_store_only(
    mail_client: FlaskClient, mrt: Runtime, cast: Cast
) -> None:
    book(mail_client, cast)
    dispatch(mrt)
    assert bell.unread_count(mrt, cast.tenant_a.id, cast.alice.id) == 1
    assert bell.unread_count(mrt, cast.tenant_b.id, cast.charlie.id) == 0
    [shown] = bell.recent(mrt, cast.tenant_a.id, cast.alice.id, "ca")
    assert shown["text"].startswith("Cita reservada: ")
    assert shown["link"] == "/panel/calendar"
    assert bell.mark_all_read(mrt, cast.tenant_a.id, cast.alice.id) == 1
    assert bell.unread_count(mrt, cast.tenant_a.id, cast.alice.id) == 0
    assert bell.unread_count(mrt, cast.tenant_a.id, cast.bob.id) == 1


def test_preferences_are_checked_and_every_problem_listed(rt: Runtime, cast: Cast) -> None:
    from appliance.errors import Invalid

    with pytest.raises(Invalid) as refused:
        save_prefs(rt, cast.tenant_a.id, cast.alice.id, {"new_lead": "some", "email": "fax", "quiet_start": "25:00"})
    paths = [p["path"] for p in refused.value.details["problems"]]
    assert paths == ["new_lead", "email", "quiet_end", "quiet_start"]


HOT_ONLY = DEFAULT_PREFS | {"new_lead": "hot"}


@pytest.mark.parametrize(
    ("name", "data", "prefs", "kind"),
    [
        ("lead.created", {"lead": {"temperature": "cold"}}, DEFAULT_PREFS, "new_lead"),
        ("lead.created", {"lead": {"temperature": "cold"}}, HOT_ONLY, None),
        ("lead.created", {"lead": {"temperature": "premium"}}, HOT_ONLY, "hot_lead"),
        ("lead.updated", {"lead": {"temperature": "hot"}, "previous_temperature": "warm"}, HOT_ONLY, "hot_lead"),
        ("lead.updated", {"lead": {"temperature": "hot"}, "previous_temperature": "hot"}, HOT_ONLY, None),
        (
            "lead.updated",
            {"lead": {"temperature": "hot"}, "previous_temperature": "warm"},
            DEFAULT_PREFS | {"new_lead": "off"},
            None,
        ),
        ("appointment.changed", {"change": "moved"}, DEFAULT_PREFS, "appointment_moved"),
        ("appointment.changed", {"change": "cancelled"}, DEFAULT_PREFS, "appointment_cancelled"),
        ("appointment.changed", {"change": "no_show"}, DEFAULT_PREFS, None),
        ("appointment.booked", {}, DEFAULT_PREFS | {"appointments": False}, None),
        ("lead.photos_added", {"lead": {}}, DEFAULT_PREFS, "lead_photos"),
        ("conversation.completed", {}, DEFAULT_PREFS, None),
    ],
)
def test_each_person_hears_of_what_they_chose(name: str, data: dict, prefs: dict, kind: str | None) -> None:
    assert notice_kind(name, data, prefs) == kind


def test_quiet_hours_may_span_midnight() -> None:
    assert in_quiet_hours(time(23, 30), "22:00", "07:00")
    assert in_quiet_hours(time(6, 59), "22:00", "07:00")
    assert not in_quiet_hours(time(7, 0), "22:00", "07:00")
    assert not in_quiet_hours(time(12, 0), None, None)


def test_a_visitors_conversation_tells_staff_of_the_lead_and_the_visit(
    mail_client: FlaskClient, mrt: Runtime, cast: Cast, inbox: Inbox
) -> None:
    from tests.leads_factory import allow_visitors, chat_until

    save_prefs(mrt, cast.tenant_a.id, cast.bob.id, {"email": "off"})
    allow_visitors(mrt, cast.tenant_a)
    visitor = chat_until(mail_client, cast.tenant_a, None)
    lead_id = visitor.last["lead"]["id"]
    dispatch(mrt)
    subjects = sorted(m["Subject"].removeprefix("Cuines Alícia: ") for m in mails_to(inbox, "alice@example.com"))
    # The new lead, the moment it became hot, and the visit it booked.
    assert [s.split(" ")[0] for s in subjects] == ["Cita", "Contacto", "Nuevo"]
    assert subjects[1].startswith("Contacto caliente: ")
    assert all(f"/panel/leads/{lead_id}" in m.get_content() for m in mails_to(inbox, "alice@example.com"))
    assert "Ana" not in " ".join(subjects)  # the visitor's name stays out of the mail
