"""What the store's settings pages start from: a configuration in force, and the widget's saved look,
words, opening and reach. Each call reads in its own transaction, scoped to the store it is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appliance.configs.service import current
from appliance.errors import NotFound
from appliance.infra.db import Tenant
from appliance.tenants import defaults

if TYPE_CHECKING:
    from appliance.infra.runtime import Runtime


def current_config(rt: Runtime, tenant_id: str, kind: str) -> dict[str, Any]:
    """Return the newest version of the store's ``kind`` configuration (see ``configs.service.current``)."""
    with rt.transaction() as db:
        return current(db, tenant_id, kind)


def config_in_force(rt: Runtime, tenant_id: str, kind: str, timezone: str) -> dict[str, Any]:
    """Return the configuration in force, or for a store without an agenda the default one in ``timezone``."""
    with rt.transaction() as db:
        try:
            return current(db, tenant_id, kind)
        except NotFound:
            # Only the agenda has no defaults; every store gets one when created, so this is a fallback.
            return {"kind": kind, "version": 0, "payload": defaults.agenda(timezone), "created_at": None}


def widget_settings(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the widget's saved look (``branding``), words (``texts``), ``opening``, allowed ``origins``,
    key and languages."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("This store does not exist.")
        return {
            "branding": current(db, tenant.id, "branding")["payload"],
            "texts": current(db, tenant.id, "texts")["payload"],
            "opening": current(db, tenant.id, "widget")["payload"],
            "origins": list(tenant.allowed_origins),
            "widget_key": tenant.widget_key,
            "languages": list(tenant.languages),
            "default_language": tenant.default_language,
        }
