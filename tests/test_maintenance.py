"""Maintenance mode: a store's chat closes for visitors with its message, while its staff keep working."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from appliance.tenants.maintenance import DEFAULT_MESSAGES
from tests.conftest import Cast
from tests.images import JPEG
from tests.operators import audits, auth, platform_token
from tests.visitors import ORIGIN, Visitor

MESSAGES = {
    "es": "Estamos renovando el chat. Volvemos el lunes.",
    "ca": "Estem renovant el xat. Tornem dilluns.",
    "en": "We are renewing the chat. Back on Monday.",
}


@pytest.fixture
def root(rt: Runtime) -> str:
    return platform_token(rt)


@pytest.fixture
def store(cast: Cast, rt: Runtime) -> Tenant:
    """Tenant A, open to the test website."""
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    return cast.tenant_a


def switch(client: FlaskClient, root: str, tenant: Tenant, enabled: bool, message: dict[str, str] | None = None):
    body: dict[str, Any] = {"enabled": enabled} | ({"message": message} if message is not None else {})
    return client.put(f"/v1/admin/tenants/{tenant.id}/maintenance", json=body, headers=auth(root))


def open_session(client: FlaskClient, tenant: Tenant, **headers: str):
    body = {"widget_key": tenant.widget_key}
    return client.post("/v1/widget/session", json=body, headers={"Origin": ORIGIN, **headers})


def test_the_widget_gets_the_message_in_the_visitors_language(client: FlaskClient, root: str, store: Tenant) -> None:
    open_session(client, store)  # the store is now in the directory's cache
    assert switch(client, root, store, True, MESSAGES).status_code == 200
    response = open_session(client, store, **{"Accept-Language": "ca-ES,ca;q=0.9,en;q=0.5"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "maintenance"
    assert error["message"] == MESSAGES["ca"]
    assert error["details"]["language"] == "ca"
    # Every language the store speaks; Portuguese, unwritten, gets the store's default-language message.
    assert error["details"]["message"] == {**MESSAGES, "pt": MESSAGES["es"]}


def test_the_closed_widget_keeps_the_stores_name_and_colours(client: FlaskClient, root: str, store: Tenant) -> None:
    opened = open_session(client, store).get_json()["config"]
    switch(client, root, store, True, MESSAGES)
    closed = open_session(client, store).get_json()["error"]["details"]["config"]
    assert closed["store_name"] == opened["store_name"]
    assert closed["colors"] == opened["colors"]
    assert closed["store_name"]


def test_without_a_language_hint_the_store_default_is_used(client: FlaskClient, root: str, store: Tenant) -> None:
    switch(client, root, store, True, MESSAGES)
    assert open_session(client, store).get_json()["error"]["message"] == MESSAGES["es"]


def test_a_store_without_a_message_gets_the_standard_one(client: FlaskClient, root: str, store: Tenant) -> None:
    switch(client, root, store, True)
    response = open_session(client, store, **{"Accept-Language": "pt-PT"})
    assert response.get_json()["error"]["message"] == DEFAULT_MESSAGES["pt"]


def test_a_conversation_under_way_is_told_in_its_own_language(
    client: FlaskClient, root: str, store: Tenant, rt: Runtime
) -> None:
    visitor = Visitor(client, store.widget_key)
    visitor.open(lang="en")
    visitor.start()
    switch(client, root, store, True, MESSAGES)
    headers = visitor.headers(**{"Accept-Language": "es-ES"})
    calls = {
        "start": client.post("/v1/chat/start", json={"session_id": visitor.session_id}, headers=headers),
        "send": visitor.post_send(choice="yes"),
        "transcript": client.get(f"/v1/chat/{visitor.session_id}", headers=headers),
        "attachment": client.post(
            f"/v1/chat/{visitor.session_id}/attachments",
            data={"file": (io.BytesIO(JPEG), "a.jpg")},
            headers=headers,
            content_type="multipart/form-data",
        ),
    }
    for name, response in calls.items():
        assert response.status_code == 503, name
        assert response.get_json()["error"]["code"] == "maintenance", name
        assert response.get_json()["error"]["message"] == MESSAGES["en"], name


def test_staff_keep_working_during_maintenance(client: FlaskClient, root: str, store: Tenant, cast: Cast) -> None:
    switch(client, root, store, True, MESSAGES)
    assert client.get("/v1/flows", headers=auth(cast.alice_token)).status_code == 200
    assert client.get("/v1/config/branding", headers=auth(cast.bob_token)).status_code == 200


def test_other_stores_stay_open(client: FlaskClient, root: str, store: Tenant, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_b.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_b)
    switch(client, root, store, True, MESSAGES)
    Visitor(client, cast.tenant_b.widget_key).open()


def test_switching_it_off_reopens_the_chat_at_once(client: FlaskClient, root: str, store: Tenant) -> None:
    visitor = Visitor(client, store.widget_key)
    visitor.open()
    switch(client, root, store, True, MESSAGES)
    assert visitor.post_send(choice="yes").status_code == 503
    switch(client, root, store, False)
    visitor.open(session_id=visitor.session_id)
    assert visitor.start()["input"] is not None


def test_maintenance_refusals_are_not_counted_as_errors(client: FlaskClient, root: str, store: Tenant) -> None:
    switch(client, root, store, True)
    assert open_session(client, store).status_code == 503
    assert client.get("/v1/admin/errors", headers=auth(root)).get_json()["items"] == []


def test_the_switch_is_audited(client: FlaskClient, root: str, store: Tenant, rt: Runtime) -> None:
    switch(client, root, store, True, MESSAGES)
    switch(client, root, store, False)
    entries = audits(rt, "tenant.maintenance")
    assert [e["details"] for e in entries] == [
        {"enabled": True, "languages": ["ca", "en", "es"]},
        {"enabled": False, "languages": []},
    ]
    assert {e["tenant_id"] for e in entries} == {store.id}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"enabled": True, "message": {"fr": "Fermé"}}, "message.fr"),
        ({"enabled": True, "message": {"es": "x" * 501}}, "message.es"),
        ({"message": {"es": "Cerrado"}}, "enabled"),
        ({"enabled": "yes"}, "enabled"),
    ],
)
def test_it_refuses_a_bad_switch(client: FlaskClient, root: str, store: Tenant, body: dict, path: str) -> None:
    response = client.put(f"/v1/admin/tenants/{store.id}/maintenance", json=body, headers=auth(root))
    assert response.status_code == 422
    assert path in {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
