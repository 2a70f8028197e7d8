"""What the visitor-facing hot path needs to know about a tenant, cached briefly.

Each chat request would otherwise read the tenant row; the cache keeps a small copy (no personal
data) for a few seconds. Changes that must apply at once (key rotation, pausing) call forget().
On the platform the copy is Redis's, read through each process's own for two seconds (a chat
turn reads it five times): a change reaches the other web processes within those two seconds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from appliance.configs.newest import latest_config
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.infra.store_scope import store_scope

TTL_SECONDS = 30


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as the widget and the chat see it."""

    id: str
    slug: str
    name: str
    status: str
    widget_key: str
    country: str
    timezone: str
    default_language: str
    languages: list[str]
    allowed_origins: list[str]
    branding: dict[str, Any] = field(default_factory=dict)
    maintenance: dict[str, Any] = field(default_factory=dict)
    plan: str = "base"
    limits: dict[str, Any] = field(default_factory=dict)  # rate-limit overrides (appliance.infra.ratelimit)

    @classmethod
    def of(cls, tenant: Tenant) -> TenantInfo:
        """Copy what matters from a tenant row."""
        return cls(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            status=tenant.status,
            widget_key=tenant.widget_key,
            country=tenant.country,
            timezone=tenant.timezone,
            default_language=tenant.default_language,
            languages=list(tenant.languages),
            allowed_origins=list(tenant.allowed_origins),
            branding=dict(tenant.branding),
            maintenance=dict(tenant.maintenance),
            plan=tenant.plan,
            limits=dict(tenant.limits or {}),
        )


def tenant_info(rt: Runtime, tenant_id: str) -> TenantInfo | None:
    """Return the tenant ``tenant_id``, from the cache when fresh."""
    return _cached(rt, f"tenant:{tenant_id}", Tenant.id == tenant_id)


def tenant_by_widget_key(rt: Runtime, widget_key: str) -> TenantInfo | None:
    """Return the tenant whose public widget key is ``widget_key``."""
    return _cached(rt, f"widget-key:{widget_key}", Tenant.widget_key == widget_key)


def _cached(rt: Runtime, key: str, where: Any) -> TenantInfo | None:
    hit = rt.near_cache.get(key)
    if hit is not None:
        return TenantInfo(**json.loads(hit)) if hit != "null" else None
    # The copy is shared by every store's requests, so it is read as every store sees it: inside a
    # store's request, row-level security would hide another store's row and cache "none" for it.
    with store_scope(None), rt.transaction() as db:
        row = db.scalar(select(Tenant).where(where))
        info = TenantInfo.of(row) if row else None
    rt.near_cache.set(key, json.dumps(asdict(info)) if info else "null", TTL_SECONDS)
    return info


def forget(rt: Runtime, tenant: Tenant | TenantInfo, *old_widget_keys: str) -> None:
    """Drop a tenant's cached copies so a change applies to the next request."""
    rt.near_cache.delete(f"tenant:{tenant.id}")
    for key in (tenant.widget_key, *old_widget_keys):
        rt.near_cache.delete(f"widget-key:{key}")
    rt.near_cache.delete("origins:all")


def all_origin_patterns(rt: Runtime) -> list[str]:
    """Return every allowed-origin pattern of every active tenant (to answer CORS preflights)."""
    hit = rt.near_cache.get("origins:all")
    if hit is not None:
        return json.loads(hit)
    # Every store's patterns, whichever request fills the copy (see _cached).
    with store_scope(None), rt.transaction() as db:
        lists = db.scalars(select(Tenant.allowed_origins).where(Tenant.status == "active"))
        patterns = sorted({p for origins in lists for p in origins})
    rt.near_cache.set("origins:all", json.dumps(patterns), TTL_SECONDS)
    return patterns


def tenant_config(rt: Runtime, db: Session | Connection, tenant_id: str, kind: str) -> dict[str, Any]:
    """Return the payload of a tenant's newest ``kind`` config ({} if none), cached briefly.

    Saving a config must call forget_config() so the change applies to the next turn.
    """
    key = f"config:{tenant_id}:{kind}"
    hit = rt.near_cache.get(key)
    if hit is not None:
        return json.loads(hit)
    payload = latest_config(db, tenant_id, kind) or {}
    rt.near_cache.set(key, json.dumps(payload), TTL_SECONDS)
    return payload


def forget_config(rt: Runtime, tenant_id: str, kind: str) -> None:
    """Drop a tenant's cached config of ``kind``."""
    rt.near_cache.delete(f"config:{tenant_id}:{kind}")
