"""The operator's stores: create one ready to go live, list, read and change them.

Every change is audited in its own transaction and then dropped from the tenant directory's
cache, so it applies to the very next request (on every node when the cache is Redis).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.core.kinds import PLANS, TENANT_STATUSES
from appliance.errors import Invalid, NotFound
from appliance.infra.audit import Actor, record_for_tenant
from appliance.infra.db import Tenant
from appliance.infra.ratelimit import override_problems
from appliance.infra.runtime import Runtime
from appliance.operator.usage import usage_by_tenant
from appliance.tenants import team
from appliance.tenants.directory import TenantInfo, forget
from appliance.tenants.registry import TenantSpec, create_tenant
from appliance.tenants.validation import origin_problem

MAX_PAGE = 200
EDITABLE = ("name", "plan", "ai_monthly_cap_eur", "allowed_origins", "status", "limits")


def snippet(public_url: str, widget_key: str) -> str:
    """Return the line a store pastes into its website to show the chat."""
    return f'<script src="{public_url.rstrip("/")}/widget.js" data-key="{widget_key}" async></script>'


def tenant_json(tenant: Tenant, public_url: str, usage: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a store as the admin API shows it (no personal data)."""
    found = {
        "id": tenant.id,
        "name": tenant.name,
        "slug": tenant.slug,
        "status": tenant.status,
        "plan": tenant.plan,
        "widget_key": tenant.widget_key,
        "snippet": snippet(public_url, tenant.widget_key),
        "languages": list(tenant.languages),
        "default_language": tenant.default_language,
        "timezone": tenant.timezone,
        "allowed_origins": list(tenant.allowed_origins),
        "maintenance": {"enabled": False, "message": {}, **(tenant.maintenance or {})},
        "ai_monthly_cap_eur": tenant.ai_monthly_cap_eur,
        "limits": dict(tenant.limits or {}),
        # Stripe's state of the store (appliance.billing); "active" wherever billing is off.
        "billing_status": tenant.billing_status,
        "created_at": tenant.created_at.isoformat(),
    }
    if usage is not None:
        found["usage"] = usage
    return found


def create_store(rt: Runtime, new: TenantSpec, actor: Actor | None = None) -> dict[str, Any]:
    """Create a live store (base flow published, default configs, widget key) and, with an owner
    e-mail, its owner and their invitation link; return the store with ``owner_invitation``.
    Raise Invalid listing every problem of ``new``, the owner's e-mail included."""
    with rt.transaction() as db:
        tenant = create_tenant(db, new)
        invitation = (
            team.invite(rt, db, tenant.id, new.owner_email, "OWNER", by_role="OWNER") if new.owner_email else None
        )
        details = {"slug": tenant.slug, "plan": tenant.plan, "owner_invited": invitation is not None}
        record_for_tenant(db, "tenant.created", tenant.id, details, actor)
        found = tenant_json(tenant, rt.settings.public_url)
    # New origins must reach the CORS preflight list at once.
    forget(rt, tenant)
    if invitation is not None:
        found["owner_invitation"] = invitation
        team.notify(rt, invitation, found["id"])
    return found


def load_tenant(db: Session, tenant_id: str) -> Tenant:
    """Return the tenant ``tenant_id`` or raise 404."""
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("There is no store with that id.")
    return tenant


def list_stores(
    rt: Runtime, *, limit: int = 50, cursor: str | None = None, status: str | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Return a page of stores, oldest first (ids sort by creation), each with its usage."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Tenant).order_by(Tenant.id).limit(limit + 1)
    if cursor:
        query = query.where(Tenant.id > cursor)
    if status:
        query = query.where(Tenant.status == status)
    if plan:
        query = query.where(Tenant.plan == plan)
    with rt.transaction() as db:
        rows = list(db.scalars(query))
        page = rows[:limit]
        usage = usage_by_tenant(db, [t.id for t in page])
        items = [tenant_json(t, rt.settings.public_url, usage[t.id]) for t in page]
    return {"items": items, "next_cursor": page[-1].id if len(rows) > limit else None}


def get_store(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return one store with its usage, or raise 404."""
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        return tenant_json(tenant, rt.settings.public_url, usage_by_tenant(db, [tenant.id])[tenant.id])


def update_store(rt: Runtime, tenant_id: str, changes: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    """Change the given fields (name, plan, AI cap, origins, status, rate-limit overrides); audit
    which ones changed. Raise Invalid listing every problem, or 404."""
    problems = change_problems(changes)
    if problems:
        raise Invalid(problems)
    with rt.transaction() as db:
        tenant = load_tenant(db, tenant_id)
        changed = []
        for name in EDITABLE:
            if name in changes and getattr(tenant, name) != _cleaned(name, changes[name]):
                setattr(tenant, name, _cleaned(name, changes[name]))
                changed.append(name)
        details = {"fields": changed}
        record_for_tenant(db, "tenant.updated", tenant.id, details, actor)
        found = tenant_json(tenant, rt.settings.public_url, usage_by_tenant(db, [tenant.id])[tenant.id])
        info = TenantInfo.of(tenant)
    forget(rt, info)
    return found


def _cleaned(name: str, value: Any) -> Any:
    # Copies, so the row never shares a list or dict with the caller.
    cleaners = {"name": str.strip, "allowed_origins": list, "limits": dict}
    return cleaners[name](value) if name in cleaners else value


def change_problems(changes: dict[str, Any]) -> list[dict[str, str]]:
    """Return every problem of a PATCH's values (types are the API model's to check)."""
    problems = [{"path": key, "message": "cannot be changed here"} for key in changes if key not in EDITABLE]
    problems += [
        {"path": key, "message": "must not be null"}
        for key in EDITABLE
        if key in changes and changes[key] is None and key != "ai_monthly_cap_eur"
    ]
    if isinstance(changes.get("name"), str) and not changes["name"].strip():
        problems.append({"path": "name", "message": "must not be empty"})
    if changes.get("plan") not in (None, *PLANS):
        problems.append({"path": "plan", "message": f"must be one of {', '.join(PLANS)}"})
    if changes.get("status") not in (None, *TENANT_STATUSES):
        problems.append({"path": "status", "message": f"must be one of {', '.join(TENANT_STATUSES)}"})
    cap = changes.get("ai_monthly_cap_eur")
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
        problems.append({"path": "ai_monthly_cap_eur", "message": "must be a whole number of euros, 0 or more"})
    for i, origin in enumerate(changes.get("allowed_origins") or []):
        if problem := origin_problem(origin):
            problems.append({"path": f"allowed_origins[{i}]", "message": problem})
    if isinstance(changes.get("limits"), dict):
        problems.extend(override_problems(changes["limits"]))
    return problems
