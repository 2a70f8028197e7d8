"""What schemathesis found (tests/test_api_fuzz.py), each pinned by a test: answers the OpenAPI
document did not describe, invalid values the API accepted, and values that answered 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.web.limited_paths import is_limited
from tests.conftest import Cast
from tests.operators import platform_token
from tests.test_http_basics import assert_envelope
from tests.visitors import ORIGIN, Visitor

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


@pytest.mark.parametrize(
    "query",
    [
        "to=0",
        "from=1700000000",
        "to=2026-03-30T10:00:00",
        "to=9999-12-31",
        "from=0001-01-01&to=0001-01-02",
        "from=1899-12-31&to=1900-01-05",
    ],
)
def test_kpis_refuse_a_day_not_written_out_or_past_the_bounds(client: FlaskClient, cast: Cast, query: str) -> None:
    response = client.get(f"/v1/analytics/kpis?{query}", headers=staff(cast.alice_token))
    assert_envelope(response, 422, "invalid")


def test_kpis_take_a_day_at_the_edge_of_the_bounds(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/v1/analytics/kpis?from=9998-12-01&to=9998-12-31", headers=staff(cast.alice_token))
    assert response.status_code == 200
    assert response.get_json()["to"] == "9998-12-31"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/agenda/slots?service=showroom_visit&from=9999-12-31&to=9999-12-31",
        "/v1/agenda/slots?service=showroom_visit&from=0&to=0",
        "/v1/appointments?from=9999-12-31&to=9999-12-31",
        "/v1/appointments?from=0001-01-01&to=0001-01-01",
        "/v1/leads?created_to=9999-12-31",
        "/v1/leads?created_from=0001-01-01T00:00:00%2B14:00",
        "/v1/leads/export.csv?created_from=9999-12-31T23:59:59-14:00",
    ],
)
def test_agenda_and_lead_queries_refuse_days_past_the_bounds(client: FlaskClient, cast: Cast, path: str) -> None:
    assert_envelope(client.get(path, headers=staff(cast.alice_token)), 422, "invalid")


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_booking_refuses_a_start_past_the_bounds(client: FlaskClient, cast: Cast, start: str) -> None:
    body = {"service": "showroom_visit", "start": start, "name": "Ana Serra"}
    response = client.post("/v1/appointments", json=body, headers=staff(cast.alice_token))
    error = assert_envelope(response, 422, "invalid")
    assert error["details"]["problems"] == [{"path": "start", "message": "must be between 1900-01-01 and 9998-12-31"}]


@pytest.mark.parametrize("start", [0, "0", 1774859400, True])
def test_a_booking_start_must_be_written_out_not_a_unix_time(client: FlaskClient, cast: Cast, start: object) -> None:
    body = {"service": "showroom_visit", "start": start, "name": "Ana Serra"}
    response = client.post("/v1/appointments", json=body, headers=staff(cast.alice_token))
    error = assert_envelope(response, 422, "invalid")
    message = "must be written like 2026-03-30T09:30:00+02:00"
    assert error["details"]["problems"] == [{"path": "start", "message": message}]


@pytest.mark.parametrize("moment", ["9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_the_audit_trail_refuses_moments_past_the_bounds(client: FlaskClient, rt: Runtime, moment: str) -> None:
    token = platform_token(rt)
    for name in ("from", "to"):
        response = client.get("/v1/admin/audit", query_string={name: moment}, headers=staff(token))
        assert_envelope(response, 422, "invalid")


def test_a_rollback_to_version_true_is_not_version_1(client: FlaskClient, cast: Cast) -> None:
    response = client.post("/v1/flows/rollback", json={"to_version": True}, headers=staff(cast.alice_token))
    assert_envelope(response, 422, "invalid")


@pytest.mark.parametrize(
    "blocks",
    [
        [{"id": ["a"], "type": "message", "text": {"es": "Hola"}}],
        [{"id": "a", "type": "condition", "branches": [{"if": 5, "next": "a"}]}],
    ],
)
def test_a_flow_with_a_block_of_the_wrong_shape_is_422_not_500(client: FlaskClient, cast: Cast, blocks: list) -> None:
    document = {"languages": ["es"], "default_language": "es", "start": "a", "blocks": blocks}
    response = client.post("/v1/flows", json=document, headers=staff(cast.alice_token))
    assert_envelope(response, 422, "invalid")


def test_a_nul_character_is_refused_wherever_it_comes(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    headers = staff(cast.alice_token)
    cases = [
        client.get("/v1/leads", query_string={"q": "ana\x00"}, headers=headers),
        client.get("/v1/leads/l_1%00", headers=headers),
        client.patch("/v1/leads/l_1", json={"notes": "a\x00b"}, headers=headers),
        client.put("/v1/config/branding", json={"store_name\x00": "x"}, headers=headers),
        client.get("/v1/admin/audit", query_string={"actor": "\x00"}, headers=staff(platform_token(rt))),
        client.get("/v1/admin/errors", query_string={"cursor": "\x00"}, headers=staff(platform_token(rt))),
    ]
    for response in cases:
        error = assert_envelope(response, 422, "invalid")
        assert error["details"]["problems"][0]["message"] == "must not contain the NUL character"


def test_the_admin_surface_stays_hidden_from_a_nul_in_its_query(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/v1/admin/audit", query_string={"actor": "\x00"}, headers=staff(cast.alice_token))
    assert_envelope(response, 404, "not_found")


def test_an_upload_named_with_a_nul_character_is_refused(
    client: FlaskClient, make_tenant: Callable[..., Tenant]
) -> None:
    visitor = Visitor(client, make_tenant("Cuines Estudi", slug="estudi", allowed_origins=[ORIGIN]).widget_key)
    visitor.open()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = client.post(
        f"/v1/chat/{visitor.session_id}/attachments",
        data={"file": (io.BytesIO(png), "plan\x00.png", "image/png")},
        headers=visitor.headers(),
    )
    assert_envelope(response, 422, "invalid")
