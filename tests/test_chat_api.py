"""The visitor's side of the API: widget session, start, send, transcript — over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.core.flows.presets import preset
from appliance.infra.db import AnalyticsEvent, ChatSession, Consent, IdempotencyKey, Lead, Message, Tenant
from appliance.infra.runtime import Runtime
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

BASE = {b["id"]: b for b in preset("base")["blocks"]}
LANGUAGES = ("es", "ca", "pt", "en")


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN, "https://*.estudi.cat"])


@pytest.fixture
def visitor(client: FlaskClient, store: Tenant) -> Visitor:
    v = Visitor(client, store.widget_key)
    v.open()
    return v


def count(rt: Runtime, model: type, **where: object) -> int:
    with rt.sessions() as db:
        return db.scalar(select(func.count()).select_from(model).filter_by(**where))


def talk_to_the_end(v: Visitor) -> None:
    """Answer every question of the base flow with buttons and values, as the widget would."""
    v.start()
    answers = BASE_ANSWERS
    while v.waiting_for:
        block = v.waiting_for
        if block == "appointment":
            v.send(value=v.last["input"]["slots"][0]["start"])
        else:
            v.send(**answers[block])


def test_a_widget_session_gives_a_token_and_the_stores_look(client: FlaskClient, store: Tenant) -> None:
    data = Visitor(client, store.widget_key).open(lang="ca")
    assert data["expires_in"] == 3600
    assert data["session_id"].startswith("s_")
    assert data["config"]["store_name"] == "Cuines Estudi"
    assert data["config"]["languages"] == ["es", "ca", "pt", "en"]
    assert data["config"]["greeting"].startswith("Hola!")
    claims = jwt.decode(data["token"], options={"verify_signature": False})
    assert claims["sub"] == data["session_id"]
    assert claims["org"] == ORIGIN


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://www.estudi.es", "https://estudi.cat"])
def test_a_page_on_a_website_the_store_does_not_allow_is_refused(
    client: FlaskClient, store: Tenant, origin: str
) -> None:
    response = client.post("/v1/widget/session", json={"widget_key": store.widget_key}, headers={"Origin": origin})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "origin_not_allowed"


def test_a_wildcard_subdomain_pattern_lets_a_subdomain_in(client: FlaskClient, store: Tenant) -> None:
    assert Visitor(client, store.widget_key, origin="https://botiga.estudi.cat").open()["token"]


def test_an_unknown_widget_key_is_404(client: FlaskClient, store: Tenant) -> None:
    response = client.post("/v1/widget/session", json={"widget_key": "wk_nope"}, headers={"Origin": ORIGIN})
    assert response.status_code == 404


def test_preflights_echo_allowed_origins_only(client: FlaskClient, store: Tenant) -> None:
    allowed = client.options("/v1/chat/send", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    denied = client.options("/v1/chat/send", headers={"Origin": "https://evil.example"})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Idempotency-Key" in allowed.headers["Access-Control-Allow-Headers"]
    assert allowed.headers["Access-Control-Max-Age"] == "7200"
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    assert "Access-Control-Allow-Origin" not in denied.headers


def test_start_greets_and_asks_for_consent_then_repeats_nothing(visitor: Visitor) -> None:
    first = visitor.start()
    assert first["status"] == "active"
    assert first["language"] == "es"
    assert [m["block_id"] for m in first["messages"]] == ["welcome", "consent"]
    assert "Cuines Estudi" in first["messages"][0]["text"]
    assert first["input"]["type"] == "buttons"
    assert [o["id"] for o in first["input"]["options"]] == ["yes", "no"]
    again = visitor.start()
    assert again["messages"] == []
    assert again["input"] == first["input"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_conversation_in_each_language_fills_the_lead(
    client: FlaskClient, store: Tenant, rt: Runtime, language: str
) -> None:
    v = Visitor(client, store.widget_key)
    v.open(lang=language)
    talk_to_the_end(v)
    assert v.last["status"] == "completed"
    assert v.last["input"] is None
    assert v.last["language"] == language
    assert v.last["lead"]["score"] > 0
    with rt.sessions() as db:
        lead = db.scalar(select(Lead).where(Lead.session_id == v.session_id))
        consent_prompt = db.scalar(
            select(Message.text).where(Message.block_id == "consent", Message.role == "bot").order_by(Message.seq)
        )
    assert consent_prompt == BASE["consent"]["text"][language]
    assert lead.fields | {"appointment": None} == {
        "project_type": "kitchen",
        "area_m2": 14,
        "budget_min_eur": 8000,
        "budget_max_eur": 12000,
        "style": "modern",
        "urgency": "soon",
        "contact_method": "email",
        "appointment": None,
    }
    assert lead.fields["appointment"]["service"] == "showroom_visit"
    assert lead.contact == {"name": "Ana Serra", "email": "ana.serra@example.com"}
    assert lead.language == language
    assert sum(lead.score_breakdown.values()) == lead.score


def test_a_wrong_value_is_explained_and_the_same_question_stays(visitor: Visitor) -> None:
    visitor.start()
    visitor.send(choice="yes")
    visitor.send(choice="kitchen")
    assert visitor.waiting_for == "area"
    answer = visitor.send(value=9000)
    assert answer["input"]["block_id"] == "area"
    assert "500" in answer["messages"][0]["text"]
    assert visitor.send(value="quince")["input"]["block_id"] == "area"


@pytest.mark.parametrize(
    "body",
    [{}, {"text": "a", "choice": "b"}, {"skip": False}, {"text": ""}, {"text": "x" * 2001}, {"lang": "fr"}],
)
def test_malformed_sends_are_422_with_problems(visitor: Visitor, body: dict) -> None:
    visitor.start()
    response = visitor.post_send(**body)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["problems"]


def test_a_replayed_send_returns_the_first_answer_and_stores_nothing(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    first = visitor.send(key="retry-1", choice="yes")
    messages = count(rt, Message, session_id=visitor.session_id)
    replay = visitor.post_send(key="retry-1", choice="yes")
    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first
    assert count(rt, Message, session_id=visitor.session_id) == messages


def test_the_same_key_with_another_body_is_409(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    visitor.send(key="retry-2", choice="yes")
    messages = count(rt, Message, session_id=visitor.session_id)
    conflict = visitor.post_send(key="retry-2", choice="no")
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "idempotency_conflict"
    assert count(rt, Message, session_id=visitor.session_id) == messages


def test_a_reload_resumes_the_conversation_with_its_transcript(client: FlaskClient, store: Tenant) -> None:
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(choice="yes")
    reloaded = Visitor(client, store.widget_key)
    assert reloaded.open(session_id=v.session_id, secret=v.secret)["session_id"] == v.session_id
    transcript = reloaded.transcript()
    roles = [m["role"] for m in transcript["messages"]]
    assert roles == ["bot", "bot", "visitor", "bot"]
    assert transcript["messages"][2]["text"] == BASE["consent"]["options"][0]["label"]["es"]
    assert transcript["input"]["block_id"] == "project"


def test_a_conversation_survives_a_server_restart(
    client: FlaskClient, store: Tenant, fresh_app: Callable[..., Flask]
) -> None:
    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(choice="yes")
    restarted = Visitor(fresh_app().test_client(), store.widget_key)
    restarted.open(session_id=v.session_id, secret=v.secret)
    assert restarted.session_id == v.session_id
    assert restarted.send(choice="wardrobe")["input"]["block_id"] == "area"


def test_a_foreign_or_unknown_session_id_starts_a_new_conversation(
    client: FlaskClient, store: Tenant, make_tenant: Callable[..., Tenant]
) -> None:
    other = make_tenant("Altres", slug="altres", allowed_origins=[ORIGIN])
    theirs = Visitor(client, other.widget_key)
    theirs.open()
    theirs.start()
    mine = Visitor(client, store.widget_key)
    assert mine.open(session_id=theirs.session_id)["session_id"] != theirs.session_id
    assert mine.open(session_id="s_doesnotexist")["session_id"] != theirs.session_id
    assert mine.start()["messages"][0]["block_id"] == "welcome"


def test_a_token_reads_only_its_own_conversation(client: FlaskClient, store: Tenant) -> None:
    a, b = Visitor(client, store.widget_key), Visitor(client, store.widget_key)
    a.open()
    b.open()
    b.start()
    response = client.get(f"/v1/chat/{b.session_id}", headers=a.headers())
    assert response.status_code == 404
    assert "messages" not in response.get_json()
    sent = client.post("/v1/chat/send", json={"session_id": b.session_id, "text": "hola"}, headers=a.headers())
    assert sent.status_code == 404


def test_a_token_used_from_another_website_is_refused(visitor: Visitor) -> None:
    visitor.origin = "https://evil.example"
    response = visitor.client.post("/v1/chat/start", json={"session_id": visitor.session_id}, headers=visitor.headers())
    assert response.status_code == 403


def test_missing_or_expired_tokens_are_401(visitor: Visitor, app: Flask) -> None:
    bare = visitor.client.post("/v1/chat/start", json={"session_id": visitor.session_id})
    assert bare.status_code == 401
    past = time.time() - 7200
    payload = jwt.decode(visitor.token, options={"verify_signature": False}) | {"iat": int(past), "exp": int(past)}
    visitor.token = jwt.encode(payload, app.config["SECRET_KEY"], algorithm="HS256")
    expired = visitor.client.post("/v1/chat/start", json={"session_id": visitor.session_id}, headers=visitor.headers())
    assert expired.status_code == 401
    assert expired.get_json()["error"]["code"] == "token_expired"


def test_opening_the_session_again_renews_the_token(client: FlaskClient, store: Tenant) -> None:
    v = Visitor(client, store.widget_key)
    v.open()
    old = v.token
    time.sleep(1.1)
    v.open(session_id=v.session_id)
    assert v.token != old
    assert v.start()["messages"]


def test_the_visitor_can_switch_language_and_the_flow_goes_on(visitor: Visitor) -> None:
    visitor.start()
    switched = visitor.send(lang="pt")
    assert switched["language"] == "pt"
    assert switched["messages"][0]["text"] == BASE["consent"]["text"]["pt"]
    assert [o["label"] for o in switched["input"]["options"]] == [o["label"]["pt"] for o in BASE["consent"]["options"]]
    assert visitor.send(choice="yes")["messages"][0]["text"] == BASE["project"]["text"]["pt"]


def test_the_first_free_text_sets_the_language(visitor: Visitor) -> None:
    visitor.start()
    answer = visitor.send(text="Hi! We'd like a new fitted wardrobe for our bedroom, is that something you do?")
    assert answer["language"] == "en"


def test_a_short_greeting_keeps_the_stores_language(visitor: Visitor) -> None:
    visitor.start()
    assert visitor.send(text="ok")["language"] == "es"


def test_consent_is_recorded_with_its_wording(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    visitor.send(choice="yes")
    with rt.sessions() as db:
        record = db.scalar(select(Consent))
    assert record.granted is True
    assert record.purpose == "lead_contact"
    assert record.text_version == "2026-11"
    assert record.language == "es"
    assert record.channel == "web"
    assert record.evidence["origin"] == ORIGIN
    assert len(record.text_hash) == 64


def test_a_visitor_who_declines_is_asked_nothing_more_and_no_contact_is_kept(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    assert visitor.send(choice="no")["status"] == "completed"
    after = visitor.send(text="quiero un armario, escribidme a ana@example.com o al 612 345 678")
    assert after["input"] is None
    with rt.sessions() as db:
        lead = db.scalar(select(Lead).where(Lead.session_id == visitor.session_id))
        typed = db.scalar(
            select(Message.text)
            .where(Message.role == "visitor", Message.text.is_not(None))
            .order_by(Message.seq.desc())
        )
        declined = db.scalar(select(Consent.granted))
    assert declined is False
    assert lead is None or lead.contact == {}
    assert "ana@example.com" not in typed
    assert "612 345 678" not in typed


def test_turns_leave_analytics_events_without_personal_data(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    visitor.send(choice="yes")
    with rt.sessions() as db:
        names = set(db.scalars(select(AnalyticsEvent.name)))
        consent_data = db.scalar(select(AnalyticsEvent.data).where(AnalyticsEvent.name == "consent"))
    assert {"conversation_started", "consent"} <= names
    assert not {"block_entered", "answered"} & names  # the transcript already says so
    assert "text" not in consent_data


def test_a_session_keeps_its_flow_version_when_a_new_one_is_published(
    client: FlaskClient, store: Tenant, rt: Runtime, make_token: Callable[..., str]
) -> None:
    old = Visitor(client, store.widget_key)
    old.open()
    old.start()
    document = preset("base")
    for block in document["blocks"]:
        if block["id"] == "project":
            block["text"] = {lang: f"[v2] {text}" for lang, text in block["text"].items()}
    token = make_token(store, "OWNER")
    created = client.post("/v1/flows", json=document, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    version = created.get_json()["version"]
    assert client.post(f"/v1/flows/{version}/publish", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert not old.send(choice="yes")["messages"][0]["text"].startswith("[v2]")
    new = Visitor(client, store.widget_key)
    new.open()
    new.start()
    assert new.send(choice="yes")["messages"][0]["text"].startswith("[v2]")
    with rt.sessions() as db:
        versions = dict(db.execute(select(ChatSession.id, ChatSession.flow_version)).all())
    assert versions[old.session_id] == 1
    assert versions[new.session_id] == version


def test_a_paused_store_tells_visitors_it_is_unavailable(client: FlaskClient, store: Tenant, rt: Runtime) -> None:
    from appliance.tenants.directory import forget

    with rt.transaction() as db:
        db.get(Tenant, store.id).status = "paused"
    forget(rt, store)
    response = client.post("/v1/widget/session", json={"widget_key": store.widget_key}, headers={"Origin": ORIGIN})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "store_unavailable"


def test_a_key_past_its_24_hours_is_a_new_request(visitor: Visitor, rt: Runtime) -> None:
    visitor.start()
    visitor.send(key="old-key", choice="yes")
    with rt.transaction() as db:
        for row in db.scalars(select(IdempotencyKey)):
            row.expires_at = row.created_at - timedelta(seconds=1)
    answer = visitor.post_send(key="old-key", choice="wardrobe")
    assert answer.status_code == 200
    assert "Idempotent-Replayed" not in answer.headers
    assert answer.get_json()["input"]["block_id"] == "area"


def test_losing_the_cache_loses_nothing(client: FlaskClient, store: Tenant, rt: Runtime) -> None:
    from appliance.conversations import positions
    from appliance.tenants.directory import forget

    v = Visitor(client, store.widget_key)
    v.open()
    v.start()
    v.send(choice="yes")
    cached = v.start()
    positions.forget(rt, v.session_id)
    forget(rt, store)
    again = Visitor(client, store.widget_key)
    again.open(session_id=v.session_id, secret=v.secret)
    assert again.start() == cached
    assert again.send(choice="kitchen")["input"]["block_id"] == "area"
