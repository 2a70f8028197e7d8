"""The WhatsApp settings API and Meta's webhook: handshake, signatures, batches, duplicates, media, one lead."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy import text as sql

from appliance.infra.db import (
    File,
    Lead,
    Tenant,
    WhatsAppChannel,
    WhatsAppContact,
    WhatsAppEvent,
    WhatsAppOutbox,
    utcnow,
)
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from appliance.whatsapp.webhook import forget_whatsapp_events, requeue_stalled_whatsapp_events
from tests.conftest import Cast
from tests.fake_graph import (
    ACCESS_TOKEN,
    APP_SECRET,
    CUSTOMER,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    FakeGraph,
    event,
    graph,  # noqa: F401 - the fixture
    message,
    messages_value,
    post_event,
    set_up_channel,
    sign,
    status,
    tap,
    text,
)
from tests.images import JPEG
from tests.visitors import ORIGIN, Visitor


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count(rt: Runtime, model: Any) -> int:
    with rt.transaction() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_it_saves_the_settings_and_never_shows_a_secret(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    assert client.get("/v1/channels/whatsapp", headers=auth(cast.alice_token)).status_code == 404
    saved = set_up_channel(client, cast.alice_token)
    assert saved.status_code == 200
    shown = client.get("/v1/channels/whatsapp", headers=auth(cast.alice_token))
    assert shown.status_code == 200
    body = shown.get_json()
    assert body["phone_number_id"] == PHONE_NUMBER_ID
    assert (body["access_token_set"], body["app_secret_set"], body["verify_token_set"]) == (True, True, True)
    for secret in (ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN):
        assert secret not in shown.get_data(as_text=True)
        assert secret not in saved.get_data(as_text=True)
    with rt.transaction() as db:
        raw = db.execute(sql("SELECT access_token, app_secret, verify_token_hash FROM whatsapp_channels")).one()
    assert ACCESS_TOKEN not in raw[0]
    assert APP_SECRET not in raw[1]
    assert VERIFY_TOKEN not in raw[2]


def test_only_managers_change_the_settings_and_a_number_belongs_to_one_store(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    assert set_up_channel(client, cast.bob_token).status_code == 403
    assert count(rt, WhatsAppChannel) == 0
    assert set_up_channel(client, cast.alice_token).status_code == 200
    taken = set_up_channel(client, cast.charlie_token)
    assert taken.status_code == 422
    assert taken.get_json()["error"]["details"]["problems"][0]["path"] == "phone_number_id"
    assert client.get("/v1/channels/whatsapp", headers=auth(cast.charlie_token)).status_code == 404


def test_a_first_save_needs_every_secret_and_later_ones_keep_them(client: FlaskClient, cast: Cast) -> None:
    half = client.put(
        "/v1/channels/whatsapp", json={"phone_number_id": PHONE_NUMBER_ID}, headers=auth(cast.alice_token)
    )
    assert half.status_code == 422
    assert {p["path"] for p in half.get_json()["error"]["details"]["problems"]} == {
        "access_token",
        "app_secret",
        "verify_token",
    }
    assert set_up_channel(client, cast.alice_token).status_code == 200
    templates = {"reminder_24h": {"name": "recordatorio_cita", "language": "es"}}
    again = client.put(
        "/v1/channels/whatsapp",
        json={"phone_number_id": PHONE_NUMBER_ID, "templates": templates, "prices_eur": {"utility": 0.0456}},
        headers=auth(cast.alice_token),
    )
    assert again.status_code == 200
    assert again.get_json()["app_secret_set"] is True
    assert again.get_json()["templates"]["reminder_24h"] == {"name": "recordatorio_cita", "language": "es"}
    assert again.get_json()["prices_eur"]["utility"] == 0.0456


def test_the_handshake_answers_the_challenge_only_for_a_stores_verify_token(client: FlaskClient, cast: Cast) -> None:
    set_up_channel(client, cast.alice_token)
    url = "/v1/channels/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
    ok = client.get(url + VERIFY_TOKEN)
    assert ok.status_code == 200
    assert ok.get_data(as_text=True) == "1158201444"
    assert ok.mimetype == "text/plain"
    assert client.get(url + "not-the-token").status_code == 403
    assert client.get(url.replace("subscribe", "unsubscribe") + VERIFY_TOKEN).status_code == 403


def test_a_rotated_app_secret_stops_the_old_signatures_at_once(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    rotated = {"phone_number_id": PHONE_NUMBER_ID, "app_secret": "a-brand-new-app-secret"}
    assert client.put("/v1/channels/whatsapp", json=rotated, headers=auth(cast.alice_token)).status_code == 200
    body = event(messages_value(text("Hola")))
    assert post_event(client, body).status_code == 401
    assert count(rt, WhatsAppEvent) == 0
    assert post_event(client, body, secret="a-brand-new-app-secret").status_code == 200
    assert count(rt, WhatsAppEvent) == 1


def test_bad_or_missing_signatures_are_refused_and_nothing_is_stored(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    raw = json.dumps(event(messages_value(text("Hola")))).encode()
    url = "/v1/channels/whatsapp/webhook"

    def post(data: bytes, signature: str | None) -> int:
        headers = {"X-Hub-Signature-256": signature} if signature else {}
        return client.post(url, data=data, content_type="application/json", headers=headers).status_code

    assert post(raw, None) == 401
    assert post(raw, sign(raw, "someone-elses-secret")) == 401
    assert post(raw + b" ", sign(raw)) == 401, "the signature covers the raw bytes as sent"
    assert post(b"{not json", sign(b"{not json")) == 401
    foreign = raw.replace(PHONE_NUMBER_ID.encode(), b"999999999")
    assert post(foreign, sign(foreign)) == 403
    assert count(rt, WhatsAppEvent) == 0
    assert count(rt, WhatsAppContact) == 0
    assert graph.sends() == []


def test_a_duplicate_delivery_is_answered_once(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    hello = text("Hola", wamid="wamid.SAME")
    assert post_event(client, event(messages_value(hello))).status_code == 200
    assert post_event(client, event(messages_value(hello))).status_code == 200
    assert post_event(client, event(messages_value(hello, hello))).status_code == 200
    assert len(graph.sends()) == 1
    assert count(rt, WhatsAppEvent) == 3
    assert count(rt, WhatsAppOutbox) == 1


def test_every_message_and_status_of_a_batch_is_handled_and_unknown_types_are_ignored(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    post_event(client, event(messages_value(text("Hola"))))
    first = graph.requests[-1]
    wamid = "wamid.OUT0001"
    assert first.body["to"] == CUSTOMER
    other = "351912345678"
    batch = event(
        messages_value(
            text("Olá, procuro um roupeiro", sender=other),
            message("reaction", {"message_id": wamid, "emoji": "👍"}),
            message("sticker", {"id": "STICKER1", "mime_type": "image/webp"}),
            message("unsupported", {}),
            message("button", {"text": "Sí", "payload": "yes"}),
        ),
        {"statuses": [status(wamid, "delivered")]},
        {"statuses": [status(wamid, "read")]},
    )
    assert post_event(client, batch).status_code == 200
    sent = graph.sends()
    assert [s["to"] for s in sent] == [CUSTOMER, other]
    assert sent[1]["interactive"]["body"]["text"].startswith("Olá")
    with rt.transaction() as db:
        assert db.scalar(select(WhatsAppOutbox.status).where(WhatsAppOutbox.wamid == wamid)) == "read"
        assert db.scalar(select(func.count()).where(WhatsAppEvent.processed_at.is_(None))) == 0


def test_a_tapped_option_and_free_text_answer_the_same_question(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    post_event(client, event(messages_value(text("Hola"))))
    post_event(client, event(messages_value(tap("yes"))))
    asked = graph.sends()[-1]["interactive"]
    assert [b["reply"]["id"] for b in asked["action"]["buttons"]] == ["kitchen", "wardrobe", "furniture"]
    post_event(client, event(messages_value(text("un armario empotrado"))))
    with rt.transaction() as db:
        chat_vars = db.execute(sql("SELECT current_block FROM sessions")).scalar()
    assert chat_vars == "area"


def test_a_photo_is_fetched_again_when_its_link_expired_and_a_tampered_one_is_refused(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    sha = graph.add_media("MEDIA7", JPEG, "image/jpeg")
    graph.expire_first_link.add("MEDIA7")
    photo = message("image", {"id": "MEDIA7", "mime_type": "image/jpeg", "sha256": sha})
    assert post_event(client, event(messages_value(photo))).status_code == 200
    lookups = [r for r in graph.requests if r.path == "/MEDIA7"]
    assert len(lookups) == 2, "an expired link is asked for again"
    assert lookups[0].query == {"phone_number_id": [PHONE_NUMBER_ID]}
    assert all(r.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}" for r in graph.requests)
    assert count(rt, File) == 1

    graph.add_media("MEDIA8", JPEG, "image/jpeg")
    tampered = message("image", {"id": "MEDIA8", "mime_type": "image/jpeg", "sha256": "0" * 64})
    voice = message("document", {"id": "MEDIA9", "mime_type": "audio/ogg", "sha256": "0" * 64})
    for item in (tampered, voice):
        post_event(client, event(messages_value(item)))
        assert graph.sends()[-1]["text"]["body"].startswith("No he podido recibir ese archivo")
    assert count(rt, File) == 1
    assert not [r for r in graph.requests if r.path == "/MEDIA9"], "a type that is not allowed is not downloaded"


def test_a_web_visitor_who_writes_on_whatsapp_continues_the_same_lead(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    with rt.transaction() as db:
        db.execute(
            sql("UPDATE tenants SET allowed_origins = :o WHERE id = :t"),
            {"o": json.dumps([ORIGIN]), "t": cast.tenant_a.id},
        )
    forget(rt, cast.tenant_a)
    web = Visitor(client, cast.tenant_a.widget_key)
    web.open(lang="es")
    web.start()
    answers = {
        "consent": {"choice": "yes"},
        "project": {"choice": "kitchen"},
        "area": {"value": 14},
        "budget": {"skip": True},
        "style": {"skip": True},
        "urgency": {"choice": "soon"},
        "photos": {"skip": True},
        "name": {"value": "Lucía Martín"},
        "contact_method": {"choice": "phone"},
        "phone": {"value": "611 222 333"},
    }
    while web.last["input"] and web.last["input"]["block_id"] in answers:
        web.send(**answers[web.last["input"]["block_id"]])
    with rt.transaction() as db:
        web_lead = db.scalar(select(Lead))
    assert web_lead.channel == "web"

    set_up_channel(client, cast.alice_token)
    post_event(client, event(messages_value(text("Hola, soy Lucía, escribí en la web"))))
    with rt.transaction() as db:
        leads = db.scalars(select(Lead)).all()
        contact = db.scalar(select(WhatsAppContact))
    assert [lead.id for lead in leads] == [web_lead.id]
    assert contact.lead_id == web_lead.id
    assert leads[0].fields["project_type"] == "kitchen"
    post_event(client, event(messages_value(tap("yes"))))
    with rt.transaction() as db:
        waiting = db.scalar(select(WhatsAppContact.waiting))["block_id"]
        assert db.scalar(select(func.count()).select_from(Lead)) == 1
    assert waiting not in {"project", "area", "urgency", "name", "contact_method", "phone"}, "nothing asked again"
    transcript = client.get(f"/v1/leads/{web_lead.id}/transcript", headers=auth(cast.alice_token)).get_json()
    channels = [m["channel"] for m in transcript["items"]]
    assert channels[0] == "web"
    assert channels[-1] == "whatsapp"
    assert channels == sorted(channels, key=["web", "whatsapp"].index), "one transcript, in order"
    assert "Hola, soy Lucía, escribí en la web" in [m["text"] for m in transcript["items"]]


def test_erasing_the_person_forgets_their_number_and_messages(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    post_event(client, event(messages_value(text("Hola, busco una cocina nueva"))))
    with rt.transaction() as db:
        lead_id = db.scalar(select(WhatsAppContact.lead_id))
    assert lead_id is not None
    erased = client.delete(f"/v1/privacy/subjects/{lead_id}", headers=auth(cast.alice_token))
    assert erased.status_code == 200
    assert erased.get_json()["erased"]["whatsapp_contacts"] == 1
    assert count(rt, WhatsAppContact) == 0
    assert count(rt, WhatsAppOutbox) == 0


def test_processed_events_are_forgotten_after_a_week(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    post_event(client, event(messages_value(text("Hola"))))
    post_event(client, event(messages_value(text("¿Hay alguien?"))))
    with rt.transaction() as db:
        first = db.scalars(select(WhatsAppEvent.id).order_by(WhatsAppEvent.id)).first()
        db.execute(
            update(WhatsAppEvent).where(WhatsAppEvent.id == first).values(processed_at=utcnow() - timedelta(days=8))
        )
    assert forget_whatsapp_events(rt) == 1
    assert count(rt, WhatsAppEvent) == 1


def test_an_event_whose_task_was_lost_is_queued_again(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_up_channel(client, cast.alice_token)

    class DroppingQueue:
        def enqueue(self, *task: Any) -> bool:
            return False  # Redis did not answer: the task is dropped, the event is stored

    real_queue = rt.queue
    monkeypatch.setattr(rt, "queue", DroppingQueue())
    assert post_event(client, event(messages_value(text("Hola")))).status_code == 200
    monkeypatch.setattr(rt, "queue", real_queue)
    assert requeue_stalled_whatsapp_events(rt) == 0, "not before two minutes"
    with rt.transaction() as db:
        db.execute(update(WhatsAppEvent).values(received_at=utcnow() - timedelta(minutes=3)))
    assert requeue_stalled_whatsapp_events(rt) == 1
    assert len(graph.sends()) == 1
    assert requeue_stalled_whatsapp_events(rt) == 0


def test_a_store_closed_for_maintenance_answers_with_its_message(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
) -> None:
    set_up_channel(client, cast.alice_token)
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        tenant.maintenance = {"enabled": True, "message": {"es": "Volvemos el lunes."}}
    forget(rt, cast.tenant_a)
    post_event(client, event(messages_value(text("Hola"))))
    assert graph.sends()[-1]["text"]["body"] == "Volvemos el lunes."
    with rt.transaction() as db:
        assert db.scalar(select(func.count()).select_from(Lead)) == 0
