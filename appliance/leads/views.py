"""How a lead looks to staff: the JSON of the API (and of the panel), times in the store's zone."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from appliance.core.lead_fields import PROJECT_FIELDS
from appliance.infra.db import Lead

CONTACT_KEYS = ("name", "email", "phone", "address")


def shown_contact(lead: Lead) -> dict[str, str | None]:
    """Return the name, email, phone and home address staff may see: all empty once the person was erased."""
    contact = {} if lead.erased_at is not None else (lead.contact or {})
    return {key: contact.get(key) or None for key in CONTACT_KEYS}


def shown_fields(lead: Lead) -> dict[str, Any]:
    """Return the documented fields first (null when unknown), then any others the flow set."""
    stored = dict(lead.fields or {})
    # API.md documents the project fields: they are always present, null when the visitor did not say.
    return {key: stored.pop(key, None) for key in PROJECT_FIELDS} | stored


def local_iso(moment: datetime, zone: tzinfo) -> str:
    """Return ``moment`` in ISO 8601 with the offset of ``zone``."""
    return moment.astimezone(zone).isoformat()


def lead_json(lead: Lead, zone: tzinfo = UTC) -> dict[str, Any]:
    """Return a lead as GET /v1/leads shows it, plus its assignee, notes and whether it was erased."""
    erased = lead.erased_at is not None
    return {
        "id": lead.id,
        "session_id": lead.session_id,
        "status": lead.status,
        "score": lead.score,
        "temperature": lead.temperature,
        "score_breakdown": dict(lead.score_breakdown or {}),
        "fields": shown_fields(lead),
        "contact": shown_contact(lead),
        "language": lead.language,
        "channel": lead.channel,
        "created_at": local_iso(lead.created_at, zone),
        "updated_at": local_iso(lead.updated_at, zone),
        "assignee_id": lead.assignee_id,
        "notes": None if erased else lead.notes,
        "erased": erased,
    }
