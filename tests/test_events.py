"""Domain events: each change records its event in the same transaction, with ids and scores only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import DomainEvent
from appliance.infra.runtime import Runtime
from appliance.tenants import defaults
from tests.conftest import Cast
from tests.leads_factory import allow_visitors, chat_until


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def events(rt: Runtime, tenant_id: str) -> list[DomainEvent]:
    with rt.sessions() as db:
        query = select(DomainEvent).where(DomainEvent.tenant_id == tenant_id).order_by(DomainEvent.created_at)
        return list(db.scalars(query))


@pytest.fixture
def slots(client: FlaskClient, cast: Cast) -> list[dict]:
    agenda = defaults.agenda("Europe/Madrid")
    agenda["weekly"]["sat"] = agenda["weekly"]["sun"] = [["09:00", "20:00"]]
    assert client.put("/v1/config/agenda", json=agenda, headers=auth(cast.alice_token)).status_code == 200
    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    return client.get(f"/v1/agenda/slots?{query}", headers=auth(cast.alice_token)).get_json()["slots"]


def test_booking_moving_and_cancelling_record_their_events(
    client: FlaskClient, rt: Runtime, cast: Cast, slots: list[dict]
) -> None:
    body = {"service": "showroom_visit", "start": slots[0]["start"], "name": "Núria Vidal", "phone": "+34612345678"}
    booked = client.post("/v1/appointments", json=body, headers=auth(cast.bob_token)).get_json()
    url = f"/v1/appointments/{booked['id']}"
    assert client.patch(url, json={"start": slots[2]["start"]}, headers=auth(cast.bob_token)).status_code == 200
    assert client.patch(url, json={"status": "cancelled"}, headers=auth(cast.bob_token)).status_code == 200
    recorded = events(rt, cast.tenant_a.id)
    assert [e.name for e in recorded] == ["appointment.booked", "appointment.changed", "appointment.changed"]
    assert [e.data.get("change") for e in recorded] == [None, "moved", "cancelled"]
    assert {e.subject_id for e in recorded} == {booked["id"]}
    assert recorded[1].data["appointment"]["service"] == "showroom_visit"
    assert "Núria" not in str([e.data for e in recorded])  # no contact details in events
    assert events(rt, cast.tenant_b.id) == []


def test_a_refused_booking_records_no_event(client: FlaskClient, rt: Runtime, cast: Cast, slots: list[dict]) -> None:
    body = {"service": "showroom_visit", "start": "2020-01-01T10:00:00+01:00", "name": "Núria Vidal"}
    assert client.post("/v1/appointments", json=body, headers=auth(cast.bob_token)).status_code == 422
    assert events(rt, cast.tenant_a.id) == []


def test_a_conversation_records_its_lead_and_its_completion(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    allow_visitors(rt, cast.tenant_a)
    chat_until(client, cast.tenant_a, None)
    names = [e.name for e in events(rt, cast.tenant_a.id)]
    assert names.count("lead.created") == 1
    assert names.index("lead.created") < names.index("lead.updated")
    assert names.count("appointment.booked") == 1
    assert names[-1] == "conversation.completed"
    completed = events(rt, cast.tenant_a.id)[-1]
    assert completed.data["lead"]["temperature"] in {"cold", "warm", "hot", "premium"}
    assert "Ana" not in str([e.data for e in events(rt, cast.tenant_a.id)])


def test_events_older_than_ninety_days_go_with_their_notifications(
    client: FlaskClient, rt: Runtime, cast: Cast, slots: list[dict]
) -> None:
    from appliance.events.dispatch import dispatch
    from appliance.events.retention import forget_before
    from appliance.infra.db import Notification, utcnow

    body = {"service": "showroom_visit", "start": slots[0]["start"], "name": "Núria Vidal"}
    assert client.post("/v1/appointments", json=body, headers=auth(cast.bob_token)).status_code == 201
    assert forget_before(rt, utcnow()) == 0  # not dispatched yet: kept whatever its age
    dispatch(rt)
    assert forget_before(rt, utcnow() - timedelta(days=90)) == 0
    assert forget_before(rt, utcnow() + timedelta(seconds=1)) == 1
    assert events(rt, cast.tenant_a.id) == []
    with rt.sessions() as db:
        assert db.scalars(select(Notification.id)).all() == []
