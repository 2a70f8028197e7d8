"""The store's plan page (/panel/plan): its limits and use, billing state, and (for the owner) Stripe.

Also the banner every panel page shows while the store is not paying (past due or cancelled)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.billing.account import store_plan
from appliance.billing.checkout import open_portal, start_checkout
from appliance.billing.state import billing_notice
from appliance.errors import AppError
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel, panel_nav
from webui.ui.auth import current_principal, in_store, require

panel_nav.add("panel.plan", _l("Plan"), permission="billing.read", order=85)

STATES = {
    "trialing": _l("Trial"),
    "active": _l("Active"),
    "past_due": _l("Payment failed"),
    "canceled": _l("Cancelled"),
}


@panel.before_request
def _billing_banner() -> None:
    # Read before the view runs: a view may hold the appliance's only SQLite connection while rendering.
    principal = current_principal()
    g.billing_banner = None
    if principal is not None and principal.tenant_id and principal.can("billing.read"):
        g.billing_banner = billing_notice(current_runtime(), principal.tenant_id)


@panel.context_processor
def _banner() -> dict[str, Any]:
    return {"billing_banner": g.get("billing_banner")}


@panel.get("/plan")
@require("billing.read")
def plan() -> str:
    """Show the store's plan, its use (seats, WhatsApp numbers, AI spend against the cap) and billing."""
    principal, tenant_id = in_store()
    summary = store_plan(current_runtime(), tenant_id)
    owner = principal.can("billing.manage")
    return render_template("panel/plan.html", summary=summary, states=STATES, owner=owner)


@panel.post("/plan/checkout")
@require("billing.manage")
def plan_checkout() -> Response:
    """Send the owner to Stripe Checkout for a new subscription to the plan the form names."""
    plan_name = request.form.get("plan", "")
    return _to_stripe(lambda tenant_id: start_checkout(current_runtime(), tenant_id, plan_name))


@panel.post("/plan/portal")
@require("billing.manage")
def plan_portal() -> Response:
    """Send the owner to Stripe's billing portal."""
    return _to_stripe(lambda tenant_id: open_portal(current_runtime(), tenant_id))


def _to_stripe(open_session: Any) -> Response:
    try:
        session = open_session(in_store()[1])
    except AppError as exc:
        flash(exc.message, "error")
        return redirect(url_for("panel.plan"))
    return redirect(session["url"], code=303)
