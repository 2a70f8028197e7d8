"""Customers get a calendar invitation when a visit is booked, moved or cancelled — once each."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.mailbox import Inbox
from tests.visitors import ORIGIN, Visitor


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def slots(client, token: str) -> list[dict]:
    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    return client.get(f"/v1/agenda/slots?{query}", headers=auth(token)).get_json()["slots"]


def calendar_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()


def test_staff_bookings_moves_and_cancellations_each_send_an_invitation(
    mail_app: Flask, cast: Cast, inbox: Inbox
) -> None:
    client = mail_app.test_client()
    free = slots(client, cast.alice_token)
    body = {"service": "showroom_visit", "start": free[0]["start"], "name": "Núria", "email": "nuria@example.com"}
    created = client.post("/v1/appointments", json=body, headers=auth(cast.alice_token)).get_json()
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == "nuria@example.com"
    first = calendar_of(inbox.messages[0])
    assert "METHOD:REQUEST" in first
    assert "SEQUENCE:0" in first

    client.patch(f"/v1/appointments/{created['id']}", json={"start": free[2]["start"]}, headers=auth(cast.alice_token))
    client.patch(f"/v1/appointments/{created['id']}", json={"notes": "brings plans"}, headers=auth(cast.alice_token))
    client.patch(f"/v1/appointments/{created['id']}", json={"status": "cancelled"}, headers=auth(cast.alice_token))
    assert len(inbox.messages) == 3
    moved, cancelled = calendar_of(inbox.messages[1]), calendar_of(inbox.messages[2])
    uid = next(line for line in first.splitlines() if line.startswith("UID:"))
    assert uid in moved
    assert uid in cancelled
    assert "SEQUENCE:1" in moved
    assert "METHOD:CANCEL" in cancelled
    assert "SEQUENCE:2" in cancelled


def test_the_invitation_can_be_downloaded(mail_app: Flask, cast: Cast) -> None:
    client = mail_app.test_client()
    free = slots(client, cast.alice_token)
    body = {"service": "showroom_visit", "start": free[0]["start"], "name": "Núria"}
    created = client.post("/v1/appointments", json=body, headers=auth(cast.alice_token)).get_json()
    response = client.get(f"/v1/appointments/{created['id']}/invite.ics", headers=auth(cast.alice_token))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.get_data(as_text=True).startswith("BEGIN:VCALENDAR\r\n")
    assert (
        client.get(f"/v1/appointments/{created['id']}/invite.ics", headers=auth(cast.charlie_token)).status_code == 404
    )


def test_a_visit_booked_in_the_chat_sends_the_visitor_an_invitation(
    mail_app: Flask, cast: Cast, inbox: Inbox, rt: Runtime
) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    answers = {
        "consent": {"choice": "yes"},
        "project": {"choice": "wardrobe"},
        "area": {"value": 6},
        "budget": {"skip": True},
        "style": {"skip": True},
        "urgency": {"choice": "soon"},
        "photos": {"skip": True},
        "name": {"value": "Rui"},
        "contact_method": {"choice": "email"},
        "email": {"value": "rui@example.pt"},
        "visit_type": {"choice": "showroom"},
    }
    v = Visitor(mail_app.test_client(), cast.tenant_a.widget_key)
    v.open(lang="pt")
    v.start()
    while v.waiting_for != "appointment":
        v.send(**answers[v.waiting_for])
    v.send(value=v.last["input"]["slots"][0]["start"])
    assert [m["To"] for m in inbox.messages] == ["rui@example.pt"]
    assert "METHOD:REQUEST" in calendar_of(inbox.messages[0])
