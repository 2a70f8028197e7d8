"""The store's plan and billing through the API: what it sees of its plan, owner-only Stripe checkout and
portal against a local fake of Stripe, and the plan limits every check reads from the plans table."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance.errors import Conflict
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import create_api_token
from appliance.tenants.team import invite_member
from tests import fake_stripe
from tests.conftest import Cast
from tests.fake_graph import set_up_channel
from tests.fake_stripe import FakeStripe
from tests.operators import auth, platform_token
from tests.panel import sign_in


@pytest.fixture
def stripe_fake(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    yield from fake_stripe.serve(rt, monkeypatch)


def admin_token(rt: Runtime, cast: Cast) -> str:
    with rt.transaction() as db:
        return create_api_token(db, db.get(Tenant, cast.tenant_a.id), "ADMIN", name="admin")[1]


def set_plan(client: FlaskClient, rt: Runtime, name: str, **changes: object) -> None:
    response = client.put(f"/v1/admin/plans/{name}", json=changes, headers=auth(platform_token(rt)))
    assert response.status_code == 200, response.get_json()


# --- what a store sees ----------------------------------------------------------------------------


def test_a_store_sees_its_plan_seats_numbers_and_ai_cap(client: FlaskClient, cast: Cast) -> None:
    body = client.get("/v1/billing", headers=auth(cast.alice_token)).get_json()
    assert body["plan"]["name"] == "base"
    assert body["usage"]["staff_seats"] == {"used": 2, "allowed": 3}  # alice and bob
    assert body["usage"]["whatsapp_numbers"] == {"used": 0, "allowed": 1}
    assert body["usage"]["ai_eur"]["cap"] == 10.0
    assert body["billing"]["status"] == "active"

    theirs = client.get("/v1/billing", headers=auth(cast.charlie_token)).get_json()
    assert theirs["usage"]["staff_seats"]["used"] == 1  # only charlie: the wall holds


def test_an_agent_may_not_see_billing(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/billing", headers=auth(cast.bob_token)).status_code == 403


def test_the_appliance_has_billing_off_with_a_clear_error(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    if rt.settings.is_platform:
        pytest.skip("the platform run has billing configured only through the fake")
    for path, body in (("/v1/billing/checkout", {"plan": "pro"}), ("/v1/billing/portal", None)):
        response = client.post(path, json=body, headers=auth(cast.alice_token))
        assert (response.status_code, response.get_json()["error"]["code"]) == (409, "billing_disabled")
    assert client.get("/v1/billing", headers=auth(cast.alice_token)).get_json()["billing"]["enabled"] is False


# --- Stripe Checkout and the portal ---------------------------------------------------------------


def test_the_owner_opens_a_checkout_for_a_new_subscription(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    response = client.post("/v1/billing/checkout", json={"plan": "pro"}, headers=auth(cast.alice_token))
    assert response.status_code == 200
    assert response.get_json()["url"].startswith("https://checkout.stripe.test/")
    [sent] = stripe_fake.sessions("/v1/checkout/sessions")
    assert sent["mode"] == ["subscription"]
    assert sent["line_items[0][price]"] == ["price_pro_m"]
    assert sent["subscription_data[metadata][tenant_id]"] == [cast.tenant_a.id]
    assert sent["success_url"][0].endswith("/panel/plan?checkout=done")
    assert stripe_fake.requests[0].authorization == f"Bearer {fake_stripe.API_KEY}"


@pytest.mark.parametrize("who", ["bob_token", "admin"])
def test_only_the_owner_may_start_a_subscription_or_open_the_portal(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe, who: str
) -> None:
    token = admin_token(rt, cast) if who == "admin" else cast.bob_token
    assert client.post("/v1/billing/checkout", json={"plan": "pro"}, headers=auth(token)).status_code == 403
    assert client.post("/v1/billing/portal", headers=auth(token)).status_code == 403
    assert stripe_fake.requests == []


def test_the_portal_needs_a_customer_and_then_opens_for_it(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    refused = client.post("/v1/billing/portal", headers=auth(cast.alice_token))
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "no_customer")
    with rt.transaction() as db:
        tenant = db.get(Tenant, cast.tenant_a.id)
        assert tenant is not None
        tenant.stripe_customer_id, tenant.stripe_subscription_id = "cus_alicia", "sub_9"
    response = client.post("/v1/billing/portal", headers=auth(cast.alice_token))
    assert response.get_json()["url"].startswith("https://billing.stripe.test/")
    [sent] = stripe_fake.sessions("/v1/billing_portal/sessions")
    assert sent["customer"] == ["cus_alicia"]
    again = client.post("/v1/billing/checkout", json={"plan": "elite"}, headers=auth(cast.alice_token))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "subscribed")


def test_a_stripe_failure_is_a_503_that_says_to_try_again(
    client: FlaskClient, cast: Cast, stripe_fake: FakeStripe
) -> None:
    stripe_fake.fail_with = 500
    response = client.post("/v1/billing/checkout", json={"plan": "pro"}, headers=auth(cast.alice_token))
    assert (response.status_code, response.get_json()["error"]["code"]) == (503, "unavailable")
    assert "sk_test" not in response.get_data(as_text=True)


# --- the operator's plans, read by every check ----------------------------------------------------


def test_the_operator_lists_and_edits_plans_and_the_edit_is_audited(client: FlaskClient, rt: Runtime) -> None:
    headers = auth(platform_token(rt))
    names = [p["name"] for p in client.get("/v1/admin/plans", headers=headers).get_json()["items"]]
    assert names == ["base", "pro", "elite"]
    response = client.put(
        "/v1/admin/plans/pro", json={"staff_seats": 12, "features": {"teams_alerts": False}}, headers=headers
    )
    assert response.get_json()["staff_seats"] == 12
    assert response.get_json()["features"] == {"two_factor_required": False, "teams_alerts": False}
    audit = client.get("/v1/admin/audit?action=plan.updated", headers=headers).get_json()["items"]
    assert [a["target_id"] for a in audit] == ["pro"]


def test_bad_plan_edits_are_refused(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    headers = auth(platform_token(rt))
    assert client.put("/v1/admin/plans/gold", json={"staff_seats": 2}, headers=headers).status_code == 404
    assert client.put("/v1/admin/plans/base", json={"staff_seats": 0}, headers=headers).status_code == 422
    assert client.put("/v1/admin/plans/base", json={"seats": 2}, headers=headers).status_code == 422
    internal = auth(platform_token(rt, "INTERNAL", "internal@ebanista.test"))
    assert client.put("/v1/admin/plans/base", json={"staff_seats": 9}, headers=internal).status_code == 403
    assert client.get("/v1/admin/plans", headers=auth(cast.alice_token)).status_code == 404


def test_the_ai_cap_is_read_from_the_plans_table(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    assert client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()["cap_eur"] == 10.0
    set_plan(client, rt, "base", ai_cap_eur=4)
    assert client.get("/v1/usage/ai", headers=auth(cast.alice_token)).get_json()["cap_eur"] == 4.0
    refused = client.put(
        "/v1/config/ai", json={"provider": "rules", "monthly_cap_eur": 5}, headers=auth(cast.alice_token)
    )
    assert refused.status_code == 422  # a store may only lower the plan's cap


def test_inviting_past_the_plans_seats_is_refused(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    invite_member(rt, cast.tenant_a.id, "dana@example.com", "AGENT", "OWNER")  # the third of base's 3 seats
    with pytest.raises(Conflict) as refused:
        invite_member(rt, cast.tenant_a.id, "eve@example.com", "AGENT", "OWNER")
    assert refused.value.code == "plan_limit"
    set_plan(client, rt, "base", staff_seats=4)
    assert invite_member(rt, cast.tenant_a.id, "eve@example.com", "AGENT", "OWNER")["email"] == "eve@example.com"


def test_a_whatsapp_number_past_the_plan_is_refused(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    set_plan(client, rt, "base", whatsapp_numbers=0)
    response = set_up_channel(client, cast.alice_token)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "plan_limit")
    set_plan(client, rt, "base", whatsapp_numbers=1)
    assert set_up_channel(client, cast.alice_token).status_code == 200


def test_the_store_rate_limit_is_read_from_the_plans_table(
    client: FlaskClient, rt: Runtime, cast: Cast, fresh_app: Callable[..., Flask]
) -> None:
    set_plan(client, rt, "base", requests_per_minute=3)
    limited = fresh_app(rate_limits="on").test_client()
    statuses = [limited.get("/v1/flows", headers=auth(cast.alice_token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_plan_that_requires_two_factor_makes_its_staff_set_it_up(
    client: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    assert sign_in(client, "alice@example.com").headers["Location"] != "/panel/login/setup"
    set_plan(client, rt, "base", features={"two_factor_required": True})
    other = client.application.test_client()
    assert sign_in(other, "alice@example.com").headers["Location"] == "/panel/login/setup"
