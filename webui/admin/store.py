"""One store's platform settings: plan, AI cap, origins, status, rate limits, maintenance, widget key,
impersonation and purge. Each form calls one admin service, which audits the change."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.core.kinds import PLANS, TENANT_STATUSES
from appliance.errors import AppError, Invalid
from appliance.infra.ratelimit import PLAN_LIMITS
from appliance.infra.runtime import current_runtime
from appliance.operator import controls
from appliance.operator.tenants import get_store, update_store
from appliance.security.impersonation import read_impersonation_token
from appliance.tenants.validation import LANGUAGES
from webui.admin import forms
from webui.admin.blueprint import admin, operator_actor, require_operator
from webui.ui.auth import start_impersonation


@admin.get("/tenants/<tenant_id>")
@require_operator()
def tenant(tenant_id: str) -> str:
    """Show the store: usage, widget key and snippet, settings, maintenance, and the operator's switches."""
    store = get_store(current_runtime(), tenant_id)
    return render_template(
        "admin/tenant.html",
        store=store,
        plans=PLANS,
        statuses=TENANT_STATUSES,
        languages=LANGUAGES,
        limit_names=forms.LIMIT_NAMES,
        plan_limits=PLAN_LIMITS,
    )


def _back(tenant_id: str, anchor: str | None = None) -> Response:
    return redirect(url_for("admin.tenant", tenant_id=tenant_id, _anchor=anchor))


def _flash_problems(exc: AppError) -> None:
    problems = exc.details.get("problems") if isinstance(exc, Invalid) else None
    for line in forms.describe(problems) if problems else [exc.message]:
        flash(line, "error")


@admin.post("/tenants/<tenant_id>")
@require_operator("admin.write")
def update_tenant(tenant_id: str) -> Response:
    """Save the store's name, plan, AI cap, allowed websites, status and rate-limit overrides."""
    try:
        update_store(current_runtime(), tenant_id, forms.store_changes(request.form), actor=operator_actor())
    except forms.FormProblem as exc:
        for line in forms.describe(exc.problems):
            flash(line, "error")
        return _back(tenant_id, "settings")
    except Invalid as exc:
        _flash_problems(exc)
        return _back(tenant_id, "settings")
    flash(_("The store's settings are saved."), "success")
    return _back(tenant_id)


@admin.post("/tenants/<tenant_id>/maintenance")
@require_operator("admin.write")
def maintenance(tenant_id: str) -> Response:
    """Close the store's chat for visitors with a message per language, or open it again."""
    enabled, messages = forms.maintenance(request.form)
    try:
        controls.set_maintenance(current_runtime(), tenant_id, enabled, messages, actor=operator_actor())
    except Invalid as exc:
        _flash_problems(exc)
        return _back(tenant_id, "maintenance")
    if enabled:
        flash(_("Maintenance is on: visitors see the message instead of the chat."), "warning")
    else:
        flash(_("Maintenance is off: the chat is open again."), "success")
    return _back(tenant_id)


@admin.post("/tenants/<tenant_id>/widget-key")
@require_operator("admin.write")
def rotate_key(tenant_id: str) -> Response:
    """Give the store a new widget key; the old one stops opening the chat at once."""
    controls.rotate_widget_key(current_runtime(), tenant_id, actor=operator_actor())
    flash(_("The widget key is new. The store must paste the new snippet into its website."), "warning")
    return _back(tenant_id, "widget")


@admin.post("/tenants/<tenant_id>/impersonate")
@require_operator("admin.write")
def impersonate(tenant_id: str) -> Response:
    """Act as the store's owner in /panel for 15 minutes (audited at the start, on every request and at the end)."""
    actor = operator_actor()
    rt = current_runtime()
    token = controls.start_impersonation(rt, tenant_id, actor=actor)["token"]
    claims = read_impersonation_token(rt.settings.secret_key or "", token)
    start_impersonation(claims.tenant_id, actor.user_id, actor.label, claims.token_id)
    return redirect(url_for("panel.today"))
