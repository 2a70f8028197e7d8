"""GET /metrics: Prometheus text that moves with chat turns, leads and bookings, for allowed callers only."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from appliance.infra.runtime import Runtime
from appliance.infra.settings import ConfigError, load_settings
from tests.conftest import Cast
from tests.leads_factory import allow_visitors, chat_until
from tests.livesite import Site
from tests.operators import auth, platform_token

OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


def scrape(site: Site) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Fetch /metrics over HTTP and return every sample by (name, sorted labels)."""
    with urllib.request.urlopen(f"{site.url}/metrics", timeout=10) as answer:  # noqa: S310 - a local test server
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        text = answer.read().decode("utf-8")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_after_a_chat_that_books_and_a_staff_booking(
    site: Site, client: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    allow_visitors(rt, cast.tenant_a)
    before = scrape(site)
    visitor = chat_until(client, cast.tenant_a, None)
    assert visitor.last["status"] == "completed"
    day = date.today() + timedelta(days=3)
    slots = client.get(
        f"/v1/agenda/slots?service=showroom_visit&from={day}&to={day + timedelta(days=6)}",
        headers=auth(cast.alice_token),
    ).get_json()["slots"]
    free = next(slot for slot in slots if slot["available"])
    booked = client.post(
        "/v1/appointments",
        json={"service": "showroom_visit", "start": free["start"], "name": "Núria Vidal"},
        headers=auth(cast.alice_token, **{"Idempotency-Key": "metrics-1"}),
    )
    assert booked.status_code == 201, booked.get_json()
    after = scrape(site)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("ebanista_chat_turns_total", channel="web") >= 10
    assert moved("ebanista_leads_created_total", channel="web") == 1
    assert moved("ebanista_bookings_total", source="chat") == 1
    assert moved("ebanista_bookings_total", source="staff") == 1
    sends = moved("ebanista_http_requests_total", method="POST", route="/v1/chat/send", status="200")
    assert sends >= 9
    assert moved("ebanista_http_request_duration_seconds_count", method="POST", route="/v1/chat/send") == sends
    assert moved("ebanista_http_requests_total", method="POST", route="/v1/appointments", status="201") == 1
    # Levels read from shared storage at scrape time.
    assert ("ebanista_queue_depth", ()) in after
    assert value(after, "ebanista_whatsapp_outbox_messages", status="failed") == 0


def test_unknown_addresses_are_counted_under_one_route_label(client: FlaskClient) -> None:
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="<unmatched>"' in text
    assert "/no/such/page" not in text


def test_a_caller_from_an_address_not_allowed_is_refused_with_the_envelope(client: FlaskClient) -> None:
    answer = client.get("/metrics", environ_base=OUTSIDER)
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "metrics_forbidden"


def test_a_store_token_is_refused_even_from_loopback(client: FlaskClient, cast: Cast) -> None:
    answer = client.get("/metrics", headers=auth(cast.alice_token))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "metrics_forbidden"


@pytest.mark.parametrize("role", ["SUPER_ADMIN", "INTERNAL"])
def test_an_operator_token_may_scrape_from_anywhere(client: FlaskClient, rt: Runtime, role: str) -> None:
    token = platform_token(rt, role=role, email=f"{role.lower()}@ebanista.test")
    answer = client.get("/metrics", headers=auth(token), environ_base=OUTSIDER)
    assert answer.status_code == 200
    assert "ebanista_http_requests_total" in answer.get_data(as_text=True)


def test_the_allowed_networks_come_from_the_setting(app: Flask, fresh_app: Callable[..., Flask]) -> None:
    client = fresh_app(metrics_allow="10.0.0.0/8, 192.0.2.7").test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer in the list


def test_a_bad_network_list_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^EBANISTA_METRICS_ALLOW: must be a comma-separated list"):
        load_settings({"EBANISTA_METRICS_ALLOW": "localhost"})
