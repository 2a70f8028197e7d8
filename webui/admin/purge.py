"""Purging a store: everything of it, files included, after the operator types its address name."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.infra.runtime import current_runtime
from appliance.operator.controls import purge_store
from appliance.operator.tenants import get_store
from webui.admin.blueprint import admin, operator_actor, require_operator


@admin.get("/tenants/<tenant_id>/purge")
@require_operator("admin.write")
def purge_form(tenant_id: str) -> str:
    """Ask for the store's address name before deleting it for good."""
    return render_template("admin/purge.html", store=get_store(current_runtime(), tenant_id))


@admin.post("/tenants/<tenant_id>/purge")
@require_operator("admin.write")
def purge(tenant_id: str) -> Response | tuple[str, int]:
    """Delete the store and everything of it, when the typed address name matches."""
    rt = current_runtime()
    store = get_store(rt, tenant_id)
    if request.form.get("confirm_slug", "").strip() != store["slug"]:
        error = _("The address name you typed is not %(slug)s. Nothing was deleted.", slug=store["slug"])
        return render_template("admin/purge.html", store=store, error=error), 400
    result = purge_store(rt, tenant_id, actor=operator_actor())
    counts = dict(result["counts"])
    files = counts.pop("files", 0)
    rows = sum(v for v in counts.values() if isinstance(v, int))
    message = _(
        "%(name)s was purged: %(rows)s records and %(files)s files deleted.", name=store["name"], rows=rows, files=files
    )
    flash(message, "success")
    return redirect(url_for("admin.tenants"))
