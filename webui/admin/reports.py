"""What the operator reads: recent errors by store, and the audit trail with its filters."""

from __future__ import annotations

from flask import render_template, request

from appliance.errors import Invalid
from appliance.infra.runtime import current_runtime
from appliance.operator import panel_support
from appliance.operator.reports import AuditFilter, audit_log, recent_errors
from webui.admin import forms
from webui.admin.blueprint import admin, require_operator
from webui.ui.daytime import read_day

PAGE_SIZE = 50


def _day_arg(name: str) -> str | None:
    """Return a day typed as 25/12/2026 (the panels' way) as ISO, anything else as it came."""
    typed = _arg(name)
    day = read_day(typed)
    return day.isoformat() if day else typed


def _arg(name: str) -> str | None:
    return (request.args.get(name) or "").strip() or None


@admin.get("/errors")
@require_operator()
def errors() -> str:
    """List the latest failed requests, newest first, of every store or one."""
    rt = current_runtime()
    tenant_id = _arg("tenant_id")
    page = recent_errors(rt, tenant_id=tenant_id, limit=PAGE_SIZE, cursor=_arg("cursor"))
    return render_template("admin/errors.html", page=page, tenant_id=tenant_id, stores=panel_support.store_names(rt))


@admin.get("/audit")
@require_operator()
def audit() -> tuple[str, int] | str:
    """List the audit trail, newest first, filtered by store, action, actor and dates."""
    rt = current_runtime()
    which = AuditFilter(
        tenant_id=_arg("tenant_id"),
        action=_arg("action"),
        actor=_actor(_arg("actor")),
        from_=_day_arg("from"),
        to=_day_arg("to"),
    )
    problems: list[str] = []
    try:
        page = audit_log(rt, which, limit=PAGE_SIZE, cursor=_arg("cursor"))
    except Invalid as exc:
        page, problems = {"items": [], "next_cursor": None}, forms.describe(exc.details["problems"])
    page_html = render_template(
        "admin/audit.html",
        page=page,
        filters={
            "tenant_id": which.tenant_id,
            "action": which.action,
            "actor": _arg("actor"),
            "from": which.from_,
            "to": which.to,
        },
        problems=problems,
        stores=panel_support.store_names(rt),
        actions=panel_support.audit_actions(rt),
        emails=panel_support.emails_of(rt, [item["actor"]["user_id"] for item in page["items"]]),
    )
    return (page_html, 400) if problems else page_html


def _actor(typed: str | None) -> str | None:
    # An operator remembers people by e-mail; the trail names them by id.
    if typed and "@" in typed:
        return panel_support.user_id_for_email(current_runtime(), typed) or typed
    return typed
