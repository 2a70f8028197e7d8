"""Who may read and resume a visitor's conversation: the page that holds its secret, from its origin.

A conversation's id is not enough: the widget keeps a per-conversation secret beside it, the server
keeps only its hash, and a finished conversation's transcript no longer shows the contact details.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from appliance.infra.db import ChatSession, Tenant
from appliance.infra.runtime import Runtime
from tests.subjects import finish
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

NAME, EMAIL, PHONE = "Ona Vilaplana Roig", "ona.vilaplana@correu-prova.cat", "612 987 654"
ANSWERS = BASE_ANSWERS | {"name": {"value": NAME}, "email": {"value": EMAIL}, "phone": {"value": PHONE}}


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


def opened(client: FlaskClient, store: Tenant, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/widget/session", json={"widget_key": store.widget_key, **body}, headers={"Origin": ORIGIN}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def talked(client: FlaskClient, store: Tenant, lang: str = "es") -> Visitor:
    v = Visitor(client, store.widget_key)
    v.open(lang=lang)
    v.start(lang=lang)
    v.send(choice="yes")
    return v


def test_a_new_conversation_comes_with_a_secret_stored_only_as_its_hash(
    client: FlaskClient, rt: Runtime, store: Tenant
) -> None:
    answer = opened(client, store)
    secret = answer["session_secret"]
    assert len(secret) >= 40
    with rt.sessions() as db:
        stored = db.scalar(select(ChatSession.secret_hash).where(ChatSession.id == answer["session_id"]))
    assert stored == hashlib.sha256(secret.encode()).hexdigest()


def test_the_id_with_its_secret_resumes_and_no_new_secret_is_given(client: FlaskClient, store: Tenant) -> None:
    v = talked(client, store)
    again = opened(client, store, session_id=v.session_id, session_secret=v.secret)
    assert again["session_id"] == v.session_id
    assert "session_secret" not in again


@pytest.mark.parametrize("secret", [None, "", "not-the-secret", "x" * 43])
def test_an_id_without_its_secret_opens_a_new_conversation(
    client: FlaskClient, store: Tenant, secret: str | None
) -> None:
    v = talked(client, store)
    stranger = Visitor(client, store.widget_key)
    body = {"session_id": v.session_id} | ({"session_secret": secret} if secret is not None else {})
    answer = opened(client, store, **body)
    assert answer["session_id"] != v.session_id
    assert answer["session_secret"] != v.secret
    stranger.token, stranger.session_id = answer["token"], answer["session_id"]
    assert stranger.start()["messages"][0]["block_id"] == "welcome"
    # The visitor's own page still resumes theirs.
    assert opened(client, store, session_id=v.session_id, session_secret=v.secret)["session_id"] == v.session_id


def test_a_conversation_opened_before_secrets_is_claimed_by_its_first_resume(
    client: FlaskClient, rt: Runtime, store: Tenant
) -> None:
    v = talked(client, store)
    with rt.transaction() as db:
        db.execute(update(ChatSession).where(ChatSession.id == v.session_id).values(secret_hash=None))
    first = opened(client, store, session_id=v.session_id)
    assert first["session_id"] == v.session_id
    assert opened(client, store, session_id=v.session_id)["session_id"] != v.session_id
    claimed = opened(client, store, session_id=v.session_id, session_secret=first["session_secret"])
    assert claimed["session_id"] == v.session_id


TRANSCRIPT_CASES = ["es", "ca", "pt", "en"]


@pytest.mark.parametrize("lang", TRANSCRIPT_CASES)
def test_a_finished_conversations_transcript_masks_the_contact_details(
    client: FlaskClient, store: Tenant, make_token: Callable[..., str], lang: str
) -> None:
    v = talked(client, store, lang)
    finish(v, ANSWERS, attach=False)
    assert v.last["status"] == "completed"
    shown = " ".join(m["text"] or "" for m in v.transcript()["messages"])
    for whole in (NAME, "Vilaplana", "Roig", EMAIL, "correu-prova", "612 987 654", "612987654", "987"):
        assert whole.lower() not in shown.lower(), whole
    assert "Ona V. R." in shown
    # Staff still read the conversation whole.
    token = make_token(store, "OWNER")
    staff = {"Authorization": f"Bearer {token}"}
    lead_id = v.last["lead"]["id"]
    whole = client.get(f"/v1/leads/{lead_id}/transcript", headers=staff).get_json()
    said = " ".join(str(m.get("text") or "") for m in whole["items"])
    assert NAME in said
    assert EMAIL.lower() in said.lower()


def test_a_conversation_in_progress_shows_its_visitor_everything(client: FlaskClient, store: Tenant) -> None:
    v = talked(client, store)
    v.send(text=f"Soy {NAME}, mi correo es {EMAIL}")
    assert EMAIL in " ".join(m["text"] or "" for m in v.transcript()["messages"])


def test_a_visitor_token_without_origin_or_referer_is_refused(client: FlaskClient, store: Tenant) -> None:
    v = talked(client, store)
    bearer = {"Authorization": f"Bearer {v.token}"}
    read = client.get(f"/v1/chat/{v.session_id}", headers=bearer)
    assert read.status_code == 403
    assert read.get_json()["error"]["code"] == "origin_missing"
    body = {"session_id": v.session_id, "choice": "kitchen"}
    sent = client.post("/v1/chat/send", json=body, headers=bearer | {"Idempotency-Key": "k1"})
    assert sent.status_code == 403
    assert v.transcript()["input"]["block_id"] == "project"  # nothing was taken


def test_a_same_origin_get_names_its_page_by_the_referer(client: FlaskClient, store: Tenant) -> None:
    v = talked(client, store)
    bearer = {"Authorization": f"Bearer {v.token}"}
    mine = client.get(f"/v1/chat/{v.session_id}", headers=bearer | {"Referer": f"{ORIGIN}/cuines?x=1"})
    assert mine.status_code == 200
    other = client.get(f"/v1/chat/{v.session_id}", headers=bearer | {"Referer": "https://evil.example/"})
    assert other.status_code == 403
    assert other.get_json()["error"]["code"] == "origin_mismatch"
