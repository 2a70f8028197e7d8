"""What schemathesis found (tests/test_api_fuzz.py), each pinned by a test: answers the OpenAPI
document did not describe, invalid values the API accepted, and values that answered 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.web.limits import is_limited
from tests.conftest import Cast
from tests.test_http_basics import assert_envelope

WRITES = {"post", "put", "patch"}


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return client.get("/v1/openapi.json").get_json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_every_write_documents_the_answers_to_a_body_that_is_not_json(spec: dict[str, Any]) -> None:
    writes = [(path, method, op) for path, method, op in operations(spec) if method in WRITES]
    assert len(writes) > 15
    for path, method, op in writes:
        for status in ("400", "413", "415", "422"):
            answer = op["responses"].get(status)
            assert answer, f"{method.upper()} {path} does not document {status}"
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, method, status)


def test_the_429_is_documented_exactly_where_the_rate_limiter_applies(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        documented = "429" in op["responses"]
        assert documented == is_limited(path), f"{method.upper()} {path}"
        if documented:
            assert "Retry-After" in op["responses"]["429"]["headers"]


def test_a_null_body_is_400_invalid_json_as_the_document_says(client: FlaskClient, cast: Cast) -> None:
    headers = staff(cast.alice_token)
    for method, path in [("POST", "/v1/flows"), ("PUT", "/v1/config/branding"), ("POST", "/v1/flows/rollback")]:
        response = client.open(path, method=method, data="null", content_type="application/json", headers=headers)
        assert_envelope(response, 400, "invalid_json")
