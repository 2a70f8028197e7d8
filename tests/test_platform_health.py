"""GET /v1/admin/health: every service with its latency, a failing one named, always under a second."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from appliance.infra.runtime import Runtime, runtime_of
from appliance.operator.platform_health import watch_platform_health
from tests.conftest import Cast
from tests.fake_slack import Hooks
from tests.mailbox import Inbox, free_port
from tests.operators import auth, platform_token


def health(client: FlaskClient, rt: Runtime) -> dict:
    answer = client.get("/v1/admin/health", headers=auth(platform_token(rt, role="INTERNAL")))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_it_reports_every_service_with_its_latency(client: FlaskClient, rt: Runtime) -> None:
    report = health(client, rt)
    assert report["status"] == "ok"
    assert report["mode"] == rt.settings.mode
    assert set(report["services"]) == {"database", "cache", "queue", "storage"}
    for found in report["services"].values():
        assert found["status"] == "ok"
        assert 0 <= found["latency_ms"] < 1000
    assert report["checked_in_ms"] < 1000


def test_a_mail_server_that_refuses_is_reported_down_and_the_platform_degraded(
    app: Flask, fresh_app: Callable[..., Flask], inbox: Inbox
) -> None:
    built = fresh_app(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    report = health(built.test_client(), runtime_of(built))
    assert report["status"] == "degraded"
    assert report["services"]["mail"] == {"status": "down", "latency_ms": None, "error": "ConnectionRefusedError"}
    assert report["services"]["database"]["status"] == "ok"


def test_a_working_mail_server_is_reported_up(app: Flask, fresh_app: Callable[..., Flask], inbox: Inbox) -> None:
    built = fresh_app(smtp_url=inbox.url)
    assert health(built.test_client(), runtime_of(built))["services"]["mail"]["status"] == "ok"


def test_a_hanging_ai_endpoint_is_reported_timed_out_within_the_second(
    app: Flask, fresh_app: Callable[..., Flask], hooks: Hooks
) -> None:
    hooks.delay = 3.0
    built = fresh_app(ai_base_url=f"{hooks.url}/v1")
    client, rt = built.test_client(), runtime_of(built)
    token = platform_token(rt)
    started = time.perf_counter()
    answer = client.get("/v1/admin/health", headers=auth(token))
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200
    assert answer.get_json()["services"]["ai"]["status"] == "down"
    assert elapsed < 1.0


def test_its_p95_stays_under_a_second(client: FlaskClient, rt: Runtime) -> None:
    token = platform_token(rt)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        assert client.get("/v1/admin/health", headers=auth(token)).status_code == 200
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[18] < 1.0


def test_only_platform_staff_see_it(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/admin/health").status_code == 404
    answer = client.get("/v1/admin/health", headers=auth(cast.alice_token))
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_the_health_watch_alerts_the_operator_of_a_service_down(
    app: Flask, fresh_app: Callable[..., Flask], hooks: Hooks
) -> None:
    built = fresh_app(smtp_url=f"smtp://127.0.0.1:{free_port()}", alert_slack_url=f"{hooks.url}/slack")
    assert watch_platform_health(runtime_of(built)) == ["mail"]
    [sent] = hooks.bodies("/slack")
    assert sent["ebanista"]["condition"] == "health_down"
    assert sent["ebanista"]["store"] == "platform"
    assert sent["ebanista"]["detail"] == "mail"
    assert sent["ebanista"]["link"].endswith("/admin/health")


def test_the_admin_health_page_shows_each_service_and_where_alerts_go(
    app: Flask, fresh_app: Callable[..., Flask], hooks: Hooks
) -> None:
    from tests.test_admin_pages import operator_client

    built = fresh_app(smtp_url=f"smtp://127.0.0.1:{free_port()}", alert_slack_url=f"{hooks.url}/slack")
    html = operator_client(built, runtime_of(built), role="INTERNAL").get("/admin/health").get_data(as_text=True)
    for service in ("database", "cache", "queue", "storage", "mail"):
        assert f'data-testid="service-{service}"' in html
    assert "ConnectionRefusedError" in html
    assert "Alerts go to Slack." in html
