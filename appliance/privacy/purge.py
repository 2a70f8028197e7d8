"""Purging a tenant: every row and every file of a store, gone; only the audit trail outlives it.

The walk is over the models' metadata, children first, so a table added later with a tenant_id
column is purged too without anyone remembering to list it here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from appliance.conversations import positions
from appliance.core.kinds import CONFIG_KINDS
from appliance.errors import NotFound
from appliance.infra.audit import Actor, record
from appliance.infra.db import Audit, Base, ChatSession, File, Membership, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.storage import object_keys
from appliance.security.visitor import LIFETIME_SECONDS, forget_session
from appliance.tenants.directory import TenantInfo, forget, forget_config

# Audit entries are not the store's data but the platform's record of what was done to it.
KEPT_TABLES = frozenset({Audit.__tablename__})


def tenant_tables() -> list[Table]:
    """Return the tables whose rows belong to a tenant, in an order that deletes children first."""
    return [
        table
        for table in reversed(Base.metadata.sorted_tables)
        if "tenant_id" in table.c and table.name not in KEPT_TABLES
    ]


def purge_tenant(rt: Runtime, tenant_id: str, actor: Actor | None = None) -> dict[str, int]:
    """Delete the tenant ``tenant_id`` with all its rows, its staff who work nowhere else, and its files.

    Return the number of rows deleted per table (and ``files`` removed from storage). Audit
    entries stay, detached from the tenant; one more, ``tenant.purged``, names the slug.
    """
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("There is no such store.")
        info = TenantInfo.of(tenant)
        keys = list(db.scalars(select(File.storage_key).where(File.tenant_id == tenant_id)))
        sessions = _recent_sessions(db, tenant_id)
        only_here = _staff_of_only(db, tenant_id)
        counts = {table.name: _delete_rows(db, table, tenant_id) for table in tenant_tables()}
        counts["users"] = _delete_users(db, only_here)
        db.execute(update(Audit).where(Audit.tenant_id == tenant_id).values(tenant_id=None))
        db.execute(delete(Tenant).where(Tenant.id == tenant_id))
        counts["tenants"] = 1
        details: dict[str, Any] = {"slug": info.slug, "rows": sum(counts.values()), "files": len(keys)}
        record(
            db, "tenant.purged", tenant_id=None, target_type="tenant", target_id=tenant_id, details=details, actor=actor
        )
    counts["files"] = _remove_files(rt, tenant_id, keys)
    _forget_caches(rt, info, sessions)
    return counts


def _staff_of_only(db: Session, tenant_id: str) -> list[str]:
    """Return the users who work for this tenant alone and have no platform role."""
    members = select(Membership.user_id).where(Membership.tenant_id == tenant_id)
    elsewhere = select(Membership.user_id).where(Membership.tenant_id != tenant_id)
    query = select(User.id).where(User.id.in_(members), User.id.not_in(elsewhere), User.platform_role.is_(None))
    return list(db.scalars(query))


def _recent_sessions(db: Session, tenant_id: str) -> list[str]:
    """Return the conversations that may still be cached (positions and visitor tokens live an hour)."""
    since = utcnow() - timedelta(seconds=max(positions.TTL_SECONDS, LIFETIME_SECONDS))
    query = select(ChatSession.id).where(ChatSession.tenant_id == tenant_id, ChatSession.last_activity_at >= since)
    return list(db.scalars(query))


def _delete_users(db: Session, user_ids: list[str]) -> int:
    if not user_ids:
        return 0
    return db.execute(delete(User).where(User.id.in_(user_ids))).rowcount or 0


def _delete_rows(db: Session, table: Table, tenant_id: str) -> int:
    return db.execute(delete(table).where(table.c.tenant_id == tenant_id)).rowcount or 0


def _remove_files(rt: Runtime, tenant_id: str, keys: list[str]) -> int:
    for key in keys:
        for stored in object_keys(key):  # the file and its thumbnail
            rt.storage.delete(stored)
    # Whatever else is stored under the tenant (an upload whose row never committed) goes too.
    rt.storage.delete_prefix(f"{tenant_id}/")
    return len(keys)


def _forget_caches(rt: Runtime, info: TenantInfo, sessions: list[str]) -> None:
    forget(rt, info)
    for kind in CONFIG_KINDS:
        forget_config(rt, info.id, kind)
    for session_id in sessions:
        positions.forget(rt, session_id)
        forget_session(session_id)


def rows_of(db: Session, tenant_id: str) -> dict[str, int]:
    """Return how many rows each tenant table holds for ``tenant_id`` (what a purge would delete)."""
    return {
        table.name: db.scalar(select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)) or 0
        for table in tenant_tables()
    }
