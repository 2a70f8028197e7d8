"""The platform's own staff: who may use /admin, adding someone, switching someone off or on."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.core.kinds import PLATFORM_ROLES
from appliance.errors import AppError, Invalid
from appliance.infra.runtime import current_runtime
from appliance.operator.panel_support import add_platform_staff, list_platform_staff, set_platform_staff_active
from webui.admin import forms
from webui.admin.blueprint import admin, operator, operator_actor, require_operator


def _page(status: int = 200, **extra: object) -> tuple[str, int]:
    people = list_platform_staff(current_runtime())
    html = render_template("admin/staff.html", people=people, roles=PLATFORM_ROLES, me=operator().user_id, **extra)
    return html, status


@admin.get("/staff")
@require_operator()
def staff() -> tuple[str, int]:
    """List the platform's staff with their role, two-factor and last sign-in."""
    return _page()


@admin.post("/staff")
@require_operator("admin.write")
def add_staff() -> tuple[str, int]:
    """Add a platform user and show their first password, once."""
    email, name, role = (request.form.get(k, "").strip() for k in ("email", "name", "role"))
    try:
        _user_id, password = add_platform_staff(current_runtime(), email, name, role, actor=operator_actor())
    except Invalid as exc:
        return _page(422, errors=forms.describe(exc.details["problems"]), typed={"email": email, "name": name})
    except AppError as exc:
        return _page(exc.status, errors=[forms.error_text(exc)], typed={"email": email, "name": name})
    return _page(created={"email": email.lower(), "password": password, "role": role})


@admin.post("/staff/<user_id>/active")
@require_operator("admin.write")
def set_staff_active(user_id: str) -> Response:
    """Switch a platform user off (their sessions and platform tokens stop working) or back on."""
    active = request.form.get("active") == "1"
    try:
        set_platform_staff_active(current_runtime(), user_id, active, actor=operator_actor())
    except AppError as exc:
        flash(forms.error_text(exc), "error")
        return redirect(url_for("admin.staff"))
    flash(_("The account is on again.") if active else _("The account is switched off."), "success")
    return redirect(url_for("admin.staff"))
