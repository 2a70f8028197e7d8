"""Messages outside the 24-hour window: approved templates only.

Appointment reminders go 24 h and 2 h before a visit booked by a WhatsApp contact (the same
windows as the e-mails, appliance.agenda.reminders), and staff may send a lead the store's
follow-up template. Each is an outbox message with a key of its own (the appointment and which
reminder; the lead and the day), so a scheduler tick that runs twice queues it once. The template
names and languages are the store's (appliance.whatsapp.config); the body parameters are, in
order: the person's first name, the visit's date and time in words, and the store's name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select

from appliance.agenda.reminders import REMINDERS
from appliance.core.flows.summary import when
from appliance.errors import NotFound
from appliance.infra.db import Appointment, Lead, WhatsAppContact, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import tenant_info
from appliance.whatsapp.config import Credentials, credentials_of
from appliance.whatsapp.outbox import Outgoing, queue_messages

log = structlog.get_logger(__name__)
LANGUAGES = ("es", "ca", "pt", "en")


@task
def enqueue_whatsapp_reminders(rt: Runtime) -> int:
    """Queue the template reminders due now (run by the scheduler every 5 minutes); return how many."""
    return len(queue_due_reminders(rt, utcnow()))


def queue_due_reminders(rt: Runtime, now: datetime) -> list[str]:
    """Queue a reminder template for every WhatsApp contact's visit due one at ``now``; return the keys."""
    queued = []
    for row, which in _due(rt, now):
        creds = credentials_of(rt, row["tenant_id"])
        if creds is None:
            continue
        key = f"reminder_{which}:{row['id']}"
        use = f"reminder_{which}"
        payload = template(creds, use, _parameters(rt, row, creds.template(use)["language"][:2]))
        if queue_messages(rt, row["tenant_id"], row["contact_id"], [Outgoing(key, "template", payload, "utility")]):
            queued.append(key)
    log.info("whatsapp_reminders_queued", count=len(queued))
    return queued


def send_follow_up(rt: Runtime, tenant_id: str, lead_id: str) -> dict[str, Any]:
    """Queue the store's follow-up template to a WhatsApp lead (once a day at most); return what was queued."""
    creds = credentials_of(rt, tenant_id)
    with rt.transaction() as db:
        found = db.execute(
            select(WhatsAppContact.id, Lead.contact)
            .join(Lead, Lead.id == WhatsAppContact.lead_id)
            .where(WhatsAppContact.tenant_id == tenant_id, WhatsAppContact.lead_id == lead_id)
        ).first()
    if creds is None or found is None:
        raise NotFound("This lead has no WhatsApp conversation.", code="no_whatsapp_contact")
    info = tenant_info(rt, tenant_id)
    store = (info.branding.get("store_name") or info.name) if info else ""
    key = f"follow_up:{lead_id}:{utcnow():%Y-%m-%d}"
    payload = template(creds, "follow_up", [_first_name(found.contact), store])
    ids = queue_messages(rt, tenant_id, found.id, [Outgoing(key, "template", payload, "marketing")])
    return {"key": key, "queued": bool(ids)}


def template(creds: Credentials, use: str, parameters: list[str]) -> dict[str, Any]:
    """Return the Send API body of the store's template for ``use`` with its body parameters."""
    chosen = creds.template(use)
    body = [{"type": "text", "text": value or "-"} for value in parameters]
    return {
        "type": "template",
        "template": {
            "name": chosen["name"],
            "language": {"code": chosen["language"]},
            "components": [{"type": "body", "parameters": body}],
        },
    }


def _due(rt: Runtime, now: datetime) -> list[tuple[dict[str, Any], str]]:
    appointments, contacts = Appointment.__table__, WhatsAppContact.__table__
    due = []
    with rt.transaction() as db:
        conn = db.connection()
        for which, (_column, within, beyond) in REMINDERS.items():
            rows = conn.execute(
                select(appointments, contacts.c.id.label("contact_id"))
                .join(
                    contacts,
                    (contacts.c.lead_id == appointments.c.lead_id) & (contacts.c.tenant_id == appointments.c.tenant_id),
                )
                .where(appointments.c.status == "booked")
                .where(appointments.c.start_at > now + beyond, appointments.c.start_at <= now + within)
            ).mappings()
            due += [(dict(row), which) for row in rows]
    return due


def _parameters(rt: Runtime, row: dict[str, Any], template_language: str) -> list[str]:
    """Return the reminder's body parameters, the date in the template's own language when we speak it."""
    info = tenant_info(rt, row["tenant_id"])
    zone = ZoneInfo(info.timezone if info else "Europe/Madrid")
    language = template_language if template_language in LANGUAGES else _language(rt, row)
    store = (info.branding.get("store_name") or info.name) if info else ""
    return [_first_name(row["contact"]), when(row["start_at"].astimezone(zone).isoformat(), language), store]


def _language(rt: Runtime, row: dict[str, Any]) -> str:
    with rt.transaction() as db:
        language = db.scalar(select(Lead.language).where(Lead.id == row["lead_id"], Lead.tenant_id == row["tenant_id"]))
    return language if language in LANGUAGES else "es"


def _first_name(contact: dict[str, Any] | None) -> str:
    name = str((contact or {}).get("name") or "").strip()
    return name.split()[0] if name else ""
