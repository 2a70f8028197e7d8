"""The Webhooks settings page: add and remove the store's webhooks, see deliveries, replay one.

A new webhook's signing secret is shown on the page that answers the form, once, and never
again (it is not put in a flash message, which would travel in the session cookie).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.errors import Conflict, Invalid
from appliance.events import webhooks
from appliance.events.record import EVENT_NAMES
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel
from webui.panel.config_forms import FORM_PROBLEMS
from webui.ui.auth import in_store, require

EVENT_LABELS = {
    "lead.created": _l("A new lead"),
    "lead.updated": _l("A lead changed"),
    "lead.photos_added": _l("A lead sent photos"),
    "appointment.booked": _l("An appointment was booked"),
    "appointment.changed": _l("An appointment was moved or cancelled"),
    "conversation.completed": _l("A conversation ended"),
}
STATUS_LABELS = {
    "pending": _l("Waiting to retry"),
    "sending": _l("Sending"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}


@panel.route("/settings/webhooks", methods=["GET", "POST"])
@require("config.write")
def settings_webhooks() -> Any:
    """List the store's webhooks; the form adds one and shows its secret once."""
    if request.method == "GET":
        return _page(None, [], {})
    url = request.form.get("url", "").strip()
    chosen = [name for name in EVENT_NAMES if request.form.get(f"event_{name}")]
    try:
        created = webhooks.create_webhook(current_runtime(), in_store()[1], url, chosen)
    except (Invalid, Conflict) as exc:
        problems = exc.details.get("problems") or [{"path": "", "message": exc.message}]
        return _page(None, problems, {"url": url, "events": chosen}), FORM_PROBLEMS
    return _page(created, [], {})


def _page(created: dict[str, Any] | None, problems: list[dict[str, str]], shown: dict[str, Any]) -> str:
    hooks = webhooks.list_webhooks(current_runtime(), in_store()[1])
    return render_template(
        "panel/settings_webhooks.html",
        hooks=hooks,
        created=created,
        problems=problems,
        shown=shown,
        event_labels=EVENT_LABELS,
    )


@panel.post("/settings/webhooks/<webhook_id>/delete")
@require("config.write")
def settings_webhook_delete(webhook_id: str) -> Response:
    """Remove a webhook (its deliveries go with it)."""
    webhooks.delete_webhook(current_runtime(), in_store()[1], webhook_id)
    flash(_("The webhook was removed."), "success")
    return redirect(url_for("panel.settings_webhooks"))


@panel.get("/settings/webhooks/<webhook_id>")
@require("config.write")
def settings_webhook(webhook_id: str) -> str:
    """Show a webhook's latest deliveries, each attempt, and a replay button for finished ones."""
    rt, tenant_id = current_runtime(), in_store()[1]
    hook = webhooks.get_webhook(rt, tenant_id, webhook_id)
    items, _cursor = webhooks.list_deliveries(rt, tenant_id, webhook_id, 50, None)
    return render_template(
        "panel/settings_webhook.html",
        hook=hook,
        deliveries=items,
        event_labels=EVENT_LABELS,
        status_labels=STATUS_LABELS,
    )


@panel.post("/settings/webhooks/<webhook_id>/deliveries/<delivery_id>/replay")
@require("config.write")
def settings_webhook_replay(webhook_id: str, delivery_id: str) -> Response:
    """Send a delivery again, with the same event id."""
    try:
        webhooks.replay_delivery(current_runtime(), in_store()[1], webhook_id, delivery_id)
        flash(_("The event was sent again."), "success")
    except Conflict:
        flash(_("This delivery is still being sent."), "error")
    return redirect(url_for("panel.settings_webhook", webhook_id=webhook_id))
