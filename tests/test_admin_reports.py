"""What the operator reads: the overview, recent errors (recorded when requests fail), the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from structlog.contextvars import bind_contextvars

from appliance.infra.db import AIUsage, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.operator.telemetry import count_request, error_rate
from appliance.operator.usage import month_start
from appliance.tenants.directory import forget
from appliance.web.api.auth import current_staff
from tests.conftest import Cast
from tests.operators import auth, platform_token
from tests.visitors import ORIGIN, Visitor


@pytest.fixture
def root(rt: Runtime) -> str:
    return platform_token(rt)


# --- the overview -------------------------------------------------------------------------------------


def test_the_overview_counts_stores_conversations_spend_and_health(
    client: FlaskClient, root: str, cast: Cast, rt: Runtime
) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
        now = utcnow()
        db.add(AIUsage(tenant_id=cast.tenant_a.id, provider="openai", model="m", purpose="understand",
                       cost_eur=Decimal("1.25"), created_at=now))  # fmt: skip
        db.add(AIUsage(tenant_id=cast.tenant_b.id, provider="openai", model="m", purpose="understand",
                       cost_eur=Decimal("5"), created_at=month_start(now) - timedelta(days=1)))  # fmt: skip
    forget(rt, cast.tenant_a)
    Visitor(client, cast.tenant_a.widget_key).open()
    client.put(f"/v1/admin/tenants/{cast.tenant_b.id}/maintenance", json={"enabled": True}, headers=auth(root))

    response = client.get("/v1/admin/overview", headers=auth(root))
    assert response.status_code == 200
    found = response.get_json()
    assert found["tenants"] == {"total": 2, "active": 2, "paused": 0, "maintenance": 1}
    assert found["conversations"] == {"last_1h": 1, "last_24h": 1, "last_30d": 1}
    assert found["leads"] == {"last_1h": 0, "last_24h": 0, "last_30d": 0}
    assert found["ai_spend_month_eur"] == 1.25
    assert found["health"] == {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok", "storage": "ok"}
    rate = found["error_rate"]
    assert rate["window_minutes"] == 60
    assert rate["requests"] >= 1
    assert rate["errors"] <= rate["requests"]


def test_the_error_rate_counts_requests_and_failures_of_the_last_hour(rt: Runtime) -> None:
    then = 1_000_000_000.0  # a minute in 2001, which no real request is counted in
    for failed in (False, False, True, False):
        count_request(rt, failed, now=then)
    count_request(rt, True, now=then - 3600)  # an hour earlier: outside the window
    assert error_rate(rt, now=then + 30) == {"window_minutes": 60, "requests": 4, "errors": 1, "rate": 0.25}


# --- recent errors ------------------------------------------------------------------------------------


@pytest.fixture
def failing_app(fresh_app: Callable[..., Flask], cast: Cast) -> Flask:
    """An app with test-only routes that fail on our side."""
    app = fresh_app()

    def boom() -> None:
        current_staff()  # the store is known: the error is filed under it
        raise RuntimeError("ana.serra@example.com broke it")  # a message that must not be stored

    def gone() -> None:
        bind_contextvars(tenant_id="t_does_not_exist")  # recording the failure will fail too
        raise RuntimeError("boom")

    app.add_url_rule("/v1/test/boom", "boom", boom)
    app.add_url_rule("/v1/test/gone", "gone", gone)
    app.add_url_rule("/v1/test/bad-gateway", "bad_gateway", lambda: ("upstream down", 502))
    return app


def test_a_failed_request_is_listed_for_the_operator(failing_app: Flask, cast: Cast, rt: Runtime) -> None:
    client = failing_app.test_client()
    root = platform_token(rt)
    response = client.get("/v1/test/boom?q=ana.serra@example.com", headers=auth(cast.alice_token))
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    request_id = response.headers["X-Request-ID"]

    [event] = client.get("/v1/admin/errors", headers=auth(root)).get_json()["items"]
    assert event["tenant_id"] == cast.tenant_a.id
    assert event["request_id"] == request_id
    assert (event["method"], event["path"], event["status"]) == ("GET", "/v1/test/boom", 500)
    assert (event["code"], event["message"]) == ("internal_error", "RuntimeError")
    rate = client.get("/v1/admin/overview", headers=auth(root)).get_json()["error_rate"]
    assert rate["errors"] >= 1
    assert rate["requests"] >= 2


def test_any_5xx_answer_is_listed_and_errors_filter_by_store(failing_app: Flask, cast: Cast, rt: Runtime) -> None:
    client = failing_app.test_client()
    root = platform_token(rt)
    client.get("/v1/test/bad-gateway")
    client.get("/v1/test/boom", headers=auth(cast.charlie_token))
    listed = client.get("/v1/admin/errors", headers=auth(root)).get_json()["items"]
    assert [(e["path"], e["code"]) for e in listed] == [
        ("/v1/test/boom", "internal_error"),
        ("/v1/test/bad-gateway", "http_502"),
    ]
    mine = client.get(f"/v1/admin/errors?tenant_id={cast.tenant_b.id}", headers=auth(root)).get_json()["items"]
    assert [e["path"] for e in mine] == ["/v1/test/boom"]


def test_a_failure_to_record_does_not_hide_the_original_error(failing_app: Flask, rt: Runtime, cast: Cast) -> None:
    client = failing_app.test_client()
    response = client.get("/v1/test/gone")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert client.get("/v1/admin/errors", headers=auth(platform_token(rt))).get_json()["items"] == []


# --- the audit log ------------------------------------------------------------------------------------


def test_the_audit_log_lists_admin_actions_newest_first_with_filters(
    client: FlaskClient, root: str, cast: Cast
) -> None:
    headers = auth(root)
    client.post("/v1/admin/tenants", json={"name": "Nova"}, headers=headers)
    client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json={"plan": "pro"}, headers=headers)
    client.post(f"/v1/admin/tenants/{cast.tenant_b.id}/widget-key/rotate", headers=headers)

    everything = client.get("/v1/admin/audit?limit=200", headers=headers).get_json()["items"]
    ours = [e for e in everything if e["action"] in {"widget_key.rotated", "tenant.updated", "tenant.created"}]
    assert [e["action"] for e in ours] == ["widget_key.rotated", "tenant.updated", "tenant.created"]
    assert ours[1]["details"] == {"fields": ["plan"]}
    token_id = ours[0]["actor"]["token_id"]

    def entries(query: str) -> list[dict]:
        return client.get(f"/v1/admin/audit?limit=200&{query}", headers=headers).get_json()["items"]

    assert {e["tenant_id"] for e in entries(f"tenant_id={cast.tenant_a.id}")} == {cast.tenant_a.id}
    assert "tenant.updated" in [e["action"] for e in entries(f"tenant_id={cast.tenant_a.id}")]
    assert [e["action"] for e in entries("action=tenant.created")] == ["tenant.created"]
    by_operator = entries(f"actor={token_id}")
    assert {e["actor"]["token_id"] for e in by_operator} == {token_id}
    assert {e["action"] for e in ours} <= {e["action"] for e in by_operator}
    assert entries("actor=tk_someone_else") == []
    today = utcnow().date()
    tomorrow = today + timedelta(days=1)
    assert len(entries(f"from={today}&to={today}")) == len(everything)
    assert entries(f"from={tomorrow}") == []
    assert entries("to=2000-01-01T00:00:00%2B00:00") == []


def test_the_audit_log_pages(client: FlaskClient, root: str, cast: Cast) -> None:
    headers = auth(root)
    for plan in ("pro", "elite", "base"):
        client.patch(f"/v1/admin/tenants/{cast.tenant_a.id}", json={"plan": plan}, headers=headers)
    query = "action=tenant.updated&limit=2"
    first = client.get(f"/v1/admin/audit?{query}", headers=headers).get_json()
    second = client.get(f"/v1/admin/audit?{query}&cursor={first['next_cursor']}", headers=headers).get_json()
    assert [e["details"]["fields"] for e in first["items"] + second["items"]] == [["plan"]] * 3
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None


def test_a_bad_date_in_the_audit_filter_is_422(client: FlaskClient, root: str) -> None:
    response = client.get("/v1/admin/audit?from=yesterday", headers=auth(root))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["problems"][0]["path"] == "from"
