"""Keeping a conversation's lead in step with what the visitor has told us."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update

from appliance.conversations.persistence import Conversation
from appliance.core.ids import new_id
from appliance.core.lead_fields import CONTACT_FIELDS, LEAD_FIELDS
from appliance.core.scoring import ScoringConfig, score, temperature
from appliance.events.record import CONVERSATION_COMPLETED, LEAD_CREATED, LEAD_UPDATED, emit, lead_brief
from appliance.infra.db import Lead, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import tenant_config

# Built once (the hot path: see docs/performance.md).
_UPDATE = update(Lead).where(Lead.id == bindparam("b_id"), Lead.tenant_id == bindparam("b_tenant_id"))
_INSERT = insert(Lead)


def lead_values(variables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a conversation's variables into the lead's fields and its contact details."""
    fields = {k: variables[k] for k in LEAD_FIELDS if variables.get(k) is not None}
    contact = {k: variables[k] for k in CONTACT_FIELDS if variables.get(k)}
    return fields, contact


def sync_lead(db: Connection, rt: Runtime, chat: Conversation, before: dict[str, Any]) -> list[dict[str, Any]]:
    """Create or update the lead of ``chat`` and re-score it, when what it is made of changed.

    Most turns change nothing the lead holds; a signature of its inputs kept in the session state
    lets those turns skip the lead entirely. The lead's brief (id, score, temperature) is kept in
    the state too, for the turn answer. ``before`` are the variables before this turn. Return the
    analytics events of the change.
    """
    fields, contact = lead_values(chat.variables)
    signature = _signature(fields, contact, chat.language)
    brief = chat.state.get("lead")
    if signature == chat.state.get("lead_sig") or not (fields or contact or brief):
        return []
    values = _values(rt, db, chat, fields, contact)
    events = []
    previous = lead_values(before)[0]
    changed = sorted(k for k in {*fields, *previous} if fields.get(k) != previous.get(k))
    if brief:
        db.execute(_UPDATE, values | {"b_id": brief["id"], "b_tenant_id": chat.tenant_id})
        lead_id = brief["id"]
        data = {"changed": changed, "previous_temperature": brief.get("temperature")}
        _emit_lead(db, chat, LEAD_UPDATED, lead_id, values, data)
    else:
        lead_id = new_id("l")
        row = {"id": lead_id, "tenant_id": chat.tenant_id, "session_id": chat.id, "channel": chat.channel}
        db.execute(_INSERT, row | values | {"status": "new", "created_at": values["updated_at"]})
        events.append({"name": "lead_created", "data": {}})
        _emit_lead(db, chat, LEAD_CREATED, lead_id, values, {})
    events.append({"name": "lead_updated", "data": {"fields": changed, "score": values["score"]}})
    new_brief = {"id": lead_id, "score": values["score"], "temperature": values["temperature"]}
    chat.state = {**chat.state, "lead": new_brief, "lead_sig": signature}
    return events


def emit_completion(db: Connection, chat: Conversation, events: list[dict[str, Any]]) -> None:
    """Record the domain event of a conversation that ended in this turn (with its lead, if any)."""
    if not any(event["name"] == "completed" for event in events):
        return
    lead = chat.state.get("lead") or {}
    conversation = {"session_id": chat.id, "language": chat.language, "channel": chat.channel}
    data = {"conversation": conversation, "lead": lead_brief(lead | {"channel": chat.channel}) if lead else None}
    emit(db, chat.tenant_id, CONVERSATION_COMPLETED, chat.id, data)


def _emit_lead(
    db: Connection, chat: Conversation, name: str, lead_id: str, values: dict[str, Any], data: dict[str, Any]
) -> None:
    # The brief of the lead as written now; a turn never changes the status staff gave it, so an
    # update does not read it back (None), and a new lead is "new".
    status = "new" if name == LEAD_CREATED else None
    brief = lead_brief(values | {"id": lead_id, "channel": chat.channel, "status": status})
    emit(db, chat.tenant_id, name, lead_id, {"lead": brief, "session_id": chat.id} | data)


def _signature(fields: dict[str, Any], contact: dict[str, Any], language: str) -> str:
    canonical = json.dumps([fields, contact, language], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _values(
    rt: Runtime, db: Connection, chat: Conversation, fields: dict[str, Any], contact: dict[str, Any]
) -> dict[str, Any]:
    config = ScoringConfig.model_validate(tenant_config(rt, db, chat.tenant_id, "scoring"))
    points, breakdown = score(fields, chat.channel, config)
    email, phone = contact.get("email"), contact.get("phone")
    return {
        "fields": fields,
        "contact": contact,
        "language": chat.language,
        "project_type": fields.get("project_type"),
        "email_hash": rt.keyring.lookup_hash(email.lower()) if email else None,
        "phone_hash": rt.keyring.lookup_hash(phone) if phone else None,
        "score": points,
        "score_breakdown": breakdown,
        "temperature": temperature(points, config),
        "updated_at": utcnow(),
    }
