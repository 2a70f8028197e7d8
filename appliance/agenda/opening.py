"""The day a store's calendar opens on (see appliance.core.agenda.opening)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from appliance.core.agenda.opening import next_open_day
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import tenant_config


def opening_day(rt: Runtime, tenant_id: str, zone: str) -> date:
    """Return today in the store's zone, or the next day it opens when its hours today are over."""
    now = datetime.now(ZoneInfo(zone))
    with rt.transaction() as db:
        agenda = tenant_config(rt, db.connection(), tenant_id, "agenda")
    return next_open_day(agenda, now.replace(tzinfo=None)) if agenda else now.date()
