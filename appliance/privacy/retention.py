"""Retention (GDPR art. 5(1)(e)): personal data is kept only as long as each store's policy says.

By default conversations go after 90 days without activity, leads and appointments after two
years, photos and plans of a conversation that made no lead after 30 days and a lead's after 180
days (from their upload); a store changes that with its `retention` configuration. On S3 a bucket
lifecycle rule (`ebanista storage setup`) expires uploads too, as a backstop for this task.
A daily task walks every tenant in batches, each batch in its own short transaction, so a large
store never holds a long lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import Connection, delete, func, select, update

from appliance.configs.newest import latest_config
from appliance.configs.schemas import RetentionConfig
from appliance.conversations import positions
from appliance.infra.db import (
    Appointment,
    ChatSession,
    File,
    IdempotencyKey,
    Lead,
    Message,
    Tenant,
    WhatsAppContact,
    utcnow,
)
from appliance.infra.runtime import Runtime
from appliance.infra.storage import object_keys
from appliance.jobs.registry import task

log = structlog.get_logger(__name__)

TENANT_BATCH = 100
ROW_BATCH = 500
COUNTED = ("tenants", "tenants_failed", "conversations", "messages", "files", "leads", "appointments")


@task
def apply_retention(rt: Runtime, now: datetime | None = None) -> dict[str, int]:
    """Delete what every tenant's retention policy says is too old at ``now``; return the counts."""
    now = now or utcnow()
    counts: Counter[str] = Counter()
    for tenant_ids in tenant_batches(rt):
        for tenant_id in tenant_ids:
            try:
                counts.update(_apply_to_tenant(rt, tenant_id, now))
            except Exception:
                # One store's failure must not keep every store after it from being cleaned; what
                # was already deleted stays deleted, and tomorrow's run tries this store again.
                log.exception("retention_failed", tenant_id=tenant_id)
                counts["tenants_failed"] += 1
            counts["tenants"] += 1
    result = {name: counts[name] for name in COUNTED}
    log.info("retention_applied", **result)
    return result


def policy(conn: Connection, tenant_id: str) -> RetentionConfig:
    """Return a tenant's retention policy (the defaults where it has none, or an unreadable one)."""
    payload = latest_config(conn, tenant_id, "retention") or {}
    try:
        return RetentionConfig.model_validate(payload)
    except ValidationError:
        known = {k: v for k, v in payload.items() if k in RetentionConfig.model_fields}
        try:
            return RetentionConfig.model_validate(known)
        except ValidationError:
            return RetentionConfig()


def tenant_batches(rt: Runtime) -> Iterator[list[str]]:
    after = ""
    while True:
        with rt.transaction() as db:
            conn = db.connection()
            ids = list(conn.scalars(select(Tenant.id).where(Tenant.id > after).order_by(Tenant.id).limit(TENANT_BATCH)))
        if not ids:
            return
        yield ids
        after = ids[-1]


def _apply_to_tenant(rt: Runtime, tenant_id: str, now: datetime) -> Counter[str]:
    with rt.transaction() as db:
        rules = policy(db.connection(), tenant_id)
    counts: Counter[str] = Counter()
    conversations_before = now - timedelta(days=rules.conversations_days)
    stale = (ChatSession.tenant_id == tenant_id, ChatSession.last_activity_at < conversations_before)
    counts += _in_batches(
        rt, select(ChatSession.id).where(*stale), lambda c, ids: _delete_conversations(rt, c, tenant_id, ids)
    )
    leads_before = now - timedelta(days=rules.leads_days)
    old_leads = select(Lead.id).where(Lead.tenant_id == tenant_id, Lead.updated_at < leads_before)
    counts += _in_batches(rt, old_leads, lambda c, ids: _delete_leads(rt, c, tenant_id, ids))
    appointments_before = now - timedelta(days=rules.appointments_days)
    old_appointments = select(Appointment.id).where(
        Appointment.tenant_id == tenant_id, Appointment.end_at < appointments_before
    )
    counts += _in_batches(rt, old_appointments, lambda c, ids: _delete_appointments(c, tenant_id, ids))
    counts += _expire_files(rt, tenant_id, rules, now)
    return counts


def _expire_files(rt: Runtime, tenant_id: str, rules: RetentionConfig, now: datetime) -> Counter[str]:
    """Delete photos and plans past their time: a lead's after ``lead_files_days``, others' sooner."""
    linked = _of_a_lead(tenant_id)
    attachments = (File.tenant_id == tenant_id, File.kind == "attachment")
    unlinked_before = now - timedelta(days=rules.attachments_days)
    unlinked = select(File.id).where(*attachments, File.created_at < unlinked_before, ~linked)
    lead_before = now - timedelta(days=rules.lead_files_days)
    of_leads = select(File.id).where(*attachments, File.created_at < lead_before, linked)
    counts = _in_batches(rt, unlinked, lambda c, ids: _delete_files(c, tenant_id, ids))
    return counts + _in_batches(rt, of_leads, lambda c, ids: _delete_files(c, tenant_id, ids))


def _of_a_lead(tenant_id: str) -> Any:
    """Return the condition "this file belongs to a lead": set on it, or sent in a lead's conversation
    (the web one that produced it, or its WhatsApp continuation)."""
    produced = select(Lead.id).where(Lead.tenant_id == tenant_id, Lead.session_id == File.session_id)
    continued = select(WhatsAppContact.id).where(
        WhatsAppContact.tenant_id == tenant_id,
        WhatsAppContact.session_id == File.session_id,
        WhatsAppContact.lead_id.is_not(None),
    )
    return File.lead_id.is_not(None) | produced.exists() | continued.exists()


def _delete_files(conn: Connection, tenant_id: str, file_ids: list[str]) -> tuple[Counter[str], list[str]]:
    chosen = (File.tenant_id == tenant_id, File.id.in_(file_ids))
    keys = list(conn.scalars(select(File.storage_key).where(*chosen)))
    conn.execute(delete(File).where(*chosen))
    return Counter(files=len(keys)), keys


def _in_batches(rt: Runtime, query: Any, work: Any) -> Counter[str]:
    """Run ``work(conn, ids)`` on the ids ``query`` selects, a batch per transaction, until none is left.

    Deleted rows no longer match, so each batch simply takes the first ones again.
    """
    counts: Counter[str] = Counter()
    while True:
        files: list[str] = []
        with rt.transaction() as db:
            conn = db.connection()
            ids = list(conn.scalars(query.limit(ROW_BATCH)))
            if not ids:
                return counts
            batch_counts, files = work(conn, ids)
            counts += batch_counts
        # Bytes go only once their rows are gone for good; a failed batch leaves both in place.
        for key in files:
            for stored in object_keys(key):  # the file and its thumbnail
                rt.storage.delete(stored)


def _delete_conversations(
    rt: Runtime, conn: Connection, tenant_id: str, session_ids: list[str]
) -> tuple[Counter[str], list[str]]:
    """Delete conversations with their messages, files and stored answers; leads keep their fields,
    and their files until ``lead_files_days`` (the files are tied to the lead itself first)."""
    _tie_files_to_leads(conn, tenant_id, session_ids)
    its_files = (File.tenant_id == tenant_id, File.session_id.in_(session_ids), File.lead_id.is_(None))
    files = list(conn.scalars(select(File.storage_key).where(*its_files)))
    counts: Counter[str] = Counter(files=len(files))
    conn.execute(delete(File).where(*its_files))
    messages = delete(Message).where(Message.tenant_id == tenant_id, Message.session_id.in_(session_ids))
    counts["messages"] = conn.execute(messages).rowcount or 0
    scopes = [f"chat.send:{session_id}" for session_id in session_ids]
    conn.execute(delete(IdempotencyKey).where(IdempotencyKey.tenant_id == tenant_id, IdempotencyKey.scope.in_(scopes)))
    chats = delete(ChatSession).where(ChatSession.tenant_id == tenant_id, ChatSession.id.in_(session_ids))
    counts["conversations"] = conn.execute(chats).rowcount or 0
    for session_id in session_ids:
        positions.forget(rt, session_id)
    return counts, files


def _tie_files_to_leads(conn: Connection, tenant_id: str, session_ids: list[str]) -> None:
    """Set the lead on the files of these conversations that produced (or continued) one."""
    produced = (
        select(Lead.id)
        .where(Lead.tenant_id == tenant_id, Lead.session_id == File.session_id)
        .limit(1)
        .scalar_subquery()
    )
    continued = (
        select(WhatsAppContact.lead_id)
        .where(WhatsAppContact.tenant_id == tenant_id, WhatsAppContact.session_id == File.session_id)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(
        update(File)
        .where(File.tenant_id == tenant_id, File.session_id.in_(session_ids), File.lead_id.is_(None))
        .values(lead_id=func.coalesce(produced, continued))
    )


def _delete_leads(rt: Runtime, conn: Connection, tenant_id: str, lead_ids: list[str]) -> tuple[Counter[str], list[str]]:
    """Delete leads with their files and whatever is left of their conversations."""
    sessions = [
        s for s in conn.scalars(select(Lead.session_id).where(Lead.tenant_id == tenant_id, Lead.id.in_(lead_ids))) if s
    ]
    files = list(conn.scalars(select(File.storage_key).where(File.tenant_id == tenant_id, File.lead_id.in_(lead_ids))))
    conn.execute(delete(File).where(File.tenant_id == tenant_id, File.lead_id.in_(lead_ids)))
    counts: Counter[str] = Counter(files=len(files))
    counts["leads"] = conn.execute(delete(Lead).where(Lead.tenant_id == tenant_id, Lead.id.in_(lead_ids))).rowcount or 0
    if sessions:
        more, session_files = _delete_conversations(rt, conn, tenant_id, sessions)
        counts += more
        files += session_files
    return counts, files


def _delete_appointments(
    conn: Connection, tenant_id: str, appointment_ids: list[str]
) -> tuple[Counter[str], list[str]]:
    old = delete(Appointment).where(Appointment.tenant_id == tenant_id, Appointment.id.in_(appointment_ids))
    deleted = conn.execute(old).rowcount or 0
    return Counter(appointments=deleted), []
