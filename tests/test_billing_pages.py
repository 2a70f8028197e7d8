"""The plans page in /admin and the plan page in /panel: they render in every panel language, their
forms need CSRF and work, and a store that stopped paying sees a banner on every panel page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.infra.db import Tenant, utcnow
from appliance.infra.runtime import Runtime
from tests import fake_stripe
from tests.conftest import Cast
from tests.fake_stripe import FakeStripe
from tests.operators import audits
from tests.panel import csrf_token
from tests.test_admin_pages import operator_client

TITLES = {"es": "Planes", "ca": "Plans", "pt": "Planos", "en": "Plans"}
SEATS = {"es": "Plazas de equipo", "ca": "Places d'equip", "pt": "Lugares de equipa", "en": "Staff seats"}
PLAN_FORM = {
    "plan": "base",
    "ai_cap_eur": "10",
    "requests_per_minute": "120",
    "whatsapp_numbers": "1",
    "staff_seats": "7",
}


@pytest.fixture
def stripe_fake(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    yield from fake_stripe.serve(rt, monkeypatch)


def speak(client: FlaskClient, language: str, page: str) -> None:
    client.post("/ui/language", data={"language": language, "csrf_token": csrf_token(client, page)})


@pytest.mark.parametrize("language", sorted(TITLES))
def test_the_admin_plans_page_renders_in_each_language(app: Flask, rt: Runtime, language: str) -> None:
    root = operator_client(app, rt)
    speak(root, language, "/admin/plans")
    html = root.get("/admin/plans").get_data(as_text=True)
    assert f"<h1>{TITLES[language]}</h1>" in html
    assert 'data-testid="plan-elite"' in html
    assert 'name="staff_seats" value="50"' in html


def test_the_admin_plans_form_saves_with_csrf_and_is_audited(app: Flask, rt: Runtime) -> None:
    root = operator_client(app, rt)
    assert root.post("/admin/plans", data=PLAN_FORM).status_code == 400  # no CSRF token
    form = PLAN_FORM | {"teams_alerts": "on", "csrf_token": csrf_token(root, "/admin/plans")}
    assert root.post("/admin/plans", data=form).status_code == 302
    html = root.get("/admin/plans").get_data(as_text=True)
    assert 'name="staff_seats" value="7"' in html
    [entry] = audits(rt, "plan.updated")
    assert entry["target_id"] == "base"
    assert entry["details"]["features"] == {"two_factor_required": False, "teams_alerts": True}
    bad = root.post("/admin/plans", data=PLAN_FORM | {"staff_seats": "many", "csrf_token": form["csrf_token"]})
    assert bad.status_code == 422


@pytest.mark.parametrize("language", sorted(SEATS))
def test_the_panel_plan_page_shows_use_in_each_language(
    panel_login: Callable[..., FlaskClient], cast: Cast, language: str
) -> None:
    alice = panel_login("alice@example.com", language=language)
    html = alice.get("/panel/plan").get_data(as_text=True)
    assert SEATS[language] in html
    assert '<td data-usage="staff_seats">2 / 3</td>' in html


def test_an_agent_cannot_open_the_plan_page(panel_login: Callable[..., FlaskClient], cast: Cast) -> None:
    assert panel_login("bob@example.com").get("/panel/plan").status_code == 403


def test_the_owner_goes_to_stripe_checkout_from_the_panel_with_csrf(
    panel_login: Callable[..., FlaskClient], cast: Cast, stripe_fake: FakeStripe
) -> None:
    alice = panel_login("alice@example.com")
    page = alice.get("/panel/plan").get_data(as_text=True)
    assert 'data-checkout="pro"' in page
    assert alice.post("/panel/plan/checkout", data={"plan": "pro"}).status_code == 400  # no CSRF token
    assert stripe_fake.requests == []
    response = alice.post("/panel/plan/checkout", data={"plan": "pro", "csrf_token": csrf_token(alice, "/panel/plan")})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.test/")


def test_a_store_that_stopped_paying_sees_a_banner_on_every_page(
    panel_login: Callable[..., FlaskClient], rt: Runtime, cast: Cast
) -> None:
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        assert tenant is not None
        tenant.billing_status, tenant.past_due_since = "past_due", utcnow() - timedelta(days=1)
    alice = panel_login("alice@example.com")
    for path in ("/panel", "/panel/plan"):
        assert 'data-billing-banner="past_due"' in alice.get(path).get_data(as_text=True)
    charlie = panel_login("charlie@example.com")
    assert "data-billing-banner" not in charlie.get("/panel").get_data(as_text=True)
