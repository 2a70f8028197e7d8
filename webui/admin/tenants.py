"""Stores: the list with status, plan and usage, and creating a new one ready to go live.

In appliance mode the server runs one store, so the list of one is skipped for that store's page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.core.kinds import PLANS, TENANT_STATUSES
from appliance.errors import AppError, Invalid
from appliance.infra.runtime import current_runtime
from appliance.operator.tenants import create_store, list_stores
from appliance.tenants.registry import TenantSpec
from appliance.tenants.validation import LANGUAGES
from webui.admin import forms
from webui.admin.blueprint import admin, is_appliance, operator_actor, require_operator

PAGE_SIZE = 50


@admin.get("/tenants")
@require_operator()
def tenants() -> Response | str:
    """List the stores (filtered by status and plan), or go straight to the only one in appliance mode."""
    status = request.args.get("status") if request.args.get("status") in TENANT_STATUSES else None
    plan = request.args.get("plan") if request.args.get("plan") in PLANS else None
    cursor = request.args.get("cursor") or None
    page = list_stores(current_runtime(), limit=PAGE_SIZE, cursor=cursor, status=status, plan=plan)
    filtered = bool(status or plan or cursor)
    if is_appliance() and not filtered and len(page["items"]) == 1:
        return redirect(url_for("admin.tenant", tenant_id=page["items"][0]["id"]))
    return render_template(
        "admin/tenants.html", page=page, status=status, plan=plan, statuses=TENANT_STATUSES, plans=PLANS
    )


@admin.get("/tenants/new")
@require_operator("admin.write")
def new_tenant() -> str:
    """Show the form that creates a store."""
    return _form(forms.new_store(request.args), [])


@admin.post("/tenants/new")
@require_operator("admin.write")
def create_tenant() -> str | tuple[str, int]:
    """Create the store (base flow published, widget key, owner invitation) and show what to hand over."""
    new = forms.new_store(request.form)
    try:
        store = create_store(current_runtime(), new, actor=operator_actor())
    except Invalid as exc:
        return _form(new, forms.describe(exc.details["problems"])), 422
    except AppError as exc:
        return _form(new, [forms.error_text(exc)]), exc.status
    return render_template("admin/created.html", store=store)


def _form(new: TenantSpec, errors: list[str]) -> str:
    return render_template(
        "admin/tenant_new.html",
        new=new,
        errors=errors,
        plans=PLANS,
        languages=LANGUAGES,
    )
