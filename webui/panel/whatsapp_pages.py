"""The WhatsApp settings page: the store's number, its secrets (never shown), templates and prices.

Secret fields are always empty on the page: typing one replaces (rotates) it, leaving it empty
keeps the stored one. The page also shows the webhook address to give Meta and what the last 30
days of messages cost.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from appliance.core.moments import utcnow
from appliance.errors import Invalid, NotFound
from appliance.infra.runtime import current_runtime
from appliance.whatsapp.config import DEFAULT_TEMPLATES, TEMPLATE_USES, channel_view, save_channel
from appliance.whatsapp.ledger import usage_since
from webui.panel.blueprint import panel
from webui.panel.config_forms import FORM_PROBLEMS
from webui.ui.auth import in_store, require

SECRETS = ("access_token", "app_secret", "verify_token")
TEMPLATE_LABELS = {
    "reminder_24h": _l("Reminder 24 hours before a visit"),
    "reminder_2h": _l("Reminder 2 hours before a visit"),
    "follow_up": _l("Follow-up of a lead"),
}
PRICED = {
    "utility": _l("Utility (reminders)"),
    "marketing": _l("Marketing (follow-ups)"),
    "service": _l("Service (replies within 24 hours)"),
}


@panel.route("/settings/whatsapp", methods=["GET", "POST"])
@require("config.write")
def settings_whatsapp() -> Any:
    """Set up WhatsApp: number, secrets (write-only), templates, prices."""
    rt, tenant_id = current_runtime(), in_store()[1]
    try:
        saved: dict[str, Any] | None = channel_view(rt, tenant_id)
    except NotFound:
        saved = None
    if request.method == "GET":
        return _page(saved, saved or {"templates": DEFAULT_TEMPLATES}, [])
    payload = whatsapp_from_form(request.form)
    try:
        save_channel(rt, tenant_id, payload)
    except Invalid as exc:
        return _page(saved, payload, exc.details["problems"]), FORM_PROBLEMS
    flash(_("Saved. WhatsApp messages now go through this number."), "success")
    return redirect(request.path)


def whatsapp_from_form(form: Any) -> dict[str, Any]:
    """Return the settings the form describes; empty secret fields are left out (kept as stored)."""
    payload: dict[str, Any] = {"phone_number_id": form.get("phone_number_id", "").strip()}
    payload |= {name: form[name].strip() for name in SECRETS if form.get(name, "").strip()}
    templates = {
        use: {"name": form.get(f"{use}_name", "").strip(), "language": form.get(f"{use}_language", "").strip()}
        for use in TEMPLATE_USES
    }
    # A template left empty keeps the default name and language (docs/whatsapp.md).
    payload["templates"] = {use: chosen for use, chosen in templates.items() if chosen["name"] or chosen["language"]}
    payload["prices_eur"] = {c: _price(form.get(f"price_{c}", "")) for c in PRICED}
    return payload


def _price(text: str) -> str:
    # Comma or point as the decimal mark, as people type it; the service checks the number.
    return text.strip().replace(",", ".") or "0"


def _page(saved: dict[str, Any] | None, shown: dict[str, Any], problems: list[dict[str, str]]) -> str:
    rt, tenant_id = current_runtime(), in_store()[1]
    usage = usage_since(rt, tenant_id, "whatsapp", utcnow() - timedelta(days=30)) if saved else None
    return render_template(
        "panel/settings_whatsapp.html",
        saved_channel=saved,
        shown=shown,
        problems=problems,
        uses=TEMPLATE_LABELS,
        priced=PRICED,
        usage=usage,
        webhook_url=f"{rt.settings.public_url}/v1/channels/whatsapp/webhook",
    )
