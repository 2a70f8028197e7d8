"""The operator's health page: every service of the platform with its latency, checked on load
(the same bounded check as GET /v1/admin/health, so the page answers in under a second)."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from appliance.infra.runtime import current_runtime
from appliance.operator.platform_health import platform_health
from webui.admin.blueprint import admin, require_operator

SERVICE_NAMES = {
    "database": _l("Database"),
    "cache": _l("Cache"),
    "queue": _l("Task queue"),
    "storage": _l("File storage"),
    "mail": _l("Outgoing e-mail (SMTP)"),
    "ai": _l("AI endpoint"),
}


@admin.get("/health")
@require_operator()
def health() -> str:
    """Check every service now and show each one's state and latency, and where alerts go."""
    rt = current_runtime()
    return render_template(
        "admin/health.html",
        report=platform_health(rt),
        names={k: str(v) for k, v in SERVICE_NAMES.items()},
        slack=bool(rt.settings.alert_slack_url),
        alert_email=bool(rt.settings.alert_email and rt.settings.smtp_url),
    )
