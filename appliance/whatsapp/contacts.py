"""The people who write on WhatsApp: their conversation, their lead, and their 24-hour window.

A person is found by a keyed hash of their WhatsApp id, so the number itself is stored only
encrypted. Their first message (and any after a conversation ended) opens a WhatsApp conversation
on the store's published flow. One person, one lead: when the store already has a lead with this
phone number (from the web), or this person's earlier WhatsApp lead, the new conversation carries
that lead on, with what it already knows, instead of starting another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from appliance.core.flows.engine import new_state
from appliance.errors import Unavailable
from appliance.flows.versions import published_flow
from appliance.infra.db import ChatSession, Lead, WhatsAppContact, WhatsAppOutbox, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import TenantInfo

WINDOW = timedelta(hours=24)
ORIGIN = "whatsapp"


@dataclass(frozen=True)
class Arrival:
    """Who wrote and where their conversation stands."""

    contact_id: str
    session_id: str
    started: bool
    waiting: dict[str, Any]
    language: str


def user_hash(rt: Runtime, user_key: str) -> str:
    """Return the keyed hash a WhatsApp user is found by."""
    return rt.keyring.lookup_hash(f"whatsapp:{user_key}")


def arrive(rt: Runtime, info: TenantInfo, user_key: str, at: datetime) -> Arrival:
    """Find or make the person and their live conversation; their message at ``at`` opens the window."""
    with rt.transaction() as db:
        wanted = user_hash(rt, user_key)
        contact = db.scalar(
            select(WhatsAppContact)
            .where(WhatsAppContact.tenant_id == info.id, WhatsAppContact.user_hash == wanted)
            .with_for_update()
        )
        if contact is None:
            contact = WhatsAppContact(tenant_id=info.id, user_hash=wanted, wa_id=user_key, waiting={})
            db.add(contact)
        if contact.last_inbound_at is None or at > contact.last_inbound_at:
            contact.last_inbound_at = at
        chat = _live_session(db, info, contact.session_id)
        if chat is None:
            chat = _open_session(rt, db, info, _known_lead(rt, db, info.id, contact.lead_id, user_key))
            contact.session_id = chat.id
            contact.waiting = {}
        db.flush()
        return Arrival(contact.id, chat.id, bool(chat.state.get("started")), dict(contact.waiting or {}), chat.language)


def remember_turn(rt: Runtime, tenant_id: str, contact_id: str, waiting: dict[str, Any], lead_id: str | None) -> None:
    """Keep what the conversation now waits for, and the person's lead."""
    values: dict[str, Any] = {"waiting": waiting, "updated_at": utcnow()}
    if lead_id:
        values["lead_id"] = lead_id
    with rt.transaction() as db:
        db.execute(
            update(WhatsAppContact)
            .where(WhatsAppContact.id == contact_id, WhatsAppContact.tenant_id == tenant_id)
            .values(**values)
        )


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Tell whether free-form messages may be sent: the person wrote within the last 24 hours."""
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def _live_session(db: Session, info: TenantInfo, session_id: str | None) -> ChatSession | None:
    if session_id is None:
        return None
    chat = db.get(ChatSession, session_id)
    if chat is None or chat.tenant_id != info.id or chat.status != "active" or chat.expires_at <= utcnow():
        return None
    return chat


def _known_lead(rt: Runtime, db: Session, tenant_id: str, lead_id: str | None, user_key: str) -> Lead | None:
    """Return this person's lead: their earlier WhatsApp one, else one with their phone number."""
    alive = (Lead.tenant_id == tenant_id, Lead.erased_at.is_(None))
    if lead_id:
        found = db.scalar(select(Lead).where(Lead.id == lead_id, *alive))
        if found is not None:
            return found
    if not user_key.isdigit():
        return None  # a business-scoped id without a number: nothing to match on
    phone_hash = rt.keyring.lookup_hash(f"+{user_key}")
    return db.scalar(select(Lead).where(Lead.phone_hash == phone_hash, *alive).order_by(Lead.updated_at.desc()))


def _open_session(rt: Runtime, db: Session, info: TenantInfo, lead: Lead | None) -> ChatSession:
    flow = published_flow(db, info.id)
    if flow is None:
        raise Unavailable("This chat is not available right now.", code="no_published_flow")
    language = lead.language if lead is not None and lead.language in info.languages else info.default_language
    # The first free text may still set the language (as on the web) unless a known lead told it.
    state = new_state(language) | {"language_source": "default" if lead is None else "visitor", "seq": 0}
    del state["vars"]
    variables: dict[str, Any] = {}
    if lead is not None:
        variables = {**(lead.fields or {}), **(lead.contact or {})}
        state["lead"] = {"id": lead.id, "score": lead.score, "temperature": lead.temperature}
    chat = ChatSession(
        tenant_id=info.id,
        channel="whatsapp",
        language=language,
        flow_id=flow.id,
        flow_version=flow.version,
        state=state,
        variables=variables,
        origin=ORIGIN,
        expires_at=utcnow() + timedelta(days=rt.settings.session_idle_days),
    )
    db.add(chat)
    db.flush()
    return chat


def erase_contacts(db: Session, tenant_id: str, lead_id: str) -> int:
    """Delete the WhatsApp person behind a lead (their number) and every message queued to them,
    in the caller's transaction (a GDPR erasure); return how many people were deleted."""
    ids = list(
        db.scalars(
            select(WhatsAppContact.id).where(WhatsAppContact.tenant_id == tenant_id, WhatsAppContact.lead_id == lead_id)
        )
    )
    if not ids:
        return 0
    db.execute(delete(WhatsAppOutbox).where(WhatsAppOutbox.tenant_id == tenant_id, WhatsAppOutbox.contact_id.in_(ids)))
    db.execute(delete(WhatsAppContact).where(WhatsAppContact.tenant_id == tenant_id, WhatsAppContact.id.in_(ids)))
    return len(ids)
