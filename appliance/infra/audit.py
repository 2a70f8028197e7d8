"""The audit trail: every staff and operator change, with who, which store, what, when and from where.

Call ``record`` inside the transaction that makes the change, so the entry and the change land
(or vanish) together. The actor comes from the request: an api token, a panel login, an
impersonating operator, or the command line when there is no request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from appliance.core.ids import new_id
from appliance.infra.db import Audit, utcnow


@dataclass(frozen=True)
class Actor:
    """Who made a change; ``label`` is a human-readable name kept even after the user is deleted."""

    user_id: str | None = None
    token_id: str | None = None
    label: str = ""
    impersonated: bool = False


COMMAND_LINE = Actor(label="command line")


def current_actor() -> Actor:
    """Return the actor of the current request (set by the auth layer as ``g.actor``)."""
    if has_request_context():
        actor = g.get("actor")
        if actor is not None:
            return actor
        return Actor(label="anonymous")
    return COMMAND_LINE


def client_ip() -> str | None:
    """Return the caller's address (after ProxyFix, when a trusted proxy is configured)."""
    return request.remote_addr if has_request_context() else None


def record(
    db: Session | Connection,
    action: str,
    *,
    tenant_id: str | None,
    target_type: str | None = None,
    target_id: str | None = None,
    details: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> str:
    """Add one audit entry to ``db``'s transaction (ORM session or Core connection) and return its id.
    ``details`` must not hold personal data."""
    who = actor or current_actor()
    entry_id = new_id(Audit.id_prefix)
    values = {
        "id": entry_id,
        "tenant_id": tenant_id,
        "actor_user_id": who.user_id,
        "actor_token_id": who.token_id,
        "actor_label": who.label[:255],
        "impersonated": who.impersonated,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "details": details or {},
        "ip": client_ip(),
        "created_at": utcnow(),
    }
    db.execute(insert(Audit.__table__).values(**values))
    return entry_id


def record_for_tenant(
    db: Session | Connection,
    action: str,
    tenant_id: str,
    details: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> str:
    """Record a change made to a store itself (the operator's actions on tenants)."""
    return record(
        db, action, tenant_id=tenant_id, target_type="tenant", target_id=tenant_id, details=details, actor=actor
    )


def record_impersonated_request(
    db: Session | Connection, tenant_id: str, impersonation_id: str, method: str, path: str
) -> str:
    """Record one request an operator made while acting as a store (API and panel alike), reads included."""
    details = {"method": method, "path": path}
    return record(
        db,
        "impersonation.request",
        tenant_id=tenant_id,
        target_type="impersonation",
        target_id=impersonation_id,
        details=details,
    )
