"""Owner-only Stripe sessions: a checkout for a new subscription, and the customer portal.

Calls go through the official ``stripe`` client with a timeout and no automatic retries (a retried
checkout could open two sessions); its API base is a setting so tests point it at a local fake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import structlog

from appliance.billing.state import price_of, require_billing
from appliance.errors import Conflict, Invalid, NotFound, Unavailable
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.infra.settings import Settings

if TYPE_CHECKING:
    import stripe

log = structlog.get_logger(__name__)
TIMEOUT_SECONDS = 10
LIVE = ("active", "trialing", "past_due")
T = TypeVar("T")


def stripe_client(settings: Settings) -> stripe.StripeClient:
    """Return a Stripe client for this server's key and API base."""
    import stripe  # only where billing is used: importing it costs every start of the program 0.1 s

    return stripe.StripeClient(
        settings.stripe_api_key or "",
        base_addresses={"api": settings.stripe_api_base},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def start_checkout(rt: Runtime, tenant_id: str, plan: str) -> dict[str, str]:
    """Open a Stripe Checkout for a new subscription to ``plan``; return its URL for the owner to follow."""
    require_billing(rt.settings)
    price = price_of(rt.settings, plan)
    if price is None:
        raise Invalid([{"path": "plan", "message": "this plan is not for sale here"}])
    tenant = _tenant(rt, tenant_id)
    if tenant.stripe_subscription_id and tenant.billing_status in LIVE:
        raise Conflict("This store already has a subscription: change it in the billing portal.", code="subscribed")
    back = f"{rt.settings.public_url}/panel/plan"
    params: dict[str, object] = {
        "mode": "subscription",
        "line_items": [{"price": price, "quantity": 1}],
        "success_url": back + "?checkout=done",
        "cancel_url": back,
        "client_reference_id": tenant.id,
        # The subscription carries the store's id, so its first webhook links the new customer to it.
        "subscription_data": {"metadata": {"tenant_id": tenant.id}},
    }
    if tenant.stripe_customer_id:
        params["customer"] = tenant.stripe_customer_id
    session = _call("checkout", lambda: stripe_client(rt.settings).v1.checkout.sessions.create(params=params))
    return {"url": str(session.url)}


def open_portal(rt: Runtime, tenant_id: str) -> dict[str, str]:
    """Open Stripe's customer portal (invoices, card, plan changes, cancel); return its URL."""
    require_billing(rt.settings)
    tenant = _tenant(rt, tenant_id)
    if not tenant.stripe_customer_id:
        raise Conflict("This store has no subscription yet: start one first.", code="no_customer")
    params = {"customer": tenant.stripe_customer_id, "return_url": f"{rt.settings.public_url}/panel/plan"}
    session = _call("portal", lambda: stripe_client(rt.settings).v1.billing_portal.sessions.create(params=params))
    return {"url": str(session.url)}


def _tenant(rt: Runtime, tenant_id: str) -> Tenant:
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("This store does not exist.")
        db.expunge(tenant)
        return tenant


def _call(what: str, call: Callable[[], T]) -> T:
    import stripe

    try:
        return call()
    except stripe.StripeError as exc:
        log.warning("stripe_call_failed", call=what, error=type(exc).__name__, status=exc.http_status)
        raise Unavailable("The payment provider did not answer. Please try again in a minute.") from None
