"""Keeping a conversation's lead in step with what the visitor has told us."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.db import ChatSession, Lead
from appliance.scoring import ScoringConfig, score, temperature
from appliance.security.crypto import KeyRing
from appliance.tenants.service import latest_config

LEAD_FIELDS = (
    "project_type",
    "budget_min_eur",
    "budget_max_eur",
    "area_m2",
    "style",
    "urgency",
    "postal_code",
    "contact_method",
    "appointment",
    "photos",
)
CONTACT_FIELDS = ("name", "email", "phone", "address")


def lead_values(variables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a conversation's variables into the lead's fields and its contact details."""
    fields = {k: variables[k] for k in LEAD_FIELDS if variables.get(k) is not None}
    contact = {k: variables[k] for k in CONTACT_FIELDS if variables.get(k)}
    return fields, contact


def sync_lead(db: Session, keyring: KeyRing, chat: ChatSession) -> list[dict[str, Any]]:
    """Create or update the lead of ``chat`` and re-score it, when what it is made of changed.

    Most turns change nothing the lead holds; a signature of its inputs kept in the session state
    lets those turns skip the lead entirely. The lead's brief (id, score, temperature) is kept in
    the state too, for the turn answer. Return the analytics events of the change.
    """
    fields, contact = lead_values(chat.variables)
    signature = _signature(fields, contact, chat.language)
    if signature == chat.state.get("lead_sig") or not (fields or contact or chat.state.get("lead")):
        return []
    lead, events = _load_or_create(db, chat)
    changed = sorted(k for k in {*fields, *lead.fields} if fields.get(k) != lead.fields.get(k))
    _apply(db, keyring, lead, chat, fields, contact)
    events.append({"name": "lead_updated", "data": {"fields": changed, "score": lead.score}})
    brief = {"id": lead.id, "score": lead.score, "temperature": lead.temperature}
    chat.state = {**chat.state, "lead": brief, "lead_sig": signature}
    return events


def _signature(fields: dict[str, Any], contact: dict[str, Any], language: str) -> str:
    canonical = json.dumps([fields, contact, language], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _load_or_create(db: Session, chat: ChatSession) -> tuple[Lead, list[dict[str, Any]]]:
    lead = db.scalar(select(Lead).where(Lead.tenant_id == chat.tenant_id, Lead.session_id == chat.id))
    if lead is not None:
        return lead, []
    lead = Lead(tenant_id=chat.tenant_id, session_id=chat.id, channel=chat.channel, fields={}, contact={})
    db.add(lead)
    return lead, [{"name": "lead_created", "data": {}}]


def _apply(
    db: Session, keyring: KeyRing, lead: Lead, chat: ChatSession, fields: dict[str, Any], contact: dict[str, Any]
) -> None:
    lead.fields, lead.contact, lead.language = fields, contact, chat.language
    lead.project_type = fields.get("project_type")
    lead.email_hash = keyring.lookup_hash(contact["email"].lower()) if contact.get("email") else None
    lead.phone_hash = keyring.lookup_hash(contact["phone"]) if contact.get("phone") else None
    config = ScoringConfig.model_validate(latest_config(db, chat.tenant_id, "scoring") or {})
    lead.score, lead.score_breakdown = score(fields, lead.channel, config)
    lead.temperature = temperature(lead.score, config)
    db.flush()
