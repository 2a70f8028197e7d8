"""Visitors read the chat API's refusals in their own language: the conversation's, else the one the
request asks for or the browser prefers, never the English meant for staff."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from appliance.core.visitor_errors import MESSAGES
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.visitors import ORIGIN, Visitor

LANGUAGES = ["es", "ca", "pt", "en"]
# What each language says of a 6,000-character message: its limit.
TOO_LONG = {
    "es": "como máximo 2000 caracteres",
    "ca": "com a màxim 2000 caràcters",
    "pt": "no máximo 2000 caracteres",
    "en": "2000 characters at most",
}


@pytest.fixture
def store(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])


def chatting(client: FlaskClient, store: Tenant, lang: str) -> Visitor:
    v = Visitor(client, store.widget_key)
    v.open(lang=lang)
    v.start(lang=lang)
    v.send(choice="yes")
    return v


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_file_that_is_not_an_image_or_pdf_is_refused_in_the_chats_language(
    client: FlaskClient, store: Tenant, lang: str
) -> None:
    v = chatting(client, store, lang)
    response = client.post(
        f"/v1/chat/{v.session_id}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a picture"), "foto.jpg")},
        headers=v.headers(**{"Accept-Language": "en"}),
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "file_type_not_allowed"
    assert error["message"] == MESSAGES["file_type_not_allowed"][lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_six_thousand_character_message_is_told_the_limit_in_the_chats_language(
    client: FlaskClient, store: Tenant, lang: str
) -> None:
    v = chatting(client, store, lang)
    response = v.post_send(text="cuina " * 1000)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert TOO_LONG[lang] in error["message"]
    assert error["details"]["max_length"] == 2000
    assert error["details"]["problems"]  # the contract's list of problems is still there
    # Nothing was taken: the same question waits.
    assert v.transcript()["input"]["block_id"] == "project"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_store_with_no_published_flow_says_so_in_the_language_asked(
    client: FlaskClient, store: Tenant, make_token: Callable[..., str], lang: str
) -> None:
    owner = {"Authorization": f"Bearer {make_token(store, 'OWNER')}"}
    assert client.post("/v1/flows/1/unpublish", headers=owner).status_code == 200
    body = {"widget_key": store.widget_key, "lang": lang}
    response = client.post("/v1/widget/session", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "no_published_flow"
    assert error["message"] == MESSAGES["no_published_flow"][lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_paused_store_says_so_in_the_browsers_language_and_in_the_conversations(
    client: FlaskClient, store: Tenant, rt: Runtime, lang: str
) -> None:
    v = chatting(client, store, lang)
    with rt.transaction() as db:
        db.get(Tenant, store.id).status = "paused"
    forget(rt, store)
    browser = {"Origin": ORIGIN, "Accept-Language": f"{lang}-XX,{lang};q=0.9"}
    opened = client.post("/v1/widget/session", json={"widget_key": store.widget_key}, headers=browser)
    assert opened.status_code == 503
    assert opened.get_json()["error"]["message"] == MESSAGES["store_unavailable"][lang]
    sent = v.post_send(text="hola")
    assert sent.status_code == 503
    assert sent.get_json()["error"]["code"] == "store_unavailable"
    assert sent.get_json()["error"]["message"] == MESSAGES["store_unavailable"][lang]


def test_staff_keep_the_apis_english_messages(
    client: FlaskClient, make_token: Callable[..., str], store: Tenant
) -> None:
    owner = {"Authorization": f"Bearer {make_token(store, 'OWNER')}", "Accept-Language": "ca"}
    response = client.get("/v1/leads?limit=100000", headers=owner)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "Some values are not valid."


def test_every_visitor_error_is_written_in_the_four_languages() -> None:
    for code, texts in MESSAGES.items():
        assert sorted(texts) == sorted(LANGUAGES), code
        assert all(text.strip() for text in texts.values()), code
