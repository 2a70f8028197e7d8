"""Finding a data subject (a lead) and everything that belongs to them, inside one tenant."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from appliance.errors import NotFound
from appliance.infra.db import Appointment, ChatSession, Consent, File, Lead


@dataclass(frozen=True)
class Subject:
    """A lead and the conversation it came from (if it still exists)."""

    lead: Lead
    chat: ChatSession | None


def find_subject(db: Session, tenant_id: str, lead_id: str, *, lock: bool = False) -> Subject:
    """Return the lead ``lead_id`` of ``tenant_id`` and its conversation, or 404 (also for other stores' leads).

    With ``lock``, the conversation row is locked first, so a chat turn running meanwhile finishes
    before (and one arriving later starts after) the caller's changes.
    """
    lead = db.scalar(select(Lead).where(Lead.id == lead_id, Lead.tenant_id == tenant_id))
    if lead is None:
        raise NotFound("There is no such lead.")
    chat = None
    if lead.session_id:
        query = select(ChatSession).where(ChatSession.id == lead.session_id, ChatSession.tenant_id == tenant_id)
        chat = db.scalar(query.with_for_update() if lock else query)
    if lock:
        db.refresh(lead, with_for_update=True)
    return Subject(lead, chat)


def subject_files(db: Session, subject: Subject) -> list[File]:
    """Return the files of the person: attached in their conversation or filed under their lead."""
    mine = [File.lead_id == subject.lead.id]
    if subject.chat is not None:
        mine.append(File.session_id == subject.chat.id)
    query = select(File).where(File.tenant_id == subject.lead.tenant_id, or_(*mine)).order_by(File.created_at)
    return list(db.scalars(query))


def subject_appointments(db: Session, subject: Subject) -> list[Appointment]:
    """Return the person's appointments, earliest first."""
    query = select(Appointment).where(
        Appointment.tenant_id == subject.lead.tenant_id, Appointment.lead_id == subject.lead.id
    )
    return list(db.scalars(query.order_by(Appointment.start_at)))


def subject_consents(db: Session, subject: Subject) -> list[Consent]:
    """Return the person's consent records, oldest first."""
    mine = [Consent.lead_id == subject.lead.id]
    if subject.chat is not None:
        mine.append(Consent.session_id == subject.chat.id)
    query = select(Consent).where(Consent.tenant_id == subject.lead.tenant_id, or_(*mine))
    return list(db.scalars(query.order_by(Consent.created_at)))
