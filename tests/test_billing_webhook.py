"""Stripe's webhook: signed deliveries move a store through trialing, active, past_due and canceled,
each event once; bad or old signatures change nothing; the grace job pauses unpaid stores."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from appliance.billing.grace import pause_unpaid_stores
from appliance.infra.db import StripeEvent, Tenant, utcnow
from appliance.infra.runtime import Runtime
from tests import fake_stripe
from tests.conftest import Cast
from tests.fake_stripe import FakeStripe, event, invoice, signed, subscription
from tests.operators import audits

HOOK = "/v1/billing/stripe/webhook"
CUSTOMER = "cus_test_alicia"


@pytest.fixture
def stripe_fake(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    yield from fake_stripe.serve(rt, monkeypatch)


def deliver(client: FlaskClient, payload: str, **sign: object) -> tuple[int, dict[str, object]]:
    response = client.post(HOOK, data=payload, headers=signed(payload, **sign))  # type: ignore[arg-type]
    return response.status_code, response.get_json()


def store(rt: Runtime, tenant_id: str) -> Tenant:
    with rt.sessions() as db:
        tenant = db.get(Tenant, tenant_id)
        assert tenant is not None
        return tenant


def subscribe(client: FlaskClient, cast: Cast, status: str = "active", price: str = "price_pro_m") -> None:
    payload = event(
        "evt_created", "customer.subscription.created", subscription(CUSTOMER, status, price, cast.tenant_a.id)
    )
    assert deliver(client, payload) == (200, {"received": True, "result": "handled"})


def test_it_links_a_new_subscription_to_its_store_and_sets_plan_and_state(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast, status="trialing", price="price_elite_m")
    tenant = store(rt, cast.tenant_a.id)
    assert (tenant.stripe_customer_id, tenant.stripe_subscription_id) == (CUSTOMER, "sub_1")
    assert (tenant.billing_status, tenant.plan) == ("trialing", "elite")
    assert store(rt, cast.tenant_b.id).billing_status == "active"  # the other store is untouched
    [entry] = audits(rt, "billing.changed")
    assert entry["details"]["after"] == {"billing_status": "trialing", "plan": "elite"}


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)  # made now
    now = int(time.time())
    newer = event(
        "evt_new", "customer.subscription.updated", subscription(CUSTOMER, "active", "price_base_m"), now + 60
    )
    older = event(
        "evt_old", "customer.subscription.updated", subscription(CUSTOMER, "past_due", "price_elite_m"), now + 30
    )
    assert deliver(client, newer)[1]["result"] == "handled"
    assert deliver(client, older)[1] == {"received": True, "result": "stale"}
    tenant = store(rt, cast.tenant_a.id)
    assert (tenant.plan, tenant.billing_status) == ("base", "active")
    assert len(audits(rt, "billing.changed")) == 2  # the subscription and the newer update, not the stale one


def test_it_moves_through_updated_failed_paid_and_deleted(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)
    updated = event("evt_up", "customer.subscription.updated", subscription(CUSTOMER, "active", "price_base_m"))
    assert deliver(client, updated)[0] == 200
    assert (store(rt, cast.tenant_a.id).plan, store(rt, cast.tenant_a.id).billing_status) == ("base", "active")

    assert deliver(client, event("evt_fail", "invoice.payment_failed", invoice(CUSTOMER)))[0] == 200
    failed = store(rt, cast.tenant_a.id)
    assert failed.billing_status == "past_due"
    assert failed.past_due_since is not None

    assert deliver(client, event("evt_paid", "invoice.paid", invoice(CUSTOMER)))[0] == 200
    paid = store(rt, cast.tenant_a.id)
    assert (paid.billing_status, paid.past_due_since) == ("active", None)

    deleted = event("evt_del", "customer.subscription.deleted", subscription(CUSTOMER, "canceled", "price_base_m"))
    assert deliver(client, deleted)[0] == 200
    gone = store(rt, cast.tenant_a.id)
    assert (gone.billing_status, gone.status) == ("canceled", "active")  # paused only after the grace period


def test_a_replayed_event_changes_nothing(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)
    failed = event("evt_fail_once", "invoice.payment_failed", invoice(CUSTOMER))
    assert deliver(client, failed)[1]["result"] == "handled"
    assert deliver(client, event("evt_paid_2", "invoice.paid", invoice(CUSTOMER)))[1]["result"] == "handled"

    assert deliver(client, failed) == (200, {"received": True, "result": "duplicate"})

    assert store(rt, cast.tenant_a.id).billing_status == "active"
    assert len(audits(rt, "billing.changed")) == 3
    with rt.sessions() as db:
        assert db.get(StripeEvent, "evt_fail_once") is not None


@pytest.mark.parametrize(
    "sign",
    [
        {"secret": "whsec_someone_else"},
        {"at": -600},  # seconds from now (taken when the test runs): older than the five minutes' tolerance
        {"at": +600},
    ],
    ids=["wrong-secret", "old-timestamp", "future-timestamp"],
)
def test_a_bad_or_stale_signature_is_refused_and_changes_nothing(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe, sign: dict[str, object]
) -> None:
    subscribe(client, cast)
    payload = event("evt_forged", "invoice.payment_failed", invoice(CUSTOMER))
    if "at" in sign:
        sign = {"at": int(time.time()) + int(sign["at"])}  # type: ignore[call-overload]
    status, body = deliver(client, payload, **sign)
    assert (status, body["error"]["code"]) == (400, "bad_signature")  # type: ignore[index]
    assert store(rt, cast.tenant_a.id).billing_status == "active"
    with rt.sessions() as db:
        assert db.get(StripeEvent, "evt_forged") is None


def test_a_tampered_body_or_a_missing_header_is_refused(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)
    payload = event("evt_t", "invoice.payment_failed", invoice(CUSTOMER))
    tampered = payload.replace(CUSTOMER, "cus_other")
    assert client.post(HOOK, data=tampered, headers=signed(payload)).status_code == 400
    bare = client.post(HOOK, data=payload, headers={"Content-Type": "application/json"})
    assert bare.get_json()["error"]["code"] == "bad_signature"
    assert store(rt, cast.tenant_a.id).billing_status == "active"


def test_an_event_for_an_unknown_customer_is_taken_and_ignored(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    payload = event("evt_stranger", "invoice.paid", invoice("cus_nobody"))
    assert deliver(client, payload) == (200, {"received": True, "result": "ignored"})
    assert audits(rt, "billing.changed") == []


def test_the_grace_job_pauses_an_unpaid_store_after_the_grace_period_and_keeps_its_data(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)
    deliver(client, event("evt_fail_g", "invoice.payment_failed", invoice(CUSTOMER)))
    grace = timedelta(days=rt.settings.billing_grace_days)

    assert pause_unpaid_stores(rt, now=utcnow() + grace - timedelta(hours=1)) == 0
    assert store(rt, cast.tenant_a.id).status == "active"
    assert pause_unpaid_stores(rt, now=utcnow() + grace + timedelta(minutes=1)) == 1
    paused = store(rt, cast.tenant_a.id)
    assert (paused.status, paused.billing_status, paused.name) == ("paused", "past_due", "Cuines Alícia")
    assert store(rt, cast.tenant_b.id).status == "active"
    assert pause_unpaid_stores(rt, now=utcnow() + grace + timedelta(minutes=2)) == 0  # runs twice, pauses once
    assert len(audits(rt, "billing.paused")) == 1

    deliver(client, event("evt_paid_g", "invoice.paid", invoice(CUSTOMER)))
    assert (store(rt, cast.tenant_a.id).status, store(rt, cast.tenant_a.id).billing_status) == ("active", "active")


def test_an_operators_pause_survives_a_payment(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    subscribe(client, cast)
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).status = "paused"  # type: ignore[union-attr]
    deliver(client, event("evt_paid_op", "invoice.paid", invoice(CUSTOMER)))
    assert store(rt, cast.tenant_a.id).status == "paused"


def test_the_appliance_answers_billing_disabled_and_changes_nothing(
    client: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    payload = event(
        "evt_app", "customer.subscription.created", subscription(CUSTOMER, "active", "price_pro_m", cast.tenant_a.id)
    )
    response = client.post(HOOK, data=payload, headers=signed(payload))
    if rt.settings.is_platform:
        # A platform without EBANISTA_STRIPE_WEBHOOK_SECRET refuses the same way.
        assert rt.settings.stripe_webhook_secret is None
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "billing_disabled")
    assert store(rt, cast.tenant_a.id).stripe_customer_id is None


def test_an_incomplete_subscription_links_the_customer_but_buys_no_plan_yet(
    client: FlaskClient, rt: Runtime, cast: Cast, stripe_fake: FakeStripe
) -> None:
    started = subscription(CUSTOMER, "incomplete", "price_elite_m", cast.tenant_a.id)
    assert deliver(client, event("evt_inc", "customer.subscription.created", started))[1]["result"] == "handled"
    tenant = store(rt, cast.tenant_a.id)
    assert (tenant.stripe_customer_id, tenant.plan, tenant.billing_status) == (CUSTOMER, "base", "active")
    paid = subscription(CUSTOMER, "active", "price_elite_m")
    deliver(client, event("evt_inc_paid", "customer.subscription.updated", paid))
    assert store(rt, cast.tenant_a.id).plan == "elite"
