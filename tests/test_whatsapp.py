"""WhatsApp end to end: signed webhooks in, the one conversation turn, messages out to a fake Graph API.

The fake (tests/fake_graph.py) is a real HTTP server on a local port; the app's Graph URL points
at it. Tasks run at once in the tests, so a webhook request is answered after its turn is taken
and its messages are sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import File, Lead, UsageEntry, WhatsAppContact, WhatsAppEvent, WhatsAppOutbox
from appliance.infra.runtime import Runtime
from appliance.whatsapp.reminders import queue_due_reminders
from tests.conftest import Cast
from tests.fake_graph import (
    ACCESS_TOKEN,
    APP_SECRET,
    CUSTOMER,
    FakeGraph,
    event,
    graph,  # noqa: F401 - the fixture
    message,
    messages_value,
    post_event,
    set_up_channel,
    tap,
    text,
)
from tests.images import JPEG, stored
from tests.raw_storage import database_dump, decrypted_dump

# What the customer answers at each question, WhatsApp style: typed text, or a tap on an id.
ANSWERS: dict[str, dict[str, Any]] = {
    "consent": tap("yes"),
    "project": tap("kitchen"),
    "area": text("unos 14 m2"),
    "budget": text("entre 8000 y 12000 euros"),
    "style": tap("modern", as_list=True),
    "urgency": tap("soon", as_list=True),
    "name": text("Lucía Martín"),
    "contact_method": tap("phone"),
    "phone": text("611 222 333"),
    "email": text("lucia@example.com"),
    "visit_type": tap("showroom"),
}


def answer(block: str, last_sent: dict[str, Any], photo_sha: str) -> dict[str, Any]:
    """Return the customer's next message: a fresh copy (its own id), a photo, or the first slot."""
    if block == "photos":
        return message("image", {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": photo_sha})
    if block == "appointment":
        return tap(first_slot(last_sent), as_list=True)
    given = ANSWERS[block]
    return message(given["type"], given[given["type"]])


def first_slot(sent: dict[str, Any]) -> str:
    rows = sent["interactive"]["action"]["sections"][0]["rows"]
    return rows[0]["id"]


def waiting_block(rt: Runtime, tenant_id: str) -> str | None:
    with rt.transaction() as db:
        contact = db.scalar(select(WhatsAppContact).where(WhatsAppContact.tenant_id == tenant_id))
        return (contact.waiting or {}).get("block_id") if contact else None


def say(client: FlaskClient, item: dict[str, Any]) -> None:
    response = post_event(client, event(messages_value(item)))
    assert response.status_code == 200, response.get_json()


def test_a_spanish_customer_books_a_visit_on_whatsapp_and_gets_the_reminder_template(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    photo_sha = graph.add_media("MEDIA1", JPEG, "image/jpeg")
    assert set_up_channel(client, cast.alice_token).status_code == 200

    say(client, text("Hola, quiero reformar la cocina de casa"))
    first = graph.sends()
    assert len(first) == 1, "the greeting and the first question are one message"
    assert first[0]["to"] == CUSTOMER
    assert first[0]["type"] == "interactive"
    assert first[0]["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in first[0]["interactive"]["action"]["buttons"]] == ["yes", "no"]
    body = first[0]["interactive"]["body"]["text"]
    assert body.startswith("¡Hola!")
    assert "Anotado: cocina." in body
    assert body.count("¿Te parece bien?") == 1, "the question asked again in the same turn is said once"

    seen = []
    for _turn in range(25):
        block = waiting_block(rt, cast.tenant_a.id)
        if block is None:
            break
        seen.append(block)
        say(client, answer(block, graph.sends()[-1], photo_sha))
    assert seen[0] == "consent"
    assert seen[-1] == "appointment"
    assert waiting_block(rt, cast.tenant_a.id) is None
    assert graph.sends()[-1]["text"]["body"].startswith("¡Reservado!")

    day = datetime.now().date()
    listed = client.get(
        f"/v1/appointments?from={day}&to={day + timedelta(days=90)}",
        headers={"Authorization": f"Bearer {cast.alice_token}"},
    ).get_json()["items"]
    assert len(listed) == 1
    with rt.transaction() as db:
        lead = db.scalar(select(Lead).where(Lead.tenant_id == cast.tenant_a.id))
        assert lead.channel == "whatsapp"
        assert lead.language == "es"
        assert lead.contact["phone"] == "+34611222333"
        assert listed[0]["lead_id"] == lead.id
        photo = db.scalar(select(File).where(File.tenant_id == cast.tenant_a.id))
        assert photo is not None
        assert (photo.content_type, photo.size) == ("image/jpeg", len(stored(JPEG)))
        assert db.scalar(select(WhatsAppEvent.processed_at).where(WhatsAppEvent.tenant_id == cast.tenant_a.id))

    start = datetime.fromisoformat(listed[0]["start"])
    before = len(graph.sends())
    assert queue_due_reminders(rt, start - timedelta(hours=23)) == [f"reminder_24h:{listed[0]['id']}"]
    assert queue_due_reminders(rt, start - timedelta(hours=22)) == [], "a reminder is queued once"
    reminder = graph.sends()[before:]
    assert len(reminder) == 1
    assert reminder[0]["type"] == "template"
    assert reminder[0]["template"]["name"] == "appointment_reminder_24h"
    assert reminder[0]["template"]["language"] == {"code": "es"}
    parameters = [p["text"] for p in reminder[0]["template"]["components"][0]["parameters"]]
    assert parameters[0] == "Lucía"
    assert parameters[2] == cast.tenant_a.name
    with rt.transaction() as db:
        kinds = db.execute(
            select(WhatsAppOutbox.kind, WhatsAppOutbox.category, WhatsAppOutbox.status).where(
                WhatsAppOutbox.key.like("reminder_%")
            )
        ).all()
        assert kinds == [("template", "utility", "accepted")]
        ledger = db.scalars(select(UsageEntry.category).where(UsageEntry.tenant_id == cast.tenant_a.id)).all()
        assert sorted(set(ledger)) == ["service", "utility"]
        assert ledger.count("service") == len(graph.sends()) - 1

    dump = database_dump(rt).lower()
    assert cast.tenant_a.id.lower() in dump, "the dump really reads the rows"
    for secret in (CUSTOMER, "611 222 333", "lucía martín", ACCESS_TOKEN.lower(), APP_SECRET.lower()):
        assert secret not in dump, f"plaintext at rest: {secret}"
    assert CUSTOMER in decrypted_dump(rt), "what the keys open holds it: the scan above could have found it"
