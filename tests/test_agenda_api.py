"""The agenda over HTTP: free slots, bookings that never exceed the capacity, appointments."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.tenants import defaults
from tests.conftest import Cast
from tests.visitors import ORIGIN, Visitor

CAPACITY = 2
SIMULTANEOUS = 8


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


@pytest.fixture
def agenda(client: FlaskClient, cast: Cast) -> dict:
    payload = defaults.agenda("Europe/Madrid")
    payload["services"][0]["capacity"] = CAPACITY
    payload["services"][1]["service_area"] = {"prefixes": ["46"], "postal_codes": ["12001"]}
    payload["weekly"]["sat"] = payload["weekly"]["sun"] = [["09:00", "20:00"]]
    saved = client.put("/v1/config/agenda", json=payload, headers=auth(cast.alice_token))
    assert saved.status_code == 200, saved.get_json()
    return payload


def first_slot(client: FlaskClient, token: str, service: str = "showroom_visit") -> dict:
    day = date.today() + timedelta(days=3)
    query = f"service={service}&from={day}&to={day + timedelta(days=6)}"
    response = client.get(f"/v1/agenda/slots?{query}", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["slots"][0]


def booking(slot: dict, **extra: object) -> dict:
    return {"service": "showroom_visit", "start": slot["start"], "name": "Núria Vidal", "phone": "+34612345678"} | extra


def test_slots_are_in_the_stores_time_zone_with_what_is_left(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    day = date.today() + timedelta(days=3)
    response = client.get(f"/v1/agenda/slots?service=showroom_visit&from={day}&to={day}", headers=auth(cast.bob_token))
    body = response.get_json()
    assert body["timezone"] == "Europe/Madrid"
    assert body["slots"]
    assert all(s["available"] == CAPACITY for s in body["slots"])
    assert all(s["start"].endswith(("+01:00", "+02:00")) for s in body["slots"])


def test_a_booking_takes_one_place_and_appears_in_the_agenda(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    slot = first_slot(client, cast.alice_token)
    created = client.post("/v1/appointments", json=booking(slot), headers=auth(cast.bob_token))
    assert created.status_code == 201, created.get_json()
    appointment = created.get_json()
    assert appointment["start"] == slot["start"]
    assert appointment["status"] == "booked"
    assert first_slot(client, cast.alice_token)["available"] == CAPACITY - 1
    day = slot["start"][:10]
    listed = client.get(f"/v1/appointments?from={day}&to={day}", headers=auth(cast.alice_token)).get_json()["items"]
    assert [a["id"] for a in listed] == [appointment["id"]]
    assert listed[0]["contact"]["name"] == "Núria Vidal"


def test_simultaneous_bookings_never_exceed_the_capacity(app: Flask, cast: Cast, agenda: dict) -> None:
    slot = first_slot(app.test_client(), cast.alice_token)

    def attempt(n: int) -> tuple[int, str | None]:
        response = app.test_client().post(
            "/v1/appointments",
            json=booking(slot, name=f"Client {n}"),
            headers=auth(cast.alice_token, **{"Idempotency-Key": uuid.uuid4().hex}),
        )
        return response.status_code, (response.get_json().get("error") or {}).get("code")

    with ThreadPoolExecutor(SIMULTANEOUS) as pool:
        results = list(pool.map(attempt, range(SIMULTANEOUS)))
    assert sorted(status for status, _ in results) == [201] * CAPACITY + [409] * (SIMULTANEOUS - CAPACITY)
    assert {code for status, code in results if status == 409} == {"slot_taken"}
    day = slot["start"][:10]
    items = app.test_client().get(f"/v1/appointments?from={day}&to={day}", headers=auth(cast.alice_token))
    assert len(items.get_json()["items"]) == CAPACITY


def test_a_retried_booking_is_booked_once(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    slot = first_slot(client, cast.alice_token)
    headers = auth(cast.alice_token, **{"Idempotency-Key": "booking-1"})
    first = client.post("/v1/appointments", json=booking(slot), headers=headers)
    again = client.post("/v1/appointments", json=booking(slot), headers=headers)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first_slot(client, cast.alice_token)["available"] == CAPACITY - 1


@pytest.fixture
def last_place(client: FlaskClient, cast: Cast) -> dict:
    """Return the first free slot of an agenda whose showroom visits take one customer at a time."""
    payload = defaults.agenda("Europe/Madrid")
    payload["services"][0]["capacity"] = 1
    payload["weekly"]["sat"] = payload["weekly"]["sun"] = [["09:00", "20:00"]]
    assert client.put("/v1/config/agenda", json=payload, headers=auth(cast.alice_token)).status_code == 200
    return first_slot(client, cast.alice_token)


def test_a_retried_booking_of_the_last_place_replays_its_201(client: FlaskClient, cast: Cast, last_place: dict) -> None:
    headers = auth(cast.alice_token, **{"Idempotency-Key": "last-place"})
    first = client.post("/v1/appointments", json=booking(last_place), headers=headers)
    again = client.post("/v1/appointments", json=booking(last_place), headers=headers)
    assert first.status_code == 201, first.get_json()
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()


def test_a_reused_booking_key_with_another_body_is_an_idempotency_conflict_not_slot_taken(
    client: FlaskClient, cast: Cast, last_place: dict
) -> None:
    headers = auth(cast.alice_token, **{"Idempotency-Key": "last-place"})
    assert client.post("/v1/appointments", json=booking(last_place), headers=headers).status_code == 201
    other = client.post("/v1/appointments", json=booking(last_place, name="Someone else"), headers=headers)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_conflict"


def test_a_time_the_store_does_not_offer_is_422(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    day = date.today() + timedelta(days=4)
    closed = {"service": "showroom_visit", "start": f"{day}T03:00:00+01:00", "name": "Night owl"}
    response = client.post("/v1/appointments", json=closed, headers=auth(cast.alice_token))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["problems"][0]["path"] == "start"


def test_a_home_visit_outside_the_service_area_is_refused(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    slot = first_slot(client, cast.alice_token, "measuring_visit")
    far = booking(slot, service="measuring_visit", postal_code="08001")
    near = booking(slot, service="measuring_visit", postal_code="46006")
    assert client.post("/v1/appointments", json=far, headers=auth(cast.alice_token)).status_code == 422
    assert client.post("/v1/appointments", json=near, headers=auth(cast.alice_token)).status_code == 201


def test_a_visitor_may_read_its_stores_slots(client: FlaskClient, cast: Cast, agenda: dict, rt) -> None:
    from appliance.infra.db import Tenant
    from appliance.tenants.directory import forget

    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    visitor = Visitor(client, cast.tenant_a.widget_key)
    visitor.open()
    day = date.today() + timedelta(days=3)
    response = client.get(f"/v1/agenda/slots?service=showroom_visit&from={day}&to={day}", headers=visitor.headers())
    assert response.status_code == 200
    assert response.get_json()["slots"]


def test_another_stores_appointments_stay_hidden(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    slot = first_slot(client, cast.alice_token)
    client.post("/v1/appointments", json=booking(slot), headers=auth(cast.alice_token))
    day = slot["start"][:10]
    theirs = client.get(f"/v1/appointments?from={day}&to={day}", headers=auth(cast.charlie_token)).get_json()
    assert theirs["items"] == []


def booked(client: FlaskClient, cast: Cast, nth: int = 0) -> tuple[dict, list[dict]]:
    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    slots = client.get(f"/v1/agenda/slots?{query}", headers=auth(cast.alice_token)).get_json()["slots"]
    created = client.post("/v1/appointments", json=booking(slots[nth]), headers=auth(cast.alice_token))
    assert created.status_code == 201
    return created.get_json(), slots


def test_rescheduling_moves_the_visit_and_frees_the_old_time(client: FlaskClient, cast: Cast, agenda: dict, rt) -> None:
    appointment, slots = booked(client, cast)
    moved = client.patch(
        f"/v1/appointments/{appointment['id']}", json={"start": slots[3]["start"]}, headers=auth(cast.bob_token)
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["start"] == slots[3]["start"]
    assert first_slot(client, cast.alice_token)["available"] == CAPACITY
    from sqlalchemy import select

    from appliance.infra.db import Appointment, Audit

    with rt.sessions() as db:
        row = db.get(Appointment, appointment["id"])
        actions = list(db.scalars(select(Audit.action).where(Audit.target_id == appointment["id"])))
    assert row.ics_sequence == 1
    assert actions.count("appointment.rescheduled") == 1
    assert "appointment.booked" in actions


def test_rescheduling_into_a_full_slot_is_409(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    appointment, slots = booked(client, cast)
    for n in range(CAPACITY):
        client.post("/v1/appointments", json=booking(slots[2], name=f"C{n}"), headers=auth(cast.alice_token))
    moved = client.patch(
        f"/v1/appointments/{appointment['id']}", json={"start": slots[2]["start"]}, headers=auth(cast.alice_token)
    )
    assert moved.status_code == 409
    assert moved.get_json()["error"]["code"] == "slot_taken"


def test_cancelling_frees_the_place_and_no_show_is_recorded(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    appointment, _ = booked(client, cast)
    cancelled = client.patch(
        f"/v1/appointments/{appointment['id']}", json={"status": "cancelled"}, headers=auth(cast.alice_token)
    )
    assert cancelled.get_json()["status"] == "cancelled"
    assert first_slot(client, cast.alice_token)["available"] == CAPACITY
    other, _ = booked(client, cast, nth=1)
    noshow = client.patch(f"/v1/appointments/{other['id']}", json={"status": "no_show"}, headers=auth(cast.bob_token))
    assert noshow.get_json()["status"] == "no_show"
    cannot_move = client.patch(
        f"/v1/appointments/{appointment['id']}", json={"start": other["start"]}, headers=auth(cast.alice_token)
    )
    assert cannot_move.status_code == 409


def test_another_stores_appointment_cannot_be_read_or_changed(client: FlaskClient, cast: Cast, agenda: dict) -> None:
    appointment, _ = booked(client, cast)
    url = f"/v1/appointments/{appointment['id']}"
    assert client.get(url, headers=auth(cast.charlie_token)).status_code == 404
    assert client.patch(url, json={"status": "cancelled"}, headers=auth(cast.charlie_token)).status_code == 404
    assert client.get(url, headers=auth(cast.alice_token)).get_json()["status"] == "booked"
