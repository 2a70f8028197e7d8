"""The AI settings page: the provider, models, the store's own cap and what leaves for the model;
with this month's spend, the mode it brings and the spend alerts sent to the owner."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from appliance.ai.alerts import recent
from appliance.analytics.usage import store_ai_usage
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel
from webui.panel.settings_pages import _current, _save
from webui.ui.auth import in_store, require

ALERTS = {
    "day_40": _l("One day spent more than 40% of the month's cap"),
    "month_80": _l("80% of the month's cap spent"),
    "month_100": _l("The month's cap is reached: low-cost mode, the rules answer alone"),
}
MODES = {
    "normal": _l("Normal"),
    "economy": _l("Economy: this hour's share is spent, the cheap model answers briefly"),
    "low_cost": _l("Low cost: the cap is reached, no model is called"),
}


@panel.route("/settings/ai", methods=["GET", "POST"])
@require("config.write")
def settings_ai() -> Any:
    """Choose the AI provider and models, lower the monthly cap, and see the spend."""
    saved = _current("ai")
    if request.method == "GET":
        return _page(saved["payload"], [], saved)
    payload, problems = ai_from_form(request.form, saved["payload"])
    return _save("ai", payload, problems, lambda found: _page(payload, found, saved))


def ai_from_form(form: Any, current: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return the AI settings the form describes, and what could not be read."""
    problems: list[dict[str, str]] = []
    payload = dict(current)
    payload["provider"] = form.get("provider", "rules")
    payload["model"] = form.get("model", "").strip() or None
    payload["cheap_model"] = form.get("cheap_model", "").strip() or None
    payload["send_personal_data"] = form.get("send_personal_data") == "on"
    payload["vary_texts"] = form.get("vary_texts") == "on"
    payload["forbidden_topics"] = [t.strip() for t in form.get("forbidden_topics", "").splitlines() if t.strip()]
    for name, kind in (("monthly_cap_eur", float), ("temperature", float), ("max_tokens", int)):
        raw = form.get(name, "").strip().replace(",", ".")
        try:
            payload[name] = kind(raw) if raw else current.get(name)
        except ValueError:
            problems.append({"path": name, "message": _("Write a number.")})
    return payload, problems


def _page(ai: dict[str, Any], problems: list[dict[str, str]], saved: dict[str, Any]) -> str:
    rt, tenant_id = current_runtime(), in_store()[1]
    usage = store_ai_usage(rt, tenant_id)
    alerts = [{"text": ALERTS.get(a["alert"], a["alert"]), "period": a["period"]} for a in recent(rt, tenant_id)]
    return render_template(
        "panel/settings_ai.html",
        ai=ai,
        usage=usage,
        mode=MODES[usage["mode"]],
        alerts=alerts,
        problems=problems,
        saved=saved,
    )
