"""The conventions every /v1 answer keeps: health, request ids, the one error envelope, OpenAPI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from tests.backends import PLATFORM


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_health_reports_every_part_ok(client: FlaskClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "version": "0.1.0",
        "mode": "platform" if PLATFORM else "appliance",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok", "storage": "ok"},
    }


def test_health_is_degraded_but_up_when_storage_fails(fresh_app: Callable[..., Flask], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    app = fresh_app(storage_url=(blocker / "files").as_uri())
    response = app.test_client().get("/v1/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["checks"]["storage"] == "down"


def test_health_is_503_without_a_database(fresh_app: Callable[..., Flask], tmp_path: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none" if PLATFORM else f"sqlite:///{tmp_path}/missing/dir/x.db"
    response = fresh_app(database_url=url).test_client().get("/v1/health")
    error = assert_envelope(response, 503, "unavailable")
    assert error["details"]["checks"]["database"] == "down"


def test_it_echoes_the_callers_request_id(client: FlaskClient) -> None:
    response = client.get("/v1/health", headers={"X-Request-ID": "store-42.abc"})
    assert response.headers["X-Request-ID"] == "store-42.abc"


def test_it_makes_a_request_id_when_none_or_a_bad_one_is_sent(client: FlaskClient) -> None:
    plain = client.get("/v1/health").headers["X-Request-ID"]
    hostile = client.get("/v1/health", headers={"X-Request-ID": "<script>" + "y" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", plain)
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Request-ID"])


def test_errors_carry_a_request_id_too(client: FlaskClient) -> None:
    assert client.get("/v1/nowhere").headers["X-Request-ID"]


def test_unknown_api_paths_answer_the_envelope_not_html(client: FlaskClient) -> None:
    assert_envelope(client.get("/v1/nowhere"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/v1/health")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def echo_app(fresh_app: Callable[..., Flask]) -> FlaskClient:
    app = fresh_app()
    app.add_url_rule("/v1/_echo", "echo", lambda: {"ok": True}, methods=["POST"])
    return app.test_client()


def test_non_json_bodies_are_415(fresh_app: Callable[..., Flask]) -> None:
    response = echo_app(fresh_app).post("/v1/_echo", data="a=b", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415, "unsupported_media_type")


def test_malformed_json_is_400(fresh_app: Callable[..., Flask]) -> None:
    response = echo_app(fresh_app).post("/v1/_echo", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "invalid_json")


def test_well_formed_json_reaches_the_handler(fresh_app: Callable[..., Flask]) -> None:
    assert echo_app(fresh_app).post("/v1/_echo", json={"a": 1}).get_json() == {"ok": True}


def test_a_crash_is_500_without_a_stack_trace(fresh_app: Callable[..., Flask]) -> None:
    app = fresh_app()

    def explode() -> str:
        raise RuntimeError("secret detail: /etc/passwd")

    app.add_url_rule("/v1/_explode", "explode", explode)
    response = app.test_client().get("/v1/_explode")
    error = assert_envelope(response, 500, "internal_error")
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Traceback" not in error["message"]


def test_a_crash_after_the_answer_is_made_is_500_internal_error_not_error(fresh_app: Callable[..., Flask]) -> None:
    # An after_request step that raises reaches Flask's own InternalServerError, not the handler above.
    app = fresh_app()

    def explode(response: object) -> object:
        raise RuntimeError("secret detail")

    app.after_request(explode)
    response = app.test_client().get("/v1/health")
    assert_envelope(response, 500, "internal_error")
    assert "secret detail" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("status", "code"), [(500, "internal_error"), (502, "internal_error"), (503, "unavailable")])
def test_every_5xx_werkzeug_raises_has_our_code(fresh_app: Callable[..., Flask], status: int, code: str) -> None:
    app = fresh_app()

    def refuse() -> str:
        abort(status, "a developer's description")

    app.add_url_rule("/v1/_refuse", "refuse", refuse)
    response = app.test_client().get("/v1/_refuse")
    error = assert_envelope(response, status, code)
    assert "developer" not in error["message"]


def test_the_openapi_document_is_3_1_and_describes_health(client: FlaskClient) -> None:
    spec = client.get("/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/v1/health" in spec["paths"]
    assert spec["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert "ErrorEnvelope" in spec["components"]["schemas"]


def test_the_docs_page_loads_only_local_assets(client: FlaskClient) -> None:
    page = client.get("/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"https?://", html)
    for asset in re.findall(r"(?:src|href)=\"(swagger/[^\"]+)\"", html):
        assert client.get(f"/v1/{asset}").status_code == 200, asset


def test_the_home_page_links_the_docs(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b"/v1/docs" in page.data
