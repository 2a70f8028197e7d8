"""Hostile input an outside test sent: each answers a 4xx with the error envelope, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from tests.conftest import Cast
from tests.test_http_basics import assert_envelope
from tests.visitors import ORIGIN, Visitor

# About 2 KB of brackets: enough to exhaust the standard parser's recursion.
DEEP_BODIES = {"arrays": "[" * 1000, "objects": '{"a":' * 1000, "mixed": '[{"a":' * 500}


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def visitor(client: FlaskClient, make_tenant: Callable[..., Tenant]) -> Visitor:
    store = make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])
    v = Visitor(client, store.widget_key)
    v.open()
    return v


@pytest.mark.parametrize("shape", sorted(DEEP_BODIES))
def test_deeply_nested_json_is_400_invalid_json_on_every_json_endpoint(
    client: FlaskClient, cast: Cast, visitor: Visitor, shape: str
) -> None:
    body = DEEP_BODIES[shape]
    calls = [
        ("POST", "/v1/chat/send", visitor.headers(**{"Idempotency-Key": "k1"})),
        ("POST", "/v1/widget/session", {"Origin": ORIGIN}),
        ("POST", "/v1/flows", staff(cast.alice_token)),
        ("PUT", "/v1/config/branding", staff(cast.alice_token)),
    ]
    for method, path, headers in calls:
        response = client.open(path, method=method, data=body, content_type="application/json", headers=headers)
        assert_envelope(response, 400, "invalid_json")


def test_json_nested_past_the_bound_is_400_though_the_parser_could_read_it(client: FlaskClient, cast: Cast) -> None:
    response = client.post(
        "/v1/flows", data="[" * 100 + "]" * 100, content_type="application/json", headers=staff(cast.alice_token)
    )
    assert_envelope(response, 400, "invalid_json")


def test_json_nested_within_the_bound_still_reaches_the_handler(client: FlaskClient, cast: Cast) -> None:
    response = client.post(
        "/v1/flows", data="[" * 20 + "]" * 20, content_type="application/json", headers=staff(cast.alice_token)
    )
    assert_envelope(response, 422, "invalid")


BROKEN_CLAIMS = {
    "no tenant": {"tid": None},
    "no origin": {"org": None},
    "a number for the tenant": {"tid": 5},
    "a list for the tenant": {"tid": ["t_1"]},
    "an object for the origin": {"org": {"a": 1}},
    "an empty tenant": {"tid": ""},
}


def forged(visitor: Visitor, secret: str, changes: dict[str, object]) -> str:
    """Return the visitor's token re-signed with the right secret, claims changed (None drops one)."""
    payload = jwt.decode(visitor.token, options={"verify_signature": False}) | changes
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256")


@pytest.mark.parametrize("case", sorted(BROKEN_CLAIMS))
def test_a_signed_visitor_token_without_its_claims_is_401_invalid_token(
    client: FlaskClient, app: Flask, visitor: Visitor, case: str
) -> None:
    visitor.token = forged(visitor, app.config["SECRET_KEY"], BROKEN_CLAIMS[case])
    for response in (
        client.post("/v1/chat/start", json={"session_id": visitor.session_id}, headers=visitor.headers()),
        client.get(f"/v1/chat/{visitor.session_id}", headers=visitor.headers()),
    ):
        assert_envelope(response, 401, "invalid_token")


def test_the_rate_limiter_reads_a_token_without_its_claims_as_nobodys(
    fresh_app: Callable[..., Flask], make_tenant: Callable[..., Tenant]
) -> None:
    limited = fresh_app(rate_limits="on")
    store = make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN])
    visitor = Visitor(limited.test_client(), store.widget_key)
    visitor.open()
    visitor.token = forged(visitor, limited.config["SECRET_KEY"], {"tid": None})
    response = visitor.client.post("/v1/chat/start", json={"session_id": visitor.session_id}, headers=visitor.headers())
    assert_envelope(response, 401, "invalid_token")


# The flow version column is a 32-bit INTEGER on both databases.
HUGE_VERSIONS = ["99999999999999999999", str(2**31), str(2**63)]


@pytest.mark.parametrize("version", HUGE_VERSIONS)
def test_a_flow_version_past_the_column_is_422_in_the_path(client: FlaskClient, cast: Cast, version: str) -> None:
    headers = staff(cast.alice_token)
    assert_envelope(client.get(f"/v1/flows/{version}", headers=headers), 422, "invalid")
    assert_envelope(client.post(f"/v1/flows/{version}/publish", headers=headers), 422, "invalid")
    assert_envelope(client.post(f"/v1/flows/{version}/unpublish", headers=headers), 422, "invalid")


@pytest.mark.parametrize("to_version", [1e20, 10**20, 2**31, -(2**63)])
def test_a_rollback_version_past_the_column_is_422(client: FlaskClient, cast: Cast, to_version: float) -> None:
    response = client.post("/v1/flows/rollback", json={"to_version": to_version}, headers=staff(cast.alice_token))
    assert_envelope(response, 422, "invalid")


def test_the_largest_version_the_column_holds_is_simply_not_found(client: FlaskClient, cast: Cast) -> None:
    headers = staff(cast.alice_token)
    assert_envelope(client.get(f"/v1/flows/{2**31 - 1}", headers=headers), 404, "not_found")
    response = client.post("/v1/flows/rollback", json={"to_version": 2**31 - 1}, headers=headers)
    assert_envelope(response, 404, "not_found")
