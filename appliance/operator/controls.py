"""The operator's switches on one store: maintenance, widget key rotation, impersonation, purge."""

from __future__ import annotations

from typing import Any

from appliance.core.ids import new_id
from appliance.infra.audit import Actor, current_actor, record, record_for_tenant
from appliance.infra.runtime import Runtime
from appliance.operator.maintenance import maintenance_state
from appliance.operator.tenants import load_tenant, tenant_json
from appliance.privacy.purge import purge_tenant
from appliance.security.impersonation import ImpersonationClaims, issue_impersonation_token
from appliance.tenants.directory import TenantInfo, forget
from appliance.tenants.registry import new_widget_key


def set_maintenance(
    rt: Runtime, tenant_id: str, enabled: bool, message: dict[str, str] | None, actor: Actor | None = None
) -> dict[str, Any]:
    """Open or close the store's chat for visitors (with a message per language); return the store."""
    state = maintenance_state(enabled, message)
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        tenant.maintenance = state
        details = {"enabled": state["enabled"], "languages": sorted(state["message"])}
        record_for_tenant(db, "tenant.maintenance", tenant.id, details, actor)
        found = tenant_json(tenant, rt.settings.public_url)
        info = TenantInfo.of(tenant)
    # The directory caches a store for 30 s; visitors must see the switch on their next request.
    forget(rt, info)
    return found


def rotate_widget_key(rt: Runtime, tenant_id: str, actor: Actor | None = None) -> str:
    """Give the store a new widget key; the old one stops opening chats at once. Return the new key."""
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        old_key = tenant.widget_key
        tenant.widget_key = new_widget_key()
        record_for_tenant(db, "widget_key.rotated", tenant.id, actor=actor)
        info = TenantInfo.of(tenant)
    forget(rt, info, old_key)
    return info.widget_key


def start_impersonation(
    rt: Runtime, tenant_id: str, actor: Actor | None = None, now: float | None = None
) -> dict[str, Any]:
    """Return a 15-minute token acting as the store's owner, for that store only; the start is
    audited here, each request made with it and the end by appliance.operator.impersonation."""
    who = actor or current_actor()
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        claims = ImpersonationClaims(
            tenant_id=tenant.id, admin_user_id=who.user_id, admin_label=who.label, token_id=new_id("im")
        )
        token, lifetime = issue_impersonation_token(rt.settings.secret_key or "", claims, now=now)
        record(
            db,
            "impersonation.started",
            tenant_id=tenant.id,
            target_type="impersonation",
            target_id=claims.token_id,
            details={"expires_in": lifetime},
            actor=who,
        )
    return {"token": token, "expires_in": lifetime}


def purge_store(rt: Runtime, tenant_id: str, actor: Actor | None = None) -> dict[str, Any]:
    """Delete everything of the store, files included (appliance.privacy.purge, which also audits
    it and drops its cached copies); return what was deleted, counted per table, or raise 404."""
    counts = purge_tenant(rt, tenant_id, actor=actor)
    return {"tenant_id": tenant_id, "purged": True, "counts": counts}
