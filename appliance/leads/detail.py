"""One lead for staff: read it, change its status, notes or assignee, read its conversation, and
everything its page shows. The functions that take the runtime open and commit their own transaction."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.agenda.booking import appointment_json
from appliance.agenda.catalogue import service_names_with
from appliance.ai.follow_up import rendered
from appliance.conversations.attachments import DEFAULT_NAMES
from appliance.core.kinds import LEAD_STATUSES
from appliance.core.scoring import ScoringConfig
from appliance.errors import Conflict, Invalid, NotFound
from appliance.events.record import LEAD_BRIEF_KEYS, LEAD_UPDATED, emit, lead_brief
from appliance.infra.audit import record
from appliance.infra.db import Appointment, ChatSession, File, Lead, Membership, Message, WhatsAppContact
from appliance.infra.runtime import Runtime
from appliance.leads.contact import correct_contact
from appliance.leads.query import store_of
from appliance.leads.views import lead_json, local_iso
from appliance.tenants.directory import tenant_config
from appliance.tenants.team import members

CHANGEABLE = ("status", "notes", "assignee_id")
NOTES_MAX = 5000
# A conversation is short by design; the bound keeps a runaway one from filling a page or a PDF.
TRANSCRIPT_MAX = 1000


def get_lead(db: Session, tenant_id: str, lead_id: str) -> Lead:
    """Return the store's lead ``lead_id``; another store's is 404, like one that never existed."""
    lead = db.scalar(select(Lead).where(Lead.id == lead_id, Lead.tenant_id == tenant_id))
    if lead is None:
        raise NotFound("This lead does not exist.")
    return lead


def lead_detail(db: Session, tenant_id: str, lead_id: str) -> dict[str, Any]:
    """Return one lead as the API shows it, its times in the store's zone."""
    zone = ZoneInfo(store_of(db, tenant_id).timezone)
    lead = get_lead(db, tenant_id, lead_id)
    return lead_json(lead, zone) | drafts(lead)


def drafts(lead: Lead) -> dict[str, Any]:
    """Return what was written for the lead: the preliminary proposal the visitor read and the
    follow-up staff may send (with the person's name in it), each saying whether a model wrote it."""
    if lead.erased_at is not None:
        return {"proposal": None, "follow_up": None}
    return {"proposal": lead.proposal, "follow_up": rendered(lead.follow_up, (lead.contact or {}).get("name"))}


def update_lead(db: Session, tenant_id: str, lead_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply staff's changes (``status``, ``notes``, ``assignee_id``; None unassigns or clears notes),
    record them in the audit trail without their text, and return the lead."""
    _check(db, tenant_id, changes)
    lead = get_lead(db, tenant_id, lead_id)
    if "notes" in changes and lead.erased_at is not None and changes["notes"]:
        raise Conflict("This person's data was erased; notes about them cannot be added.", code="lead_erased")
    changed = sorted(k for k, v in changes.items() if getattr(lead, k) != v)
    for key in changed:
        setattr(lead, key, changes[key])
    if changed:
        db.flush()
        details: dict[str, Any] = {"changed": changed}
        details |= {k: changes[k] for k in ("status", "assignee_id") if k in changed}
        record(db, "lead.updated", tenant_id=tenant_id, target_type="lead", target_id=lead.id, details=details)
        brief = lead_brief({key: getattr(lead, key) for key in LEAD_BRIEF_KEYS})
        data = {"lead": brief, "changed": changed, "previous_temperature": lead.temperature}
        emit(db, tenant_id, LEAD_UPDATED, lead.id, data)
    return lead_json(lead, ZoneInfo(store_of(db, tenant_id).timezone))


def _check(db: Session, tenant_id: str, changes: dict[str, Any]) -> None:
    """Raise Invalid listing every problem of ``changes``."""
    problems = [{"path": k, "message": "cannot be changed here"} for k in changes if k not in CHANGEABLE]
    if not changes:
        problems.append({"path": "body", "message": "give status, notes, assignee_id or contact"})
    if "status" in changes and changes["status"] not in LEAD_STATUSES:
        problems.append({"path": "status", "message": f"must be one of {', '.join(LEAD_STATUSES)}"})
    notes = changes.get("notes")
    if notes is not None and (not isinstance(notes, str) or len(notes) > NOTES_MAX):
        problems.append({"path": "notes", "message": f"must be a text of at most {NOTES_MAX} characters"})
    assignee = changes.get("assignee_id")
    if assignee is not None and not _is_member(db, tenant_id, assignee):
        problems.append({"path": "assignee_id", "message": "is not a member of this store's team"})
    if problems:
        raise Invalid(problems, "The lead was not changed.")


def _is_member(db: Session, tenant_id: str, user_id: Any) -> bool:
    if not isinstance(user_id, str):
        return False
    found = db.scalar(select(Membership.id).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id))
    return found is not None


def lead_transcript(db: Session, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    """Return the conversations that made the lead, in order, each message with its channel and the
    files the visitor sent: the one that produced it and, when the person went on on WhatsApp,
    that conversation too (one person, one lead: docs/whatsapp.md).

    An erased person's conversation is gone: the answer is empty.
    """
    lead = get_lead(db, tenant_id, lead_id)
    if lead.session_id is None or lead.erased_at is not None:
        return []
    zone = ZoneInfo(store_of(db, tenant_id).timezone)
    channels = lead_sessions(db, tenant_id, lead)
    rows = db.scalars(
        select(Message)
        .where(Message.tenant_id == tenant_id, Message.session_id.in_(channels))
        .order_by(Message.created_at, Message.seq)
        .limit(TRANSCRIPT_MAX)
    ).all()
    files = {
        f.id: staff_file(f, lead.id)
        for f in db.scalars(select(File).where(File.tenant_id == tenant_id, File.session_id.in_(channels)))
    }
    return [_message(row, files, zone) | {"channel": channels[row.session_id]} for row in rows]


def lead_sessions(db: Session, tenant_id: str, lead: Lead) -> dict[str, str]:
    """Return the lead's conversations and the channel of each: its own, and its WhatsApp one."""
    continued = db.scalars(
        select(WhatsAppContact.session_id).where(
            WhatsAppContact.tenant_id == tenant_id, WhatsAppContact.lead_id == lead.id
        )
    ).all()
    # A list of ids, not "= its own OR IN (subquery)": the OR kept PostgreSQL off the primary key, and
    # it read every session of the store (EXPLAIN in bench/platform_scale.py).
    wanted = [session_id for session_id in (lead.session_id, *continued) if session_id]
    if not wanted:
        return {}
    found = db.execute(
        select(ChatSession.id, ChatSession.channel).where(
            ChatSession.tenant_id == tenant_id, ChatSession.id.in_(wanted)
        )
    ).all()
    return {row.id: row.channel for row in found}


def _message(row: Message, files: dict[str, dict[str, Any]], zone: ZoneInfo) -> dict[str, Any]:
    value = row.data.get("value") if isinstance(row.data, dict) else None
    ids = value if isinstance(value, list) else [value]
    # Older versions kept a media answer's file id as its text: the file is shown instead.
    return {
        "id": row.id,
        "role": row.role,
        "text": None if row.text in files else row.text,
        "block_id": row.block_id,
        # "model" where the store's model wrote a bot message (a reworded welcome or closing).
        "source": "model" if isinstance(row.data, dict) and row.data.get("source") == "model" else None,
        "created_at": local_iso(row.created_at, zone),
        "attachments": [files[i] for i in ids if isinstance(i, str) and i in files],
    }


def staff_file(file: File, lead_id: str) -> dict[str, Any]:
    """Return one of the lead's files as staff see it: its name and where to fetch it and its thumbnail."""
    url = f"/v1/leads/{lead_id}/files/{file.id}"
    image = file.content_type.startswith("image/")
    return {
        "id": file.id,
        "name": file.original_name or DEFAULT_NAMES.get(file.content_type, "file"),
        "content_type": file.content_type,
        "size": file.size,
        "created_at": file.created_at.isoformat(),
        "url": url,
        "thumbnail_url": f"{url}?size=thumb" if image else None,
    }


def lead_appointments(db: Session, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    """Return the appointments booked for the lead, earliest first, in the store's zone."""
    get_lead(db, tenant_id, lead_id)
    zone = ZoneInfo(store_of(db, tenant_id).timezone)
    rows = db.scalars(
        select(Appointment)
        .where(Appointment.tenant_id == tenant_id, Appointment.lead_id == lead_id)
        .order_by(Appointment.start_at)
    )
    return [appointment_json(row, zone) for row in rows]


# --- each in its own transaction, for the interfaces ----------------------------------------------------------


def read_lead(rt: Runtime, tenant_id: str, lead_id: str) -> dict[str, Any]:
    """Return one of the store's leads as the API shows it (see lead_detail); another store's is 404."""
    with rt.transaction() as db:
        return lead_detail(db, tenant_id, lead_id)


def edit_lead(rt: Runtime, tenant_id: str, lead_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply staff's changes to a lead, audited, and return it (see update_lead; a ``contact``
    corrects the contact, see appliance.leads.contact)."""
    changes = dict(changes)
    contact = changes.pop("contact", None)
    with rt.transaction() as db:
        if contact is not None:
            correct_contact(rt, db, get_lead(db, tenant_id, lead_id), contact)
            if not changes:
                return lead_detail(db, tenant_id, lead_id)
        return update_lead(db, tenant_id, lead_id, changes)


def read_transcript(rt: Runtime, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    """Return the conversation that produced the lead, in order (see lead_transcript)."""
    with rt.transaction() as db:
        return lead_transcript(db, tenant_id, lead_id)


def lead_record(rt: Runtime, tenant_id: str, lead_id: str, lang: str) -> dict[str, Any]:
    """Return everything the lead's page shows: the lead, its conversation, appointments, the team it
    may be assigned to, the store's services named in ``lang`` and the weights its score used."""
    with rt.transaction() as db:
        return {
            "lead": lead_detail(db, tenant_id, lead_id),
            "transcript": lead_transcript(db, tenant_id, lead_id),
            "appointments": lead_appointments(db, tenant_id, lead_id),
            "services": service_names_with(rt, db, tenant_id, lang),
            "weights": ScoringConfig.model_validate(tenant_config(rt, db, tenant_id, "scoring")).weights,
            "team": members(db, tenant_id),
        }
