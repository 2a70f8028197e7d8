"""The panel's webhooks settings, the notifications bell and list, and each person's preferences."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from appliance.events import addresses
from appliance.events.dispatch import dispatch
from appliance.events.record import APPOINTMENT_BOOKED, emit
from appliance.events.webhooks import list_webhooks
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.panel import post_form

Login = Callable[..., FlaskClient]


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    # A local name table stands in for DNS: the integrator's host is on the public internet.
    monkeypatch.setattr(addresses, "resolve", lambda _host, _port: ["93.184.215.14"])


def booked_event(rt: Runtime, cast: Cast) -> None:
    appointment = {"id": "a_01TEST", "service": "showroom_visit", "start": "2030-01-02T10:00:00+00:00"}
    with rt.transaction() as db:
        emit(db, cast.tenant_a.id, APPOINTMENT_BOOKED, "a_01TEST", {"appointment": appointment})
    dispatch(rt)


def test_a_manager_adds_a_webhook_sees_its_secret_once_and_removes_it(
    panel_login: Login, rt: Runtime, cast: Cast, public_dns: None
) -> None:
    client = panel_login("alice@example.com")
    form = {"url": "https://crm.example.com/hooks", "event_lead.created": "1", "event_appointment.booked": "1"}
    added = post_form(client, "/panel/settings/webhooks", form)
    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert 'data-testid="new-webhook-secret"' in html
    [hook] = list_webhooks(rt, cast.tenant_a.id)
    assert hook["events"] == ["appointment.booked", "lead.created"]
    again = client.get("/panel/settings/webhooks").get_data(as_text=True)
    assert "https://crm.example.com/hooks" in again
    assert "whsec_" not in again
    removed = post_form(client, f"/panel/settings/webhooks/{hook['id']}/delete")
    assert removed.status_code == 302
    assert list_webhooks(rt, cast.tenant_a.id) == []


def test_a_private_address_is_refused_on_the_page(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    client = panel_login("alice@example.com")
    refused = post_form(client, "/panel/settings/webhooks", {"url": "http://127.0.0.1:9/", "event_lead.created": "1"})
    assert 'id="problems"' in refused.get_data(as_text=True)
    assert list_webhooks(rt, cast.tenant_a.id) == []


def test_an_agent_cannot_open_the_webhooks_page(panel_login: Login, cast: Cast) -> None:
    assert panel_login("bob@example.com").get("/panel/settings/webhooks").status_code == 403


def test_another_store_cannot_open_a_webhooks_deliveries(
    panel_login: Login, rt: Runtime, cast: Cast, public_dns: None
) -> None:
    post_form(
        panel_login("alice@example.com"),
        "/panel/settings/webhooks",
        {"url": "https://crm.example.com/h", "event_lead.created": "1"},
    )
    [hook] = list_webhooks(rt, cast.tenant_a.id)
    stranger = panel_login("charlie@example.com")
    assert stranger.get(f"/panel/settings/webhooks/{hook['id']}").status_code == 404
    assert post_form(stranger, f"/panel/settings/webhooks/{hook['id']}/delete").status_code == 404
    assert len(list_webhooks(rt, cast.tenant_a.id)) == 1


def test_the_bell_shows_the_unread_count_and_the_list_clears_it(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    booked_event(rt, cast)
    client = panel_login("alice@example.com")
    page = client.get("/panel/notifications/settings").get_data(as_text=True)
    assert 'data-unread="1"' in page
    listed = client.get("/panel/notifications").get_data(as_text=True)
    assert "Appointment booked: 02/01/2030 11:00" in listed
    assert post_form(client, "/panel/notifications/read").status_code == 302
    assert "data-unread" not in client.get("/panel/notifications/settings").get_data(as_text=True)
    assert 'data-unread="1"' in panel_login("bob@example.com").get("/panel/notifications").get_data(as_text=True)


def test_the_list_speaks_the_panels_language(panel_login: Login, rt: Runtime, cast: Cast) -> None:
    booked_event(rt, cast)
    listed = panel_login("alice@example.com", language="ca").get("/panel/notifications").get_data(as_text=True)
    assert "Cita reservada: 02/01/2030 11:00" in listed


def test_each_person_saves_their_preferences(panel_login: Login, cast: Cast, rt: Runtime) -> None:
    client = panel_login("bob@example.com")
    form = {"new_lead": "hot", "email": "digest", "photos": "1", "quiet_start": "21:00", "quiet_end": "08:00"}
    assert post_form(client, "/panel/notifications/settings", form).status_code == 302
    page = client.get("/panel/notifications/settings").get_data(as_text=True)
    assert '<option value="hot" selected>' in page
    assert 'value="21:00"' in page
    bad = post_form(
        client, "/panel/notifications/settings", {"new_lead": "all", "email": "off", "quiet_start": "21:00"}
    )
    assert 'id="problems"' in bad.get_data(as_text=True)
    booked_event(rt, cast)  # bob left appointments unticked: nothing for him
    assert "data-unread" not in client.get("/panel/notifications").get_data(as_text=True)
