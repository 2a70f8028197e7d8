"""A store's own alert channel, set by the operator: its Microsoft Teams incoming webhook (Elite)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from appliance.billing.plans import read_plan
from appliance.errors import Conflict, Invalid
from appliance.infra.audit import Actor, record_for_tenant
from appliance.infra.db import StoreAlertRoute
from appliance.infra.runtime import Runtime
from appliance.operator.tenants import load_tenant


def alert_route(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return whether the store has a Teams channel and may use it (the URL itself is not shown)."""
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        url = db.scalar(select(StoreAlertRoute.teams_url).where(StoreAlertRoute.tenant_id == tenant_id))
        return _json(db, tenant.id, tenant.plan, url)


def set_teams_url(rt: Runtime, tenant_id: str, url: str | None, actor: Actor | None = None) -> dict[str, Any]:
    """Set (or, with None, remove) the store's Teams webhook; refuse one for a plan without Teams (409)."""
    if url is not None:
        _check_url(url)
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        if url is not None and not read_plan(db, tenant.plan).has("teams_alerts"):
            raise Conflict("The store's plan does not include Teams alerts.", code="plan_required")
        db.execute(delete(StoreAlertRoute).where(StoreAlertRoute.tenant_id == tenant_id))
        if url is not None:
            db.add(StoreAlertRoute(tenant_id=tenant_id, teams_url=url))
        record_for_tenant(db, "tenant.alerts", tenant_id, {"teams": url is not None}, actor)
        return _json(db, tenant.id, tenant.plan, url)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise Invalid([{"path": "teams_webhook_url", "message": "must be an http(s):// URL"}])


def _json(db: Session, tenant_id: str, plan: str, url: str | None) -> dict[str, Any]:
    allowed = read_plan(db, plan).has("teams_alerts")
    return {"tenant_id": tenant_id, "teams": {"configured": url is not None, "allowed": allowed}}
