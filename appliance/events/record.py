"""Recording a domain event: one row written in the transaction of the change it tells about.

The row is the outbox: the change and its event commit together or not at all, and a scheduled
task fans committed events out to webhooks and notifications (appliance.events.dispatch). This
module is a leaf the services that emit events import; it knows nothing of who listens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from appliance.core.ids import new_id
from appliance.infra.db import DomainEvent, utcnow

LEAD_CREATED = "lead.created"
LEAD_UPDATED = "lead.updated"
LEAD_PHOTOS = "lead.photos_added"
APPOINTMENT_BOOKED = "appointment.booked"
APPOINTMENT_CHANGED = "appointment.changed"
CONVERSATION_COMPLETED = "conversation.completed"
EVENT_NAMES = (
    LEAD_CREATED,
    LEAD_UPDATED,
    LEAD_PHOTOS,
    APPOINTMENT_BOOKED,
    APPOINTMENT_CHANGED,
    CONVERSATION_COMPLETED,
)
# What a lead's brief in an event may say: ids, codes and numbers, never contact details.
LEAD_BRIEF_KEYS = ("id", "status", "score", "temperature", "project_type", "language", "channel")


# Built once: a chat turn emits an event most turns, and building the statement cost more than running it.
_INSERT = insert(DomainEvent.__table__)


def emit(db: Connection | Session, tenant_id: str, name: str, subject_id: str | None, data: dict[str, Any]) -> str:
    """Add the event ``name`` about ``subject_id`` to ``db``'s transaction; return its id."""
    if name not in EVENT_NAMES:
        raise ValueError(f"unknown event {name!r}")
    event_id = new_id(DomainEvent.id_prefix)
    row = {"id": event_id, "tenant_id": tenant_id, "name": name, "subject_id": subject_id, "data": data}
    db.execute(_INSERT, row | {"created_at": utcnow(), "dispatched_at": None})
    return event_id


def lead_brief(values: dict[str, Any]) -> dict[str, Any]:
    """Return what an event tells of a lead, from a lead row or the values being written."""
    return {key: values.get(key) for key in LEAD_BRIEF_KEYS}


def appointment_brief(values: dict[str, Any]) -> dict[str, Any]:
    """Return what an event tells of an appointment (its times in UTC, ISO 8601)."""

    def iso(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    keys = ("id", "service", "status", "lead_id")
    return {key: values.get(key) for key in keys} | {
        "start": iso(values.get("start_at")),
        "end": iso(values.get("end_at")),
    }
