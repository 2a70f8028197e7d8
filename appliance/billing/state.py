"""Whether billing is on here, and the store's billing state as staff and the operator see it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from appliance.errors import Conflict
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.infra.settings import Settings, parse_stripe_prices

DISABLED = "billing_disabled"


def billing_enabled(settings: Settings) -> bool:
    """Tell whether this server bills through Stripe: the platform, with an API key (never the appliance)."""
    return settings.is_platform and bool(settings.stripe_api_key)


def require_billing(settings: Settings) -> None:
    """Raise 409 ``billing_disabled`` where billing is off (the appliance, or no Stripe key)."""
    if not settings.is_platform:
        raise Conflict("Billing is off in the appliance: the operator sets the plan.", code=DISABLED)
    if not settings.stripe_api_key:
        raise Conflict("Billing is not set up on this server (no Stripe key).", code=DISABLED)


def price_plans(settings: Settings) -> dict[str, str]:
    """Return EBANISTA_STRIPE_PRICES: {price_id: plan}."""
    return parse_stripe_prices(settings.stripe_prices) if settings.stripe_prices else {}


def price_of(settings: Settings, plan: str) -> str | None:
    """Return the Stripe price that sells ``plan`` (the first one mapped to it), or None."""
    return next((price for price, name in price_plans(settings).items() if name == plan), None)


def grace_ends(tenant: Tenant, settings: Settings) -> datetime | None:
    """Return when a store that stopped paying is paused, or None while it pays."""
    if tenant.past_due_since is None or tenant.billing_status not in {"past_due", "canceled"}:
        return None
    return tenant.past_due_since + timedelta(days=settings.billing_grace_days)


def billing_view(tenant: Tenant, settings: Settings) -> dict[str, Any]:
    """Return the store's billing state: on or off here, status, grace period, whether it has a customer."""
    ends = grace_ends(tenant, settings)
    return {
        "enabled": billing_enabled(settings),
        "status": tenant.billing_status,
        "past_due_since": tenant.past_due_since.isoformat() if tenant.past_due_since else None,
        "grace_ends_at": ends.isoformat() if ends else None,
        "has_subscription": bool(tenant.stripe_subscription_id),
        "plans_for_sale": sorted(set(price_plans(settings).values())) if billing_enabled(settings) else [],
    }


NOTICE_TTL_SECONDS = 30


def billing_notice(rt: Runtime, tenant_id: str) -> dict[str, Any] | None:
    """Return what the panel's banner says of a store that is not paying (status, grace end), or None.

    Read on every panel page, so it is cached briefly; webhook and grace changes drop the copy.
    """
    key = f"billing-notice:{tenant_id}"
    hit = rt.cache.get(key)
    if hit is not None:
        return json.loads(hit)
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        notice = None
        if tenant is not None and tenant.billing_status in {"past_due", "canceled"}:
            ends = grace_ends(tenant, rt.settings)
            notice = {"status": tenant.billing_status, "grace_ends_at": ends.isoformat() if ends else None}
    rt.cache.set(key, json.dumps(notice), NOTICE_TTL_SECONDS)
    return notice


def forget_notice(rt: Runtime, tenant_id: str) -> None:
    """Drop the cached banner of a store whose billing state changed."""
    rt.cache.delete(f"billing-notice:{tenant_id}")
