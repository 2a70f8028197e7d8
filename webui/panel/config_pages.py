"""The store panel's configuration pages (flow, widget & branding, settings): importing this module
adds their routes and navigation links to the panel blueprint."""

from __future__ import annotations

from webui.panel import (
    ai_pages,
    catalogue_pages,
    flow_editor_pages,
    flow_pages,
    preview_pages,
    settings_pages,
    team_pages,
    whatsapp_pages,
    widget_pages,
)

MODULES = (
    flow_pages,
    flow_editor_pages,
    preview_pages,
    widget_pages,
    settings_pages,
    team_pages,
    whatsapp_pages,
    ai_pages,
    catalogue_pages,
)
