"""The operator's start page: the platform at a glance (stores, conversations, leads, AI spend,
error rate and the health of each service)."""

from __future__ import annotations

from flask import render_template

from appliance.infra.runtime import current_runtime
from appliance.operator.reports import overview
from webui.admin.blueprint import admin, require_operator

SERVICES = ("database", "cache", "queue", "storage")


@admin.get("/")
@require_operator()
def home() -> str:
    """Show the global numbers and the health of database, cache, queue and storage."""
    return render_template("admin/overview.html", numbers=overview(current_runtime()), services=SERVICES)
