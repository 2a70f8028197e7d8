"""Staff correct a lead's contact: the name, e-mail, phone and address the visitor gave (or mistyped).

The contact stays encrypted at rest; the lookup hashes that let staff find the lead by e-mail or
phone are written again from the corrected values, the score is computed again under the store's
current scoring, and the audit trail names what changed, never the values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from appliance.core.lead_fields import CONTACT_FIELDS
from appliance.core.scoring import ScoringConfig, score, temperature
from appliance.errors import Conflict, Invalid
from appliance.infra.audit import record
from appliance.infra.db import Lead
from appliance.infra.runtime import Runtime
from appliance.leads.query import e164, store_of
from appliance.tenants.directory import tenant_config
from appliance.tenants.validation import email_problem

LIMITS = {"name": 200, "email": 254, "phone": 40, "address": 300}


def correct_contact(rt: Runtime, db: Session, lead: Lead, given: dict[str, Any]) -> list[str]:
    """Apply ``given`` (any of name, email, phone, address; an empty value removes it) to ``lead``;
    return the names of what changed. Raise Invalid naming every bad value, changing nothing."""
    if lead.erased_at is not None:
        raise Conflict("This person's data was erased; their contact cannot be set again.", code="lead_erased")
    cleaned = _cleaned(given, store_of(db, lead.tenant_id).country)
    contact = dict(lead.contact or {})
    changed = sorted(k for k, v in cleaned.items() if contact.get(k) != v)
    if not changed:
        return []
    for key in changed:
        if cleaned[key] is None:
            contact.pop(key, None)
        else:
            contact[key] = cleaned[key]
    lead.contact = contact
    email, phone = contact.get("email"), contact.get("phone")
    lead.email_hash = rt.keyring.lookup_hash(email.lower()) if email else None
    lead.phone_hash = rt.keyring.lookup_hash(phone) if phone else None
    _rescore(rt, db, lead)
    db.flush()
    details = {"changed": changed, "score": lead.score}
    record(db, "lead.contact_changed", tenant_id=lead.tenant_id, target_type="lead", target_id=lead.id, details=details)
    return changed


def _cleaned(given: dict[str, Any], country: str) -> dict[str, str | None]:
    problems: list[dict[str, str]] = []
    cleaned: dict[str, str | None] = {}
    for key, raw in given.items():
        if key not in CONTACT_FIELDS:
            problems.append({"path": f"contact.{key}", "message": "is not part of a contact"})
            continue
        if raw is not None and not isinstance(raw, str):
            problems.append({"path": f"contact.{key}", "message": "must be a text"})
            continue
        value = " ".join((raw or "").split())
        if len(value) > LIMITS[key]:
            problems.append({"path": f"contact.{key}", "message": f"must have at most {LIMITS[key]} characters"})
        elif not value:
            cleaned[key] = None
        elif key == "email":
            if problem := email_problem(value):
                problems.append({"path": "contact.email", "message": problem})
            cleaned[key] = value.lower()
        elif key == "phone":
            number = e164(value, country)
            if number is None:
                problems.append({"path": "contact.phone", "message": "is not a phone number"})
            cleaned[key] = number
        else:
            cleaned[key] = value
    if problems:
        raise Invalid(problems, "The contact was not changed.")
    return cleaned


def _rescore(rt: Runtime, db: Session, lead: Lead) -> None:
    config = ScoringConfig.model_validate(tenant_config(rt, db.connection(), lead.tenant_id, "scoring"))
    points, breakdown = score(lead.fields or {}, lead.channel, config)
    lead.score, lead.score_breakdown, lead.temperature = points, breakdown, temperature(points, config)
