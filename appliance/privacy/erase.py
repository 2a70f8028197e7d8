"""Erasure (GDPR art. 17): a person's data goes everywhere it was, while anonymous aggregates stay.

Deleted: the conversation's messages, its answers, the lead's contact, notes and lookup hashes,
files (rows and bytes), the personal details of appointments, stored answers of retried requests
that repeat what the visitor typed, and cached copies. Kept: the lead's anonymous fields, score
and temperature (the dashboards keep counting it), the appointment rows (the agenda's capacity
stays right), consent records (proof of consent is a legal record) and analytics events.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from appliance.conversations import positions
from appliance.infra.audit import Actor, record
from appliance.infra.db import IdempotencyKey, Message, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.storage import object_keys
from appliance.privacy.subjects import Subject, find_subject, subject_appointments, subject_consents, subject_files
from appliance.security.visitor import forget_session
from appliance.whatsapp.contacts import erase_contacts

# What an erased appointment is booked under: the slot stays taken, by nobody in particular.
NEUTRAL_NAME = "—"
# Lead fields that point at the person (where they live, what their home looks like); the rest are anonymous.
PERSONAL_FIELDS = ("postal_code", "photos")
# Session state that is derived from the person's answers (a hash of their contacts, their files).
PERSONAL_STATE = ("lead", "lead_sig", "attachments")


def erase_subject(rt: Runtime, tenant_id: str, lead_id: str, actor: Actor | None = None) -> dict[str, int]:
    """Erase the person behind ``lead_id`` in one transaction; return how much was erased or kept.

    Erasing twice is harmless: the second time finds nothing left to erase. Stored file bytes are
    removed only after the transaction commits, so a rollback never leaves rows without files.
    """
    with rt.transaction() as db:
        subject = find_subject(db, tenant_id, lead_id, lock=True)
        files = subject_files(db, subject)
        keys = [f.storage_key for f in files]
        counts = {
            "messages": _erase_conversation(db, subject),
            "files": len(files),
            "appointments": _erase_appointments(db, subject),
            "idempotency_keys": _erase_stored_answers(db, subject),
            "consents_kept": len(subject_consents(db, subject)),
            "whatsapp_contacts": erase_contacts(db, tenant_id, lead_id),
        }
        for file in files:
            db.delete(file)
        _erase_lead(subject)
        record(
            db,
            "privacy.erased",
            tenant_id=tenant_id,
            target_type="lead",
            target_id=lead_id,
            details=counts,
            actor=actor,
        )
    for key in keys:
        for stored in object_keys(key):  # the file and its thumbnail
            rt.storage.delete(stored)
    if subject.chat is not None:
        positions.forget(rt, subject.chat.id)
        forget_session(subject.chat.id)
    return counts


def _erase_conversation(db: Session, subject: Subject) -> int:
    chat = subject.chat
    if chat is None:
        return 0
    result = db.execute(delete(Message).where(Message.tenant_id == chat.tenant_id, Message.session_id == chat.id))
    chat.variables = {}
    chat.channel_user_hash = None
    # The engine sees a finished conversation (a turn on a still-open tab changes nothing) and a
    # page that comes back starts a new one; the row itself stays, so conversation counts stay.
    chat.state = {k: v for k, v in chat.state.items() if k not in PERSONAL_STATE} | {"status": "completed"}
    chat.expires_at = min(chat.expires_at, utcnow())
    return result.rowcount or 0


def _erase_appointments(db: Session, subject: Subject) -> int:
    appointments = subject_appointments(db, subject)
    for appointment in appointments:
        appointment.contact = {"name": NEUTRAL_NAME}
        appointment.notes = None
        appointment.postal_code = None
    return len(appointments)


def _erase_stored_answers(db: Session, subject: Subject) -> int:
    """Delete the replayable answers that concern the person (they may repeat what they typed).

    Answers are kept for 24 h and sealed, so they cannot be searched in SQL: the tenant's few are
    opened and those naming the person's conversation, lead or appointments are deleted.
    """
    ids = {subject.lead.id, *(a.id for a in subject_appointments(db, subject))}
    scopes = set()
    if subject.chat is not None:
        ids.add(subject.chat.id)
        scopes.add(f"chat.send:{subject.chat.id}")
    rows = db.execute(
        select(IdempotencyKey.id, IdempotencyKey.scope, IdempotencyKey.response).where(
            IdempotencyKey.tenant_id == subject.lead.tenant_id
        )
    )
    doomed = [row.id for row in rows if row.scope in scopes or _mentions(row.response, ids)]
    if doomed:
        db.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(doomed)))
    return len(doomed)


def _mentions(document: Any, ids: set[str]) -> bool:
    text = json.dumps(document, default=str)
    return any(i in text for i in ids)


def _erase_lead(subject: Subject) -> None:
    lead = subject.lead
    lead.contact = {}
    lead.email_hash = None
    lead.phone_hash = None
    lead.notes = None
    lead.fields = {k: v for k, v in lead.fields.items() if k not in PERSONAL_FIELDS}
    if lead.erased_at is None:
        lead.erased_at = utcnow()
