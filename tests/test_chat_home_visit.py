"""Home visits over the chat API: the postal code decides whether the store comes, the street address
is asked, kept encrypted with the contact, and reaches staff, the invitation and the lead's PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from appliance.agenda import clock
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.leads.summary import summary_context, summary_html
from appliance.tenants import defaults
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.mailbox import Inbox
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

NOW = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)  # Monday, 09:00 in Madrid
ADDRESS = "Carrer de Cuba 8, 2n 1a, València"


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def serve_valencia(client: FlaskClient, cast: Cast) -> None:
    agenda = defaults.agenda("Europe/Madrid")
    agenda["services"][1]["service_area"] = {"prefixes": ["46"], "postal_codes": []}
    assert client.put("/v1/config/agenda", json=agenda, headers=auth(cast.alice_token)).status_code == 200


def choosing_home(client: FlaskClient, cast: Cast, rt: Runtime, lang: str, country: str = "ES") -> Visitor:
    """Return a visitor in ``lang`` who asked for a home visit and is asked for their postal code."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.allowed_origins, tenant.country = [ORIGIN], country
    forget(rt, cast.tenant_a)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open(lang=lang)
    v.start()
    while v.waiting_for != "visit_type":
        v.send(**BASE_ANSWERS[v.waiting_for])
    v.send(choice="home")
    assert v.waiting_for == "postal_code"
    return v


def test_a_served_postal_code_asks_the_address_and_books_with_it(
    mail_app: Flask, cast: Cast, rt: Runtime, inbox: Inbox
) -> None:
    client = mail_app.test_client()
    serve_valencia(client, cast)
    v = choosing_home(client, cast, rt, "es")
    asked = v.send(value="46006")
    assert asked["input"] == {"block_id": "address", "required": True, "type": "address"}
    vague = v.send(text="en mi casa")
    assert vague["messages"][0]["text"].startswith("Necesito tu dirección completa para ir a medir")
    assert v.waiting_for == "address"
    slots = v.send(text=ADDRESS)["input"]["slots"]
    booked = v.send(value=slots[0]["start"])
    assert booked["messages"][0]["text"].startswith("¡Reservado! Iremos a medir")

    lead_id = booked["lead"]["id"]
    lead = client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()
    assert lead["contact"]["address"] == ADDRESS
    listed = client.get("/v1/appointments?from=2030-03-01&to=2030-04-30", headers=auth(cast.alice_token))
    assert listed.get_json()["items"][0]["contact"]["address"] == ADDRESS

    message = inbox.messages[0]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert f"{ADDRESS}, 46006" in body
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_content()
    calendar = calendar if isinstance(calendar, str) else calendar.decode()
    assert "LOCATION:Carrer de Cuba 8\\, 2n 1a\\, València\\, 46006" in calendar.replace("\r\n ", "")


def test_the_address_is_encrypted_at_rest_and_shown_to_staff(
    client: FlaskClient, cast: Cast, rt: Runtime, panel_login: Callable[..., FlaskClient]
) -> None:
    serve_valencia(client, cast)
    v = choosing_home(client, cast, rt, "ca")
    v.send(value="46006")
    slots = v.send(text=ADDRESS)["input"]["slots"]
    lead_id = v.send(value=slots[0]["start"])["lead"]["id"]
    with rt.transaction() as db:
        raw = [
            *db.execute(text("SELECT contact FROM leads WHERE id = :id"), {"id": lead_id}).scalars(),
            *db.execute(text("SELECT contact FROM appointments WHERE lead_id = :id"), {"id": lead_id}).scalars(),
            *db.execute(text("SELECT variables FROM sessions")).scalars(),
        ]
    assert raw
    assert not any("Cuba" in str(value) for value in raw)
    with rt.sessions() as db:
        html = summary_html(summary_context(rt, db, cast.tenant_a.id, lead_id, "ca"))
    assert "Adreça" in html
    assert ADDRESS in html
    panel = panel_login("alice@example.com").get(f"/panel/leads/{lead_id}")
    assert panel.status_code == 200
    assert "Home address" in panel.get_data(as_text=True)
    assert ADDRESS in panel.get_data(as_text=True)


def test_a_portuguese_code_outside_the_area_is_not_called_invalid(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    serve_valencia(client, cast)
    v = choosing_home(client, cast, rt, "pt")
    outside = v.send(value="1000-001")
    assert outside["messages"][0]["text"].startswith("Lamentamos, mas ainda não fazemos visitas ao domicílio")
    assert outside["input"]["block_id"] == "appointment"
    assert outside["input"]["service"] == "showroom_visit"
    assert "não parece válido" not in " ".join(v.texts())


def test_a_malformed_postal_code_is_asked_again_with_an_example(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    serve_valencia(client, cast)
    v = choosing_home(client, cast, rt, "ca")
    again = v.send(value="46 0")
    assert again["messages"][0]["text"] == "Aquest codi postal no sembla vàlid. Escriu-lo així: 28001."
    assert v.waiting_for == "postal_code"


def test_a_portuguese_store_shows_a_portuguese_example(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    v = choosing_home(client, cast, rt, "en", country="PT")
    again = v.send(text="my code is abc")
    assert again["messages"][0]["text"] == "That postcode doesn't look valid. Please write it like this: 1000-001."
    assert v.send(value="1000 001")["input"]["block_id"] == "address"
