"""Store staff manage their bot's flow: drafts, publishing, rollback — within their own store."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.core.flows.presets import preset
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.visitors import ORIGIN, Visitor


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def retitled(prefix: str) -> dict[str, Any]:
    document = preset("base")
    document["blocks"][0]["text"] = {lang: f"{prefix} {text}" for lang, text in document["blocks"][0]["text"].items()}
    return document


def test_a_new_store_starts_with_the_base_flow_published(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/v1/flows", headers=auth(cast.alice_token))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(f["version"], f["state"]) for f in items] == [(1, "published")]
    assert items[0]["published_at"]
    assert response.get_json()["next_cursor"] is None


def test_a_version_can_be_read_with_its_document(client: FlaskClient, cast: Cast) -> None:
    flow = client.get("/v1/flows/1", headers=auth(cast.bob_token)).get_json()
    assert flow["document"]["start"] == "welcome"


def test_an_invalid_flow_is_refused_with_every_problem(client: FlaskClient, cast: Cast) -> None:
    document = preset("base")
    document["blocks"][0]["next"] = "nowhere"
    del document["blocks"][2]["text"]["ca"]
    document["blocks"][3]["options"] = []
    response = client.post("/v1/flows", json=document, headers=auth(cast.alice_token))
    assert response.status_code == 422
    paths = {p["path"] for p in response.get_json()["error"]["details"]["problems"]}
    assert {"blocks[0].next", "blocks[2].text.ca", "blocks[3].options"} <= paths
    assert len(client.get("/v1/flows", headers=auth(cast.alice_token)).get_json()["items"]) == 1


def test_a_body_that_is_not_a_flow_at_all_is_422(client: FlaskClient, cast: Cast) -> None:
    response = client.post("/v1/flows", json=["not", "a", "flow"], headers=auth(cast.alice_token))
    assert response.status_code == 422


def test_publish_and_roll_back(client: FlaskClient, cast: Cast) -> None:
    created = client.post("/v1/flows", json=retitled("[v2]"), headers=auth(cast.alice_token))
    assert created.status_code == 201
    assert created.get_json()["state"] == "draft"
    assert client.post("/v1/flows/2/publish", headers=auth(cast.alice_token)).get_json()["state"] == "published"
    states = {
        f["version"]: f["state"] for f in client.get("/v1/flows", headers=auth(cast.alice_token)).get_json()["items"]
    }
    assert states == {1: "archived", 2: "published"}
    rolled = client.post("/v1/flows/rollback", json={"to_version": 1}, headers=auth(cast.alice_token))
    assert rolled.status_code == 200
    states = {
        f["version"]: f["state"] for f in client.get("/v1/flows", headers=auth(cast.alice_token)).get_json()["items"]
    }
    assert states == {1: "published", 2: "archived"}


def allow_website(rt: Runtime, tenant: Tenant) -> None:
    with rt.transaction() as db:
        db.get(Tenant, tenant.id).allowed_origins = [ORIGIN]
    forget(rt, tenant)


def test_visitors_see_the_published_version(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    client.post("/v1/flows", json=retitled("[v2]"), headers=auth(cast.alice_token))
    client.post("/v1/flows/2/publish", headers=auth(cast.alice_token))
    allow_website(rt, cast.tenant_a)
    v = Visitor(client, cast.tenant_a.widget_key)
    v.open()
    assert v.start()["messages"][0]["text"].startswith("[v2]")


def test_rolling_back_to_a_never_published_draft_is_409(client: FlaskClient, cast: Cast) -> None:
    client.post("/v1/flows", json=retitled("[v2]"), headers=auth(cast.alice_token))
    response = client.post("/v1/flows/rollback", json={"to_version": 2}, headers=auth(cast.alice_token))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "never_published"


def test_unpublishing_closes_the_chat_to_new_visitors(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    assert client.post("/v1/flows/1/unpublish", headers=auth(cast.alice_token)).get_json()["state"] == "archived"
    assert client.post("/v1/flows/1/unpublish", headers=auth(cast.alice_token)).status_code == 409
    allow_website(rt, cast.tenant_a)
    response = client.post(
        "/v1/widget/session", json={"widget_key": cast.tenant_a.widget_key}, headers={"Origin": ORIGIN}
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "no_published_flow"


def test_an_agent_can_read_but_not_change_the_flow(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/flows", headers=auth(cast.bob_token)).status_code == 200
    assert client.post("/v1/flows", json=retitled("x"), headers=auth(cast.bob_token)).status_code == 403
    assert client.post("/v1/flows/1/publish", headers=auth(cast.bob_token)).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/v1/flows/2", None),
        ("post", "/v1/flows/2/publish", None),
        ("post", "/v1/flows/2/unpublish", None),
        ("post", "/v1/flows/rollback", {"to_version": 2}),
    ],
)
def test_another_stores_versions_are_404(client: FlaskClient, cast: Cast, method: str, path: str, body: Any) -> None:
    # Charlie's store has version 2; Alice's store does not, and must not learn that Charlie's does.
    assert client.post("/v1/flows", json=retitled("[B]"), headers=auth(cast.charlie_token)).status_code == 201
    client.post("/v1/flows/2/publish", headers=auth(cast.charlie_token))
    response = getattr(client, method)(path, json=body, headers=auth(cast.alice_token))
    assert response.status_code == 404
    mine = client.get("/v1/flows", headers=auth(cast.alice_token)).get_json()["items"]
    assert [f["version"] for f in mine] == [1]


def test_flows_need_a_valid_store_token(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/flows").status_code == 401
    assert client.get("/v1/flows", headers=auth("eba_forged")).status_code == 401


def test_the_openapi_document_describes_chat_and_flows(client: FlaskClient) -> None:
    spec = client.get("/v1/openapi.json").get_json()
    for path in (
        "/v1/widget/session",
        "/v1/chat/start",
        "/v1/chat/send",
        "/v1/chat/{session_id}",
        "/v1/flows",
        "/v1/flows/{version}/publish",
        "/v1/flows/rollback",
    ):
        assert path in spec["paths"], path
    assert "FlowDocument" in spec["components"]["schemas"]
    send = spec["paths"]["/v1/chat/send"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in send["parameters"])
