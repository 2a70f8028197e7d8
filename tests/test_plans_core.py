"""The pure rules of plans: validating an operator's changes and what a Stripe event means."""

from __future__ import annotations

from appliance.core.plans import DEFAULT_PLANS, BillingChange, billing_change, plan_changes

PRICES = {"price_pro": "pro"}


def sub(status: str, price: str = "price_pro") -> dict[str, object]:
    return {"id": "sub_1", "customer": "cus_1", "status": status, "items": {"data": [{"price": {"id": price}}]}}


def test_plan_changes_apply_valid_values_and_list_every_problem() -> None:
    changed, problems = plan_changes(DEFAULT_PLANS["base"], {"staff_seats": 5, "features": {"teams_alerts": True}})
    assert (changed.staff_seats, changed.features["teams_alerts"], problems) == (5, True, [])
    _same, problems = plan_changes(
        DEFAULT_PLANS["base"], {"staff_seats": 0, "ai_cap_eur": True, "colour": "red", "features": {"x": 1}}
    )
    assert sorted(p["path"] for p in problems) == ["ai_cap_eur", "colour", "features.x", "staff_seats"]


def test_stripe_statuses_fold_to_the_four_billing_states() -> None:
    updated = "customer.subscription.updated"
    assert billing_change(updated, sub("active"), PRICES) == BillingChange("cus_1", "active", "pro", "sub_1")
    assert billing_change(updated, sub("unpaid"), PRICES).state == "past_due"  # type: ignore[union-attr]
    assert billing_change(updated, sub("incomplete"), PRICES) == BillingChange("cus_1", None, None, "sub_1")
    assert billing_change(updated, sub("active", "price_unknown"), PRICES).plan is None  # type: ignore[union-attr]
    assert billing_change("invoice.payment_failed", {"customer": "cus_1"}, PRICES) == BillingChange("cus_1", "past_due")
    assert billing_change("charge.refunded", {"customer": "cus_1"}, PRICES) is None
    assert billing_change("invoice.paid", {}, PRICES) is None
