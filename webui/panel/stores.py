"""The store picker, for people who work for several stores."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.accounts.people import workplaces_of
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel
from webui.ui.auth import choose_store, require, safe_next, signed_in


@panel.get("/stores")
@require(store=False)
def stores() -> str | Response:
    """List the stores the signed-in person works for."""
    principal = signed_in()
    places = workplaces_of(current_runtime(), principal.user_id)
    if not places and principal.platform_role:
        # An operator works in a store only by impersonating it, which starts from /admin.
        return redirect("/admin")
    return render_template("panel/stores.html", places=places, next=request.args.get("next", ""))


@panel.post("/stores")
@require(store=False)
def pick_store() -> Response:
    """Work in the chosen store (only one the person belongs to)."""
    principal = signed_in()
    chosen = request.form.get("tenant_id", "")
    if chosen not in {place.tenant_id for place in workplaces_of(current_runtime(), principal.user_id)}:
        abort(404)
    choose_store(chosen)
    return redirect(safe_next(request.form.get("next"), url_for("panel.today")))
