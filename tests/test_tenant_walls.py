"""Every route, called by one store with another store's ids, discloses nothing and changes nothing.

The walk is exhaustive by construction: a /v1 route that is neither listed here as public nor
given a foreign call fails the first test, so a new endpoint cannot skip the wall check.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.core.flows.presets import preset
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.events_factory import add_webhook_with_delivery
from tests.images import JPEG
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

# Routes anyone may call: documentation, health, the widget's entry point.
PUBLIC = {
    ("GET", "/v1/"),
    ("GET", "/v1/docs"),
    ("GET", "/v1/health"),
    ("GET", "/v1/oauth2-redirect.html"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/static/<path:filename>"),
    ("GET", "/v1/swagger"),
    ("GET", "/v1/swagger/<path:filename>"),
    ("POST", "/v1/widget/session"),
    # Meta's webhook: no credential but each store's signature (tests/test_whatsapp_webhook.py).
    ("GET", "/v1/channels/whatsapp/webhook"),
    ("POST", "/v1/channels/whatsapp/webhook"),
    # Stripe's webhook: no credential but the endpoint's signature (tests/test_billing_webhook.py).
    ("POST", "/v1/billing/stripe/webhook"),
}


@dataclass
class Theirs:
    """What tenant B (charlie's store) has, and tenant A's credentials to go looking for it."""

    appointment_id: str
    flow_version: int
    session_id: str
    alice: str
    alice_visitor: Visitor
    lead_id: str = ""
    file_id: str = ""
    webhook_id: str = ""
    delivery_id: str = ""


@pytest.fixture
def theirs(client: FlaskClient, cast: Cast, rt: Runtime) -> Theirs:
    from appliance.infra.db import Tenant
    from appliance.tenants.directory import forget

    with rt.transaction() as db:
        for tenant in (cast.tenant_a, cast.tenant_b):
            db.get(Tenant, tenant.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    forget(rt, cast.tenant_b)
    charlie = {"Authorization": f"Bearer {cast.charlie_token}"}
    document = preset("base")
    document["name"] = "B's second flow"
    version = client.post("/v1/flows", json=document, headers=charlie).get_json()["version"]
    day = date.today() + timedelta(days=3)
    query = f"service=showroom_visit&from={day}&to={day + timedelta(days=6)}"
    slot = client.get(f"/v1/agenda/slots?{query}", headers=charlie).get_json()["slots"][0]
    booked = client.post(
        "/v1/appointments", json={"service": "showroom_visit", "start": slot["start"], "name": "B"}, headers=charlie
    ).get_json()
    theirs_visitor = Visitor(client, cast.tenant_b.widget_key)
    theirs_visitor.open()
    theirs_visitor.start()
    while theirs_visitor.waiting_for != "photos":
        theirs_visitor.send(**BASE_ANSWERS[theirs_visitor.waiting_for])
    attached = client.post(
        f"/v1/chat/{theirs_visitor.session_id}/attachments",
        data={"file": (io.BytesIO(JPEG), "b.jpg")},
        headers=theirs_visitor.headers(),
        content_type="multipart/form-data",
    ).get_json()
    mine = Visitor(client, cast.tenant_a.widget_key)
    mine.open()
    theirs = Theirs(booked["id"], version, theirs_visitor.session_id, cast.alice_token, mine)
    theirs.lead_id, theirs.file_id = theirs_visitor.last["lead"]["id"], attached["id"]
    theirs.webhook_id, theirs.delivery_id = add_webhook_with_delivery(rt, cast.tenant_b.id)
    return theirs


def staff(t: Theirs) -> dict[str, str]:
    return {"Authorization": f"Bearer {t.alice}"}


def visitor(t: Theirs) -> dict[str, str]:
    return t.alice_visitor.headers()


# (method, rule) -> how tenant A calls it with tenant B's ids: (path, json body, headers, extra kwargs)
FOREIGN_CALLS: dict[tuple[str, str], Any] = {
    ("GET", "/v1/appointments/<appointment_id>"): lambda t: (f"/v1/appointments/{t.appointment_id}", None, staff(t)),
    ("PATCH", "/v1/appointments/<appointment_id>"): lambda t: (
        f"/v1/appointments/{t.appointment_id}",
        {"status": "cancelled"},
        staff(t),
    ),
    ("GET", "/v1/appointments/<appointment_id>/invite.ics"): lambda t: (
        f"/v1/appointments/{t.appointment_id}/invite.ics",
        None,
        staff(t),
    ),
    ("GET", "/v1/flows/<int:version>"): lambda t: (f"/v1/flows/{t.flow_version}", None, staff(t)),
    ("POST", "/v1/flows/<int:version>/publish"): lambda t: (f"/v1/flows/{t.flow_version}/publish", None, staff(t)),
    ("POST", "/v1/flows/<int:version>/unpublish"): lambda t: (f"/v1/flows/{t.flow_version}/unpublish", None, staff(t)),
    ("POST", "/v1/flows/rollback"): lambda t: ("/v1/flows/rollback", {"to_version": t.flow_version}, staff(t)),
    ("GET", "/v1/chat/<session_id>"): lambda t: (f"/v1/chat/{t.session_id}", None, visitor(t)),
    ("POST", "/v1/chat/start"): lambda t: ("/v1/chat/start", {"session_id": t.session_id}, visitor(t)),
    ("POST", "/v1/chat/send"): lambda t: ("/v1/chat/send", {"session_id": t.session_id, "text": "hola"}, visitor(t)),
    ("POST", "/v1/chat/<session_id>/attachments"): lambda t: (
        f"/v1/chat/{t.session_id}/attachments",
        "FILE",
        visitor(t),
    ),
    ("GET", "/v1/privacy/subjects/<lead_id>/export"): lambda t: (
        f"/v1/privacy/subjects/{t.lead_id}/export",
        None,
        staff(t),
    ),
    ("GET", "/v1/privacy/subjects/<lead_id>/files/<file_id>"): lambda t: (
        f"/v1/privacy/subjects/{t.lead_id}/files/{t.file_id}",
        None,
        staff(t),
    ),
    ("DELETE", "/v1/privacy/subjects/<lead_id>"): lambda t: (f"/v1/privacy/subjects/{t.lead_id}", None, staff(t)),
    ("POST", "/v1/channels/whatsapp/follow-ups"): lambda t: (
        "/v1/channels/whatsapp/follow-ups",
        {"lead_id": t.lead_id},
        staff(t),
    ),
    ("GET", "/v1/leads/<lead_id>"): lambda t: (f"/v1/leads/{t.lead_id}", None, staff(t)),
    ("PATCH", "/v1/leads/<lead_id>"): lambda t: (f"/v1/leads/{t.lead_id}", {"status": "lost"}, staff(t)),
    ("GET", "/v1/leads/<lead_id>/transcript"): lambda t: (f"/v1/leads/{t.lead_id}/transcript", None, staff(t)),
    ("GET", "/v1/leads/<lead_id>/summary.pdf"): lambda t: (f"/v1/leads/{t.lead_id}/summary.pdf", None, staff(t)),
    ("GET", "/v1/leads/<lead_id>/files"): lambda t: (f"/v1/leads/{t.lead_id}/files", None, staff(t)),
    ("GET", "/v1/leads/<lead_id>/files/<file_id>"): lambda t: (
        f"/v1/leads/{t.lead_id}/files/{t.file_id}",
        None,
        staff(t),
    ),
    ("GET", "/v1/webhooks/<webhook_id>"): lambda t: (f"/v1/webhooks/{t.webhook_id}", None, staff(t)),
    ("DELETE", "/v1/webhooks/<webhook_id>"): lambda t: (f"/v1/webhooks/{t.webhook_id}", None, staff(t)),
    ("GET", "/v1/webhooks/<webhook_id>/deliveries"): lambda t: (
        f"/v1/webhooks/{t.webhook_id}/deliveries",
        None,
        staff(t),
    ),
    ("POST", "/v1/webhooks/<webhook_id>/deliveries/<delivery_id>/replay"): lambda t: (
        f"/v1/webhooks/{t.webhook_id}/deliveries/{t.delivery_id}/replay",
        None,
        staff(t),
    ),
    # A file link is its own permission: without B's signature, B's file is not there.
    ("GET", "/v1/chat/<session_id>/files/<file_id>"): lambda t: (
        f"/v1/chat/{t.session_id}/files/{t.file_id}?sig=not-a-signature",
        None,
        visitor(t),
    ),
}
# Routes without ids: their answers must simply never contain tenant B's things.
OWN_LISTS = {
    ("GET", "/v1/appointments"),
    ("POST", "/v1/appointments"),
    ("GET", "/v1/agenda/slots"),
    ("GET", "/v1/flows"),
    ("POST", "/v1/flows"),
    ("GET", "/v1/config/<kind>"),
    ("PUT", "/v1/config/<kind>"),
    ("GET", "/v1/config/<kind>/versions"),
    ("GET", "/v1/leads"),
    ("GET", "/v1/leads/export.csv"),
    ("GET", "/v1/analytics/kpis"),
    ("GET", "/v1/usage/ai"),
    ("GET", "/v1/channels/whatsapp"),
    ("PUT", "/v1/channels/whatsapp"),
    ("GET", "/v1/webhooks"),
    ("POST", "/v1/webhooks"),
    # The caller's own plan and billing (tests/test_billing_api.py shows each store sees its own).
    ("GET", "/v1/billing"),
    ("POST", "/v1/billing/checkout"),
    ("POST", "/v1/billing/portal"),
}
# The platform operator's routes: no store's credential reaches them, whatever store the ids name.
PLATFORM = {
    ("GET", "/v1/admin/audit"),
    ("GET", "/v1/admin/errors"),
    ("POST", "/v1/admin/impersonate/<tenant_id>"),
    ("GET", "/v1/admin/overview"),
    ("GET", "/v1/admin/tenants"),
    ("POST", "/v1/admin/tenants"),
    ("GET", "/v1/admin/tenants/<tenant_id>"),
    ("PATCH", "/v1/admin/tenants/<tenant_id>"),
    ("PUT", "/v1/admin/tenants/<tenant_id>/maintenance"),
    ("DELETE", "/v1/admin/tenants/<tenant_id>/purge"),
    ("POST", "/v1/admin/tenants/<tenant_id>/widget-key/rotate"),
    # Operator alerts and platform health.
    ("GET", "/v1/admin/health"),
    ("GET", "/v1/admin/tenants/<tenant_id>/alerts"),
    ("PUT", "/v1/admin/tenants/<tenant_id>/alerts"),
    ("GET", "/v1/admin/plans"),
    ("PUT", "/v1/admin/plans/<name>"),
    # The appliance's backups (issue 24).
    ("GET", "/v1/admin/backups"),
    ("POST", "/v1/admin/backups"),
}


def api_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_is_public_or_walked(app: Flask) -> None:
    unwalked = api_routes(app) - PUBLIC - set(FOREIGN_CALLS) - OWN_LISTS - PLATFORM
    assert unwalked == set(), f"add these routes to the tenant-wall walk: {sorted(unwalked)}"


@pytest.mark.parametrize("route", sorted(FOREIGN_CALLS), ids=lambda r: f"{r[0]} {r[1]}")
def test_another_stores_ids_are_404(client: FlaskClient, theirs: Theirs, route: tuple[str, str]) -> None:
    path, body, headers = FOREIGN_CALLS[route](theirs)
    method = route[0].lower()
    if body == "FILE":
        response = client.post(
            path,
            data={"file": (io.BytesIO(JPEG), "a.jpg")},
            headers=headers,
            content_type="multipart/form-data",
        )
    else:
        response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 404, (route, response.get_json())
    text = response.get_data(as_text=True)
    assert theirs.appointment_id not in text
    assert "B's second flow" not in text


def test_nothing_of_theirs_changed(client: FlaskClient, theirs: Theirs, cast: Cast) -> None:
    for route in FOREIGN_CALLS:
        if route[0] != "GET":
            path, body, headers = FOREIGN_CALLS[route](theirs)
            if body != "FILE":
                getattr(client, route[0].lower())(path, json=body, headers=headers)
    charlie = {"Authorization": f"Bearer {cast.charlie_token}"}
    appointment = client.get(f"/v1/appointments/{theirs.appointment_id}", headers=charlie).get_json()
    flows = {f["version"]: f["state"] for f in client.get("/v1/flows", headers=charlie).get_json()["items"]}
    assert appointment["status"] == "booked"
    assert client.get(f"/v1/leads/{theirs.lead_id}", headers=charlie).get_json()["status"] == "new"
    assert flows == {1: "published", theirs.flow_version: "draft"}


def test_lists_show_only_the_callers_own_things(client: FlaskClient, theirs: Theirs) -> None:
    headers = staff(theirs)
    day = date.today()
    listed = client.get(f"/v1/appointments?from={day}&to={day + timedelta(days=60)}", headers=headers).get_json()
    assert listed["items"] == []
    assert [f["version"] for f in client.get("/v1/flows", headers=headers).get_json()["items"]] == [1]
    assert client.get("/v1/config/scoring/versions", headers=headers).get_json()["items"][0]["version"] == 1
    assert client.get("/v1/leads", headers=headers).get_json()["items"] == []
    assert theirs.lead_id not in client.get("/v1/leads/export.csv", headers=headers).get_data(as_text=True)
    assert client.get("/v1/analytics/kpis", headers=headers).get_json()["leads"] == 0
    assert client.get("/v1/webhooks", headers=headers).get_json()["items"] == []


@pytest.mark.parametrize("route", sorted(PLATFORM), ids=lambda r: f"{r[0]} {r[1]}")
def test_store_staff_cannot_reach_the_platform_routes(client: FlaskClient, cast: Cast, route: tuple[str, str]) -> None:
    for tenant in (cast.tenant_a, cast.tenant_b):
        path = route[1].replace("<tenant_id>", tenant.id)
        response = client.open(path, method=route[0], json={}, headers={"Authorization": f"Bearer {cast.alice_token}"})
        assert response.status_code == 404, (route, tenant.slug, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
