"""What a store sees of its plan: the limits, how much of them it uses, and its billing state."""

from __future__ import annotations

from typing import Any

from appliance.analytics.usage import ai_usage
from appliance.billing.limits import numbers_taken, seats_taken
from appliance.billing.plans import read_plan
from appliance.billing.state import billing_view
from appliance.errors import NotFound
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime


def store_plan(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the store's plan, its use of it (seats, WhatsApp numbers, AI spend against the cap) and billing."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("This store does not exist.")
        plan = read_plan(db, tenant.plan)
        ai = ai_usage(db, tenant_id)
        return {
            "plan": plan.as_dict(),
            "usage": {
                "staff_seats": {"used": seats_taken(db, tenant_id), "allowed": plan.staff_seats},
                "whatsapp_numbers": {"used": numbers_taken(db, tenant_id), "allowed": plan.whatsapp_numbers},
                "ai_eur": {"spent_this_month": ai["spend_eur"]["month"], "cap": ai["cap_eur"], "mode": ai["mode"]},
            },
            "billing": billing_view(tenant, rt.settings),
            "status": tenant.status,
        }
