"""Booking inside the chat: the visitor picks a slot, the store's agenda gets the appointment."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

ANSWERS = BASE_ANSWERS | {"name": {"value": "Laia Puig"}, "contact_method": {"choice": "phone"}}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def visitor_until(client: FlaskClient, cast: Cast, rt: Runtime, block: str, address: str | None = None) -> Visitor:
    """Return a Catalan visitor who answered everything up to ``block``."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.allowed_origins = [ORIGIN]
        tenant.branding = {**tenant.branding, "address": address}
    forget(rt, cast.tenant_a)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open(lang="ca")
    v.start()
    while v.waiting_for != block:
        v.send(**ANSWERS[v.waiting_for])
    return v


def visitor_at_the_slots(client: FlaskClient, cast: Cast, rt: Runtime, address: str | None) -> Visitor:
    return visitor_until(client, cast, rt, "appointment", address)


def test_a_slot_chosen_in_the_chat_is_booked_and_confirmed(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = visitor_at_the_slots(client, cast, rt, "Carrer de Sueca 42, València")
    slot = v.last["input"]["slots"][0]
    answer = v.send(value=slot["start"])
    confirmation = answer["messages"][0]["text"]
    assert confirmation.startswith("Reservat!")
    assert "Carrer de Sueca 42" in confirmation
    assert slot["start"][11:16] in confirmation
    day = slot["start"][:10]
    listed = client.get(f"/v1/appointments?from={day}&to={day}", headers=auth(cast.alice_token)).get_json()["items"]
    assert len(listed) == 1
    assert listed[0]["start"] == slot["start"]
    assert listed[0]["contact"] == {"name": "Laia Puig", "phone": "+34612345678"}
    assert listed[0]["lead_id"] == answer["lead"]["id"]


def test_a_slot_taken_meanwhile_gets_an_apology_and_fresh_slots(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = visitor_at_the_slots(client, cast, rt, None)
    slot = v.last["input"]["slots"][0]
    staff_booking = {"service": "showroom_visit", "start": slot["start"], "name": "Walk-in customer"}
    assert client.post("/v1/appointments", json=staff_booking, headers=auth(cast.alice_token)).status_code == 201
    answer = v.send(value=slot["start"])
    assert answer["messages"][0]["text"].startswith("Aquesta hora ja no està disponible")
    assert answer["input"]["block_id"] == "appointment"
    assert slot["start"] not in [s["start"] for s in answer["input"]["slots"]]
    booked = v.send(value=answer["input"]["slots"][0]["start"])
    assert booked["messages"][0]["text"].startswith("Reservat!")


def test_a_booking_turn_reads_the_store_configuration_once(
    client: FlaskClient, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = visitor_at_the_slots(client, cast, rt, None)
    cache, read = rt.near_cache, []  # where a store's settings are read from

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(cache, name)

        def get(self, key: str) -> str | None:
            read.append(key)
            return cache.get(key)

    class Queue:
        def enqueue(self, *task: Any) -> None:
            enqueued.append(task)  # the invitation's own reads are another story: it is not sent here

    enqueued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(rt, "near_cache", Counting())
    monkeypatch.setattr(rt, "queue", Queue())
    answer = v.send(value=v.last["input"]["slots"][0]["start"])
    assert answer["messages"][0]["text"].startswith("Reservat!")
    assert [name for name, *_ in enqueued] == ["send_invitation"]
    configs = sorted(key for key in read if key.startswith(f"config:{cast.tenant_a.id}:"))
    assert configs == [f"config:{cast.tenant_a.id}:{kind}" for kind in ("agenda", "scoring", "texts")]


def test_a_booking_lost_at_the_last_moment_is_apologised_for_with_fresh_slots() -> None:
    from appliance.core.flows.answers import Context, Reply
    from appliance.core.flows.engine import new_state, resume, step
    from appliance.core.flows.intents import BookSlot, SlotTaken
    from appliance.core.flows.presets import preset
    from appliance.core.flows.schema import FlowDocument

    flow = FlowDocument.model_validate(preset("base"))
    free = [
        {"start": "2026-12-02T10:00:00+01:00", "end": "2026-12-02T11:00:00+01:00"},
        {"start": "2026-12-02T11:00:00+01:00", "end": "2026-12-02T12:00:00+01:00"},
    ]
    asked: list[int] = []

    def slots(_service: str) -> list[dict[str, str]]:
        asked.append(1)
        return free if len(asked) == 1 else free[1:]

    ctx = Context(slot_source=slots, book_slots=True)
    state = new_state("es") | {"started": True, "block": "appointment"}
    turn = step(flow, state, Reply("value", free[0]["start"]), ctx)
    assert turn.intents == [BookSlot("showroom_visit", free[0]["start"], free[0]["end"])]
    turn = resume(flow, turn, SlotTaken(), ctx)
    assert turn.messages[0]["text"].startswith("Vaya, esa hora se acaba de reservar")
    assert [s["start"] for s in turn.input["slots"]] == [free[1]["start"]]
    assert "appointment" not in turn.state["vars"]


def test_more_dates_pages_forward(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = visitor_at_the_slots(client, cast, rt, None)
    first_page = v.last["input"]["slots"]
    assert v.last["input"]["more"] == {"id": "more_dates", "label": "Més dates"}
    second = v.send(choice="more_dates")
    assert second["messages"][0]["text"] == "Aquí tens més hores:"
    second_page = second["input"]["slots"]
    assert second_page
    assert min(s["start"] for s in second_page) > max(s["start"] for s in first_page)
    booked = v.send(value=second_page[0]["start"])
    assert booked["messages"][0]["text"].startswith("Reservat!")


def test_a_day_written_in_words_gets_the_slots_of_that_day(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    from datetime import date, timedelta

    v = visitor_at_the_slots(client, cast, rt, None)
    today = date.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    answer = v.send(text="Millor dissabte al matí")
    slots = answer["input"]["slots"]
    assert answer["messages"][0]["text"] == "Aquestes són les hores lliures d'aquell dia:"
    assert slots
    assert {s["start"][:10] for s in slots} == {saturday.isoformat()}
    assert all(int(s["start"][11:13]) < 14 for s in slots)
    booked = v.send(value=slots[-1]["start"])
    assert booked["messages"][0]["text"].startswith("Reservat!")


def test_a_day_with_no_free_time_says_so_and_offers_the_next(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = visitor_at_the_slots(client, cast, rt, None)
    answer = v.send(text="i diumenge?")
    assert answer["messages"][0]["text"].startswith("Aquell dia no ens queden hores lliures")
    assert answer["input"]["slots"]


def test_a_home_visit_checks_the_postal_code_against_the_area(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    from appliance.tenants import defaults

    agenda = defaults.agenda("Europe/Madrid")
    agenda["services"][1]["service_area"] = {"prefixes": ["46"], "postal_codes": []}
    assert client.put("/v1/config/agenda", json=agenda, headers=auth(cast.alice_token)).status_code == 200

    far = visitor_until(client, cast, rt, "visit_type")
    far.send(choice="home")
    assert far.waiting_for == "postal_code"
    outside = far.send(value="08001")
    assert outside["input"]["block_id"] == "appointment"
    assert outside["input"]["service"] == "showroom_visit"

    near = visitor_until(client, cast, rt, "visit_type")
    near.send(choice="home")
    assert near.send(value="46006")["input"]["block_id"] == "address"
    inside = near.send(text="Carrer de Cuba 8, 2n 1a, València")
    assert inside["input"]["block_id"] == "home_appointment"
    assert inside["input"]["service"] == "measuring_visit"
    booked = near.send(value=inside["input"]["slots"][0]["start"])
    assert booked["messages"][0]["text"].startswith("Reservat! Vindrem a prendre mides")
