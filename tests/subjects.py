"""A data subject for the privacy tests: a visitor who gives their contacts every way the product allows.

They type their name, email, phone and address into a free-text message, answer the contact
questions, attach a photo, book a visit in the chat, and staff book them another one by API.
Every string is distinctive, so finding it anywhere means it leaked.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.images import pdf
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

NAME = "Xolotl Brisbanez"
EMAIL = "Xolotl.Brisbanez@Quimerull-Mail.es"
PHONE = "699 123 457"
ADDRESS = "Carrer Zumbalikos 77"
FILE_MARKER = b"FILEMARKER-KQZW-31415"
# A plan, not a photo: PDFs are stored as sent (photos are re-encoded), so the marker inside it
# reaches the storage and must be unreadable there.
PLAN = pdf(b" " + FILE_MARKER)

# What must never be readable at rest, lower-cased (the dumps are lower-cased too).
SECRETS = (
    "xolotl",
    "brisbanez",
    "xolotl.brisbanez",  # the email's local part
    "quimerull-mail",
    "699123457",  # the phone's digits, however they are formatted
    "699 123 457",
    "zumbalikos",
    FILE_MARKER.decode().lower(),
)


def open_to_visitors(rt: Runtime, tenant_id: str) -> None:
    """Let the test visitors' website open the store's chat."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        tenant.allowed_origins = [ORIGIN]
        widget_key = tenant.widget_key
    forget(rt, tenant, widget_key)


def chat_with_contacts(client: FlaskClient, widget_key: str) -> Visitor:
    """Drive a whole conversation where the visitor types their contacts and attaches a file."""
    v = Visitor(client, widget_key)
    v.open(lang="es")
    v.start()
    v.send(choice="yes")  # consent to keep contact details
    v.send(text=f"Hola, soy {NAME}, escribidme a {EMAIL} o llamad al {PHONE}. Vivo en {ADDRESS}. Quiero una cocina.")
    answers: dict[str, dict[str, Any]] = BASE_ANSWERS | {
        "name": {"value": NAME},
        "email": {"value": EMAIL},
        "phone": {"value": PHONE},
    }
    finish(v, answers, attach=True)
    return v


def plain_chat(client: FlaskClient, widget_key: str) -> Visitor:
    """Drive the base flow to its end with the shared answers (another person: Ana Serra)."""
    v = Visitor(client, widget_key)
    v.open(lang="es")
    v.start()
    finish(v, BASE_ANSWERS, attach=False)
    return v


def finish(v: Visitor, answers: dict[str, dict[str, Any]], attach: bool) -> None:
    while v.last.get("input"):
        kind = v.last["input"]["type"]
        if kind == "media" and attach:
            v.send(value=upload(v))
        elif kind == "date":
            v.send(value=v.last["input"]["slots"][0]["start"])
        else:
            v.send(**answers[v.waiting_for])


def upload(v: Visitor) -> str:
    response = v.client.post(
        f"/v1/chat/{v.session_id}/attachments",
        data={"file": (io.BytesIO(PLAN), f"{NAME}.pdf")},
        headers=v.headers(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def staff_booking(client: FlaskClient, token: str, lead_id: str | None) -> dict[str, Any]:
    """Book a visit by API (with an Idempotency-Key, whose stored answer holds the contact too)."""
    day = date.today() + timedelta(days=4)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=7)}"
    headers = {"Authorization": f"Bearer {token}"}
    slots = client.get(f"/v1/agenda/slots?{query}", headers=headers).get_json()["slots"]
    body = {
        "service": "showroom_visit",
        "start": slots[-1]["start"],
        "lead_id": lead_id,
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "notes": f"Lives at {ADDRESS}",
    }
    response = client.post("/v1/appointments", json=body, headers=headers | {"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.get_json()
    return response.get_json()
