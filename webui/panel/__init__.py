"""The store's web panel at /panel: today, leads, calendar, flow, widget and settings.

Page modules add routes to ``webui.panel.blueprint.panel`` when imported; add yours to PAGES."""

from __future__ import annotations

from flask import Flask

from webui.panel import (
    calendar,
    config_pages,
    invite,
    lead,
    leads,
    notification_pages,
    plan_pages,
    stores,
    today,
    webhook_pages,
)
from webui.panel.blueprint import panel

PAGES = (today, leads, lead, calendar, stores, invite, config_pages, notification_pages, webhook_pages, plan_pages)


def register_panel(app: Flask) -> None:
    """Attach /panel to ``app``."""
    app.register_blueprint(panel)
