"""The plans page: what base, pro and elite give a store, edited by the operator (audited)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from appliance.billing.plans import all_plans, update_plan
from appliance.core.plans import FEATURES, NUMBERS
from appliance.errors import AppError, Invalid
from appliance.infra.runtime import current_runtime
from webui.admin import forms
from webui.admin.blueprint import admin, admin_nav, operator_actor, require_operator

admin_nav.add("admin.plans", _l("Plans"), permission="admin.read", order=30)

LABELS = {
    "ai_cap_eur": _l("AI cap (€ a month)"),
    "requests_per_minute": _l("Requests per minute"),
    "whatsapp_numbers": _l("WhatsApp numbers"),
    "staff_seats": _l("Staff seats"),
    "two_factor_required": _l("Two-factor sign-in required"),
    "teams_alerts": _l("Teams alerts"),
}


def _page(status: int = 200, **extra: object) -> tuple[str, int]:
    plans = all_plans(current_runtime())
    html = render_template("admin/plans.html", plans=plans, numbers=NUMBERS, features=FEATURES, labels=LABELS, **extra)
    return html, status


@admin.get("/plans")
@require_operator()
def plans() -> tuple[str, int]:
    """Show every plan's limits and features."""
    return _page()


@admin.post("/plans")
@require_operator("admin.write")
def save_plan() -> Response | tuple[str, int]:
    """Save one plan's limits and features (the form names the plan); every store on it gets them at once."""
    name = request.form.get("plan", "")
    changes, problems = plan_form(request.form)
    try:
        if problems:
            raise Invalid(problems)
        update_plan(current_runtime(), name, changes, actor=operator_actor())
    except Invalid as exc:
        return _page(422, errors=forms.describe(exc.details["problems"]))
    except AppError as exc:
        return _page(exc.status, errors=[forms.error_text(exc)])
    flash(_("The plan is saved; its stores have the new limits now."), "success")
    return redirect(url_for("admin.plans"))


def plan_form(form: MultiDict[str, str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return the plan changes the form describes, and the numbers that could not be read."""
    changes: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for name in NUMBERS:
        text = form.get(name, "").strip()
        if text.isdigit():
            changes[name] = int(text)
        else:
            problems.append({"path": name, "message": _("Write a whole number.")})
    changes["features"] = {name: form.get(name) == "on" for name in FEATURES}
    return changes, problems
