"""What each plan gives a store, and what a Stripe event means for a store's billing: pure data.

The plans table holds the numbers the operator edits; ``DEFAULT_PLANS`` is what the migration seeds
and what a check falls back to when a row is missing (a plan must never vanish from under a store).
Billing states follow Stripe's subscription statuses, folded to the four a store can be in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from appliance.core.kinds import PLAN_AI_CAPS_EUR, PLANS

BILLING_STATES = ("trialing", "active", "past_due", "canceled")
FEATURES = ("two_factor_required", "teams_alerts")
# Upper bounds on what an operator may type: a limit past these is a typo, not a plan.
MAX_NUMBER = 100_000
MAX_CAP_EUR = 100_000


@dataclass(frozen=True)
class PlanLimits:
    """What one plan gives: the AI cap, requests per minute, WhatsApp numbers, seats and features."""

    name: str
    ai_cap_eur: int
    requests_per_minute: int
    whatsapp_numbers: int
    staff_seats: int
    features: dict[str, bool] = field(default_factory=dict)

    def has(self, feature: str) -> bool:
        """Tell whether the plan turns ``feature`` on."""
        return bool(self.features.get(feature))

    def as_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data."""
        return asdict(self)


DEFAULT_PLANS: dict[str, PlanLimits] = {
    "base": PlanLimits(
        "base", PLAN_AI_CAPS_EUR["base"], 120, 1, 3, {"two_factor_required": False, "teams_alerts": False}
    ),
    "pro": PlanLimits("pro", PLAN_AI_CAPS_EUR["pro"], 240, 2, 10, {"two_factor_required": False, "teams_alerts": True}),
    "elite": PlanLimits(
        "elite", PLAN_AI_CAPS_EUR["elite"], 480, 5, 50, {"two_factor_required": True, "teams_alerts": True}
    ),
}
assert tuple(DEFAULT_PLANS) == PLANS  # every plan name the code knows has its seed row

NUMBERS = ("ai_cap_eur", "requests_per_minute", "whatsapp_numbers", "staff_seats")
# A store always has its owner's seat and may always make a request.
AT_LEAST_ONE = ("requests_per_minute", "staff_seats")


def plan_changes(current: PlanLimits, changes: dict[str, Any]) -> tuple[PlanLimits, list[dict[str, str]]]:
    """Return ``current`` with ``changes`` applied, and the problems found (empty when valid)."""
    problems: list[dict[str, str]] = []
    values = current.as_dict()
    for name, value in changes.items():
        if name in NUMBERS:
            top = MAX_CAP_EUR if name == "ai_cap_eur" else MAX_NUMBER
            low = 1 if name in AT_LEAST_ONE else 0
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= top:
                problems.append({"path": name, "message": f"must be a whole number from {low} to {top}"})
                continue
            values[name] = value
        elif name == "features":
            problems += _feature_problems(value)
            if isinstance(value, dict):
                values["features"] = {**values["features"], **{k: v for k, v in value.items() if k in FEATURES}}
        else:
            problems.append({"path": name, "message": "is not a setting of a plan"})
    return PlanLimits(**values), problems


def _feature_problems(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, dict):
        return [{"path": "features", "message": "must be an object of feature: true|false"}]
    return [
        {"path": f"features.{k}", "message": f"must be one of {', '.join(FEATURES)} with true or false"}
        for k, v in value.items()
        if k not in FEATURES or not isinstance(v, bool)
    ]


@dataclass(frozen=True)
class BillingChange:
    """What one Stripe event does to a store: a new state, maybe a new plan, and the Stripe ids."""

    customer_id: str
    state: str | None = None
    plan: str | None = None
    subscription_id: str | None = None


# Stripe's subscription statuses folded to ours; "incomplete" waits for its first invoice.
STRIPE_STATUSES = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "canceled": "canceled",
    "incomplete_expired": "canceled",
}
SUBSCRIPTION_EVENTS = ("customer.subscription.created", "customer.subscription.updated")
HANDLED_EVENTS = (*SUBSCRIPTION_EVENTS, "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed")


def billing_change(event_type: str, obj: dict[str, Any], prices: dict[str, str]) -> BillingChange | None:
    """Return what the Stripe event ``event_type`` about ``obj`` changes, or None (ignored events)."""
    customer = obj.get("customer")
    if not isinstance(customer, str) or event_type not in HANDLED_EVENTS:
        return None
    if event_type in SUBSCRIPTION_EVENTS:
        state = STRIPE_STATUSES.get(str(obj.get("status")))
        # A subscription still waiting for its first payment ("incomplete") buys no plan yet.
        plan = price_plan(obj, prices) if state in {"trialing", "active", "past_due"} else None
        return BillingChange(customer, state, plan, obj.get("id"))
    if event_type == "customer.subscription.deleted":
        return BillingChange(customer, "canceled", None, obj.get("id"))
    if event_type == "invoice.paid":
        return BillingChange(customer, "active")
    return BillingChange(customer, "past_due")


def price_plan(subscription: dict[str, Any], prices: dict[str, str]) -> str | None:
    """Return the plan of the first subscription item whose price is mapped, or None."""
    items = (subscription.get("items") or {}).get("data") or []
    for item in items:
        price = (item.get("price") or {}).get("id") if isinstance(item, dict) else None
        if price in prices:
            return prices[price]
    return None
