"""Operator alerts: Slack, e-mail when Slack is unset or fails, Teams for Elite stores only; one
alert per condition and store per five minutes, shared by every process, repeats reported next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from appliance.ai.assist import read_text
from appliance.ai.provider import Ask
from appliance.billing.plans import teams_allowed, update_plan
from appliance.infra.db import Tenant, utcnow
from appliance.infra.runtime import Runtime, runtime_of
from appliance.infra.settings import ConfigError, load_settings
from appliance.operator import alerts
from appliance.tenants.directory import tenant_info
from appliance.whatsapp import contacts
from appliance.whatsapp.outbox import Outgoing, deliver_due, queue_messages
from tests.conftest import Cast
from tests.fake_graph import (
    CUSTOMER,
    FakeGraph,
    graph,  # noqa: F401 - the fixture
    set_up_channel,
)
from tests.fake_openai import serve
from tests.fake_slack import Hooks
from tests.mailbox import Inbox
from tests.operators import auth, platform_token

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def alerting_app(app: Flask, fresh_app: Callable[..., Flask], hooks: Hooks, inbox: Inbox) -> Flask:
    """An app that alerts to the fake Slack and, as fallback, to the test SMTP server."""
    return fresh_app(alert_slack_url=f"{hooks.url}/slack", alert_email="ops@ebanista.test", smtp_url=inbox.url)


@pytest.fixture
def alerting(alerting_app: Flask) -> Runtime:
    return runtime_of(alerting_app)


def test_it_sends_one_alert_per_condition_and_store_in_five_minutes_and_reports_the_repeats_next(
    alerting: Runtime, hooks: Hooks, cast: Cast
) -> None:
    tenant = cast.tenant_a.id
    assert alerts.raise_alert(alerting, "booking_failed", tenant_id=tenant, request_id="req-1", at=T0)
    assert not alerts.raise_alert(alerting, "booking_failed", tenant_id=tenant, at=T0 + timedelta(minutes=1))
    assert not alerts.raise_alert(alerting, "booking_failed", tenant_id=tenant, at=T0 + timedelta(minutes=4))
    # Another store, and another condition, have their own quiet periods.
    assert alerts.raise_alert(alerting, "booking_failed", tenant_id=cast.tenant_b.id, at=T0)
    assert alerts.raise_alert(alerting, "ai_slow", tenant_id=tenant, at=T0)
    assert alerts.raise_alert(alerting, "booking_failed", tenant_id=tenant, at=T0 + timedelta(minutes=5))

    sent = hooks.bodies("/slack")
    assert len(sent) == 4
    first, *_, last = sent
    assert first["ebanista"] == {
        "condition": "booking_failed",
        "store": "tenant-a",
        "count": 1,
        "suppressed": 0,
        "request_id": "req-1",
        "link": f"http://127.0.0.1:8000/admin/errors?tenant_id={tenant}",
    }
    assert "a booking failed on store tenant-a" in first["text"]
    assert last["ebanista"]["suppressed"] == 2
    assert "(+2 suppressed)" in last["text"]


def test_the_quiet_period_holds_across_processes_because_it_lives_in_the_database(
    alerting: Runtime, fresh_app: Callable[..., Flask], hooks: Hooks
) -> None:
    other_process = runtime_of(fresh_app(alert_slack_url=f"{hooks.url}/slack"))
    assert alerts.raise_alert(alerting, "health_down", detail="storage", at=T0)
    assert not alerts.raise_alert(other_process, "health_down", detail="storage", at=T0 + timedelta(seconds=30))
    assert len(hooks.bodies("/slack")) == 1


def test_it_falls_back_to_email_when_slack_fails(alerting: Runtime, hooks: Hooks, inbox: Inbox, cast: Cast) -> None:
    hooks.status = 500
    assert alerts.raise_alert(
        alerting, "whatsapp_failed", tenant_id=cast.tenant_a.id, detail="error code 131026", at=T0
    )
    assert len(hooks.bodies("/slack")) == 1  # tried first
    [mail] = inbox.messages
    assert mail["To"] == "ops@ebanista.test"
    assert mail["Subject"] == "Ebanista alert: WhatsApp messages failed after their retries on store tenant-a"
    body = mail.get_content()
    assert "condition: whatsapp_failed" in body
    assert "detail: error code 131026" in body
    assert f"/admin/errors?tenant_id={cast.tenant_a.id}" in body


def test_it_emails_when_no_slack_is_set(
    app: Flask, fresh_app: Callable[..., Flask], inbox: Inbox, hooks: Hooks
) -> None:
    rt = runtime_of(fresh_app(alert_email="ops@ebanista.test", smtp_url=inbox.url))
    assert alerts.raise_alert(rt, "health_down", detail="cache, queue", at=T0)
    [mail] = inbox.messages
    assert mail["Subject"] == "Ebanista alert: a health check failed on the platform"
    assert "http://127.0.0.1:8000/admin/health" in mail.get_content()
    assert hooks.received == []


def test_server_errors_alert_from_the_fifth_in_five_minutes(alerting: Runtime, hooks: Hooks, cast: Cast) -> None:
    for second in range(4):
        alerts.note_server_error(alerting, cast.tenant_a.id, f"req-{second}", at=T0 + timedelta(seconds=second))
    assert hooks.bodies("/slack") == []
    alerts.note_server_error(alerting, cast.tenant_a.id, "req-4", at=T0 + timedelta(seconds=4))
    [sent] = hooks.bodies("/slack")
    assert sent["ebanista"]["condition"] == "http_5xx"
    assert sent["ebanista"]["count"] == 5
    assert sent["ebanista"]["request_id"] == "req-4"


def test_teams_follows_the_plans_table(alerting: Runtime) -> None:
    assert teams_allowed(alerting, "elite")
    assert not teams_allowed(alerting, "base")
    update_plan(alerting, "base", {"features": {"teams_alerts": True}})
    assert teams_allowed(alerting, "base")


def test_a_store_on_elite_gets_its_alerts_in_teams_and_a_base_store_cannot_have_teams(
    alerting_app: Flask, alerting: Runtime, hooks: Hooks, make_tenant: Callable[..., Tenant]
) -> None:
    client = alerting_app.test_client()
    token = platform_token(alerting)
    elite, base = make_tenant("Elite", slug="elite", plan="elite"), make_tenant("Base", slug="base", plan="base")
    body = {"teams_webhook_url": f"{hooks.url}/teams"}
    saved = client.put(f"/v1/admin/tenants/{elite.id}/alerts", json=body, headers=auth(token))
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"tenant_id": elite.id, "teams": {"configured": True, "allowed": True}}
    refused = client.put(f"/v1/admin/tenants/{base.id}/alerts", json=body, headers=auth(token))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "plan_required"

    alerts.raise_alert(alerting, "booking_failed", tenant_id=elite.id, at=T0)
    alerts.raise_alert(alerting, "booking_failed", tenant_id=base.id, at=T0)
    [card] = hooks.bodies("/teams")
    assert card["@type"] == "MessageCard"
    assert card["title"] == "Ebanista alert: a booking failed on store elite"
    assert len(hooks.bodies("/slack")) == 2


def test_a_store_moved_to_a_plan_without_teams_stops_getting_teams_alerts(
    alerting_app: Flask, alerting: Runtime, hooks: Hooks, make_tenant: Callable[..., Tenant]
) -> None:
    client = alerting_app.test_client()
    token = platform_token(alerting)
    store = make_tenant("Elite", slug="elite", plan="elite")
    body = {"teams_webhook_url": f"{hooks.url}/teams"}
    assert client.put(f"/v1/admin/tenants/{store.id}/alerts", json=body, headers=auth(token)).status_code == 200
    assert client.patch(f"/v1/admin/tenants/{store.id}", json={"plan": "base"}, headers=auth(token)).status_code == 200
    alerts.raise_alert(alerting, "booking_failed", tenant_id=store.id, at=T0)
    assert hooks.bodies("/teams") == []


def test_the_teams_setting_is_for_platform_staff_only(alerting_app: Flask, cast: Cast, hooks: Hooks) -> None:
    client = alerting_app.test_client()
    body = {"teams_webhook_url": f"{hooks.url}/teams"}
    answer = client.put(f"/v1/admin/tenants/{cast.tenant_a.id}/alerts", json=body, headers=auth(cast.alice_token))
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_a_failed_booking_raises_an_alert_after_the_request(
    alerting_app: Flask, hooks: Hooks, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fault is injected below the service under test: the agenda's booking itself breaks.
    from appliance.agenda import appointments

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(appointments, "book", broken)
    client = alerting_app.test_client()
    body = {"service": "showroom_visit", "start": "2030-01-07T10:00:00+01:00", "name": "Núria"}
    answer = client.post("/v1/appointments", json=body, headers=auth(cast.alice_token, **{"X-Request-ID": "req-b"}))
    assert answer.status_code == 500
    [sent] = hooks.bodies("/slack")
    assert sent["ebanista"]["condition"] == "booking_failed"
    assert sent["ebanista"]["request_id"] == "req-b"
    assert sent["ebanista"]["store"] == "tenant-a"


def test_an_ai_call_slower_than_3_seconds_alerts_the_operator_and_is_counted(
    client: FlaskClient, cast: Cast, rt: Runtime, hooks: Hooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(rt, monkeypatch)
    fake = next(server)
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"alert_slack_url": f"{hooks.url}/slack"}))
    body = {"provider": "openai", "model": "gpt-4.1-mini", "cheap_model": "gpt-4.1-nano"}
    assert client.put("/v1/config/ai", json=body, headers=auth(cast.alice_token)).status_code == 200
    failed_before = failed_ai_calls()
    fake.completions.append(("slow", 4.5, ("json", {})))
    read_text(rt, cast.tenant_a.id, None, Ask("Una cocina de 9 m2", "es", "ES"))
    [sent] = hooks.bodies("/slack")
    assert sent["ebanista"]["condition"] == "ai_slow"
    assert sent["ebanista"]["store"] == "tenant-a"
    assert sent["ebanista"]["detail"].startswith("understand took 3.")
    assert failed_ai_calls() == failed_before + 1
    next(server, None)


def failed_ai_calls() -> float:
    return REGISTRY.get_sample_value("ebanista_ai_calls_total", {"purpose": "understand", "outcome": "failed"}) or 0.0


def test_an_alert_address_without_a_mail_server_stops_start_up() -> None:
    with pytest.raises(ConfigError, match=r"^EBANISTA_ALERT_EMAIL: alerts by e-mail need EBANISTA_SMTP_URL"):
        load_settings({"EBANISTA_ALERT_EMAIL": "ops@example.com"})


def test_a_whatsapp_message_failed_after_its_three_retries_alerts_the_operator(
    client: FlaskClient,
    cast: Cast,
    rt: Runtime,
    graph: FakeGraph,  # noqa: F811
    hooks: Hooks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_up_channel(client, cast.alice_token)
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"alert_slack_url": f"{hooks.url}/slack"}))
    arrival = contacts.arrive(rt, tenant_info(rt, cast.tenant_a.id), CUSTOMER, utcnow() - timedelta(minutes=1))
    graph.script = [("error", 500, 131000)] * 4
    hello = Outgoing("test:0", "text", {"type": "text", "text": {"body": "Hola"}})
    queue_messages(rt, cast.tenant_a.id, arrival.contact_id, [hello])
    for hours in (1, 2, 3):  # each retry is due well before the next hour
        assert hooks.bodies("/slack") == []
        deliver_due(rt, utcnow() + timedelta(hours=hours))
    [sent] = hooks.bodies("/slack")
    assert sent["ebanista"]["condition"] == "whatsapp_failed"
    assert sent["ebanista"]["detail"] == "error code 131000"
