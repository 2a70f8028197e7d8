"""Notifications in the panel: the bell in the top bar, the list page, and each person's preferences."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.errors import Invalid
from appliance.events import inbox
from appliance.events.prefs import read_prefs, save_prefs
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel
from webui.panel.config_forms import FORM_PROBLEMS
from webui.ui.auth import current_principal, in_store, require

NEW_LEAD_CHOICES = {"all": _l("Every new lead"), "hot": _l("Only hot and premium leads"), "off": _l("None")}
EMAIL_CHOICES = {
    "immediate": _l("At once, one e-mail each"),
    "digest": _l("Gathered in one e-mail an hour"),
    "off": _l("No e-mail (only the bell)"),
}


@panel.context_processor
def _bell() -> dict[str, Any]:
    # The unread count for the bell in the top bar, on every panel page of a signed-in person in a store.
    principal = current_principal()
    if principal is None or principal.tenant_id is None:
        return {}
    return {"bell_count": inbox.unread_count(current_runtime(), principal.tenant_id, principal.user_id)}


@panel.get("/notifications")
@require()
def notifications() -> str:
    """List the person's latest notifications, newest first, in the panel's language."""
    principal, tenant_id = in_store()
    items = inbox.recent(current_runtime(), tenant_id, principal.user_id, str(get_locale() or "en"))
    return render_template("panel/notifications.html", items=items)


@panel.post("/notifications/read")
@require()
def notifications_read() -> Response:
    """Mark every notification read."""
    principal, tenant_id = in_store()
    inbox.mark_all_read(current_runtime(), tenant_id, principal.user_id)
    return redirect(url_for("panel.notifications"))


@panel.route("/notifications/settings", methods=["GET", "POST"])
@require()
def notification_settings() -> Any:
    """Let the person choose what they hear of, by e-mail or only under the bell, and quiet hours."""
    principal, tenant_id = in_store()
    rt = current_runtime()
    if request.method == "GET":
        return _settings_page(read_prefs(rt, tenant_id, principal.user_id), [])
    form = request.form
    values = {
        "new_lead": form.get("new_lead", ""),
        "email": form.get("email", ""),
        "appointments": bool(form.get("appointments")),
        "photos": bool(form.get("photos")),
        "quiet_start": form.get("quiet_start", "").strip() or None,
        "quiet_end": form.get("quiet_end", "").strip() or None,
    }
    try:
        save_prefs(rt, tenant_id, principal.user_id, values)
    except Invalid as exc:
        return _settings_page(values, exc.details["problems"]), FORM_PROBLEMS
    flash(_("Saved. Your notifications follow these choices from now on."), "success")
    return redirect(request.path)


def _settings_page(prefs: dict[str, Any], problems: list[dict[str, str]]) -> str:
    return render_template(
        "panel/notification_settings.html",
        prefs=prefs,
        problems=problems,
        new_lead_choices=NEW_LEAD_CHOICES,
        email_choices=EMAIL_CHOICES,
    )
