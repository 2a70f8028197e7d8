"""Access and portability (GDPR arts. 15 and 20): everything about one person, as one JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from appliance.errors import NotFound
from appliance.infra.audit import Actor, record
from appliance.infra.db import AnalyticsEvent, Appointment, ChatSession, Consent, File, Lead, Message, utcnow
from appliance.infra.runtime import Runtime
from appliance.privacy.subjects import Subject, find_subject, subject_appointments, subject_consents, subject_files

FORMAT = "ebanista.subject-export/1"
# Where the export tells the reader each file can be downloaded (the files are not inlined).
FILE_URL = "/v1/privacy/subjects/{lead_id}/files/{file_id}"


def export_subject(rt: Runtime, tenant_id: str, lead_id: str, actor: Actor | None = None) -> dict[str, Any]:
    """Return everything stored about the person behind ``lead_id`` (404 for another store's lead).

    The export is audited (who asked, for which lead; never what it contained).
    """
    with rt.transaction() as db:
        subject = find_subject(db, tenant_id, lead_id)
        document = {
            "format": FORMAT,
            "exported_at": _iso(utcnow()),
            "lead": _lead(subject.lead),
            "conversation": _conversation(db, subject.chat),
            "consents": [_consent(c) for c in subject_consents(db, subject)],
            "appointments": [_appointment(a) for a in subject_appointments(db, subject)],
            "files": [_file(f, lead_id) for f in subject_files(db, subject)],
            "events": _events(db, subject),
        }
        record(db, "privacy.exported", tenant_id=tenant_id, target_type="lead", target_id=lead_id, actor=actor)
    return document


def subject_file(
    rt: Runtime, tenant_id: str, lead_id: str, file_id: str, actor: Actor | None = None
) -> tuple[bytes, str, str | None]:
    """Return the decrypted bytes, content type and original name of one of the person's files."""
    with rt.transaction() as db:
        subject = find_subject(db, tenant_id, lead_id)
        found = next((f for f in subject_files(db, subject) if f.id == file_id), None)
        if found is None:
            raise NotFound("There is no such file for this person.")
        record(db, "privacy.file_exported", tenant_id=tenant_id, target_type="file", target_id=file_id, actor=actor)
        key, content_type, name = found.storage_key, found.content_type, found.original_name
    return rt.keyring.decrypt_bytes(rt.storage.get(key)), content_type, name


def _lead(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "status": lead.status,
        "score": lead.score,
        "temperature": lead.temperature,
        "score_breakdown": lead.score_breakdown,
        "fields": lead.fields,
        "contact": lead.contact,
        "notes": lead.notes,
        "language": lead.language,
        "channel": lead.channel,
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
        "erased_at": _iso(lead.erased_at),
    }


def _conversation(db: Session, chat: ChatSession | None) -> dict[str, Any] | None:
    if chat is None:
        return None
    rows = db.scalars(select(Message).where(Message.tenant_id == chat.tenant_id, Message.session_id == chat.id))
    return {
        "id": chat.id,
        "channel": chat.channel,
        "language": chat.language,
        "status": chat.status,
        "started_at": _iso(chat.created_at),
        "last_activity_at": _iso(chat.last_activity_at),
        "answers": chat.variables,
        "messages": [_message(m) for m in sorted(rows, key=lambda m: m.seq)],
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "role": message.role,
        "text": message.text,
        "data": message.data,
        "block_id": message.block_id,
        "created_at": _iso(message.created_at),
    }


def _consent(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.id,
        "purpose": consent.purpose,
        "granted": consent.granted,
        "text_version": consent.text_version,
        "text_hash": consent.text_hash,
        "language": consent.language,
        "channel": consent.channel,
        "evidence": consent.evidence,
        "created_at": _iso(consent.created_at),
        "withdrawn_at": _iso(consent.withdrawn_at),
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.id,
        "service": appointment.service,
        "start": _iso(appointment.start_at),
        "end": _iso(appointment.end_at),
        "status": appointment.status,
        "contact": appointment.contact,
        "notes": appointment.notes,
        "postal_code": appointment.postal_code,
        "created_at": _iso(appointment.created_at),
    }


def _file(file: File, lead_id: str) -> dict[str, Any]:
    return {
        "id": file.id,
        "kind": file.kind,
        "name": file.original_name,
        "content_type": file.content_type,
        "size": file.size,
        "sha256": file.sha256,
        "created_at": _iso(file.created_at),
        "download": FILE_URL.format(lead_id=lead_id, file_id=file.id),
    }


def _events(db: Session, subject: Subject) -> list[dict[str, Any]]:
    mine = [AnalyticsEvent.lead_id == subject.lead.id]
    if subject.chat is not None:
        mine.append(AnalyticsEvent.session_id == subject.chat.id)
    query = select(AnalyticsEvent).where(AnalyticsEvent.tenant_id == subject.lead.tenant_id, or_(*mine))
    rows = db.scalars(query.order_by(AnalyticsEvent.created_at, AnalyticsEvent.id))
    return [{"name": e.name, "block_id": e.block_id, "data": e.data, "created_at": _iso(e.created_at)} for e in rows]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
