"""Leads for the staff-side tests: written through the ORM as the chat writes them, or made by real chats."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from appliance.infra.db import Lead, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import forget
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor

FIELDS = {
    "project_type": "kitchen",
    "budget_min_eur": 8000,
    "budget_max_eur": 12000,
    "area_m2": 14,
    "style": "modern",
    "urgency": "soon",
}


def add_lead(
    rt: Runtime,
    tenant_id: str,
    *,
    name: str | None = "Ana Serra",
    email: str | None = None,
    phone: str | None = None,
    score: int = 50,
    temperature: str | None = None,
    created_at: datetime | None = None,
    **values: Any,
) -> str:
    """Insert a lead with its contact encrypted and its lookup hashes, as the chat writes them."""
    contact = {k: v for k, v in {"name": name, "email": email, "phone": phone}.items() if v}
    fields = values.pop("fields", FIELDS)
    lead = Lead(
        tenant_id=tenant_id,
        score=score,
        temperature=temperature or _temperature(score),
        score_breakdown={"budget": float(score), "urgency": 0.0, "area": 0.0, "style": 0.0, "origin": 0.0},
        fields=fields,
        project_type=fields.get("project_type"),
        contact=contact,
        email_hash=rt.keyring.lookup_hash(email.lower()) if email else None,
        phone_hash=rt.keyring.lookup_hash(phone) if phone else None,
        created_at=created_at or utcnow(),
        **values,
    )
    with rt.transaction() as db:
        db.add(lead)
        db.flush()
        return lead.id


def _temperature(score: int) -> str:
    return "premium" if score >= 90 else "hot" if score >= 70 else "warm" if score >= 40 else "cold"


def allow_visitors(rt: Runtime, tenant: Tenant) -> None:
    """Let the test visitors' website open the store's chat."""
    with rt.transaction() as db:
        db.get(Tenant, tenant.id).allowed_origins = [ORIGIN]
    forget(rt, tenant)


def chat_until(client: FlaskClient, tenant: Tenant, block: str | None, lang: str = "es", **answers: Any) -> Visitor:
    """Return a visitor who answered the base flow up to ``block`` (None: to the end, booking a slot)."""
    v = Visitor(client, tenant.widget_key)
    v.open(lang=lang)
    v.start()
    replies = BASE_ANSWERS | answers
    while v.waiting_for is not None and v.waiting_for != block:
        if v.waiting_for == "appointment":
            v.send(value=v.last["input"]["slots"][0]["start"])
        else:
            v.send(**replies[v.waiting_for])
    return v


def ago(**delta: float) -> datetime:
    """Return the time ``delta`` before now."""
    return utcnow() - timedelta(**delta)
