"""The platform operator's web panel at /admin: stores, maintenance, keys, impersonation, health,
errors, the audit trail and the platform's staff. Views call appliance.operator; page modules add
routes to ``webui.admin.blueprint.admin`` when imported."""

from __future__ import annotations

from flask import Flask

from webui.admin import health, overview, plans, purge, reports, staff, store, tenants
from webui.admin.blueprint import admin

PAGES = (overview, tenants, store, purge, reports, staff, health, plans)


def register_admin(app: Flask) -> None:
    """Attach /admin to ``app``."""
    app.register_blueprint(admin)
