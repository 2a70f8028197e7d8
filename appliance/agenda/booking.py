"""Booking: an appointment is taken in one transaction that re-checks the slot, so two visitors
clicking the same time never both get it (never more overlapping visits than the capacity)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select, text

from appliance.agenda import clock
from appliance.core.agenda.availability import Busy, blocked_span, in_service_area, is_offered, service_of
from appliance.core.ids import new_id
from appliance.errors import Conflict, Invalid, NotFound
from appliance.events.record import APPOINTMENT_BOOKED, APPOINTMENT_CHANGED, appointment_brief, emit
from appliance.infra.audit import Actor, record
from appliance.infra.db import Appointment, utcnow

_TABLE = Appointment.__table__


VISITOR = Actor(label="visitor (chat)")


@dataclass(frozen=True)
class BookingRequest:
    """What is being booked, for whom, and by whom."""

    service: str
    start: datetime
    name: str
    email: str | None = None
    phone: str | None = None
    postal_code: str | None = None
    address: str | None = None  # the street address of a home visit, kept with the encrypted contact
    notes: str | None = None
    lead_id: str | None = None
    actor: str = "visitor"
    actor_user_id: str | None = None


def book(conn: Connection, tenant_id: str, agenda: dict[str, Any], request: BookingRequest) -> dict[str, Any]:
    """Store the appointment, or raise Invalid (not a bookable time) or Conflict (slot_taken)."""
    _check_request(agenda, request)
    _serialise_bookings(conn, tenant_id, request.service)
    now = clock.now()
    if not is_offered(agenda, request.service, request.start, now, ()):
        raise Invalid([{"path": "start", "message": "is not one of the times the store offers"}])
    if not is_offered(agenda, request.service, request.start, now, busy_for(conn, tenant_id, agenda, request)):
        raise Conflict("That time was just booked. Please pick another.", code="slot_taken")
    row = _row(tenant_id, agenda, request, now)
    conn.execute(insert(_TABLE).values(**row))
    details = {"service": request.service, "start": request.start.isoformat()}
    _audit(conn, tenant_id, request.actor, "appointment.booked", row["id"], details)
    emit(conn, tenant_id, APPOINTMENT_BOOKED, row["id"], {"appointment": appointment_brief(row)})
    return appointment_json(row, ZoneInfo(agenda.get("timezone", "UTC")))


@dataclass(frozen=True)
class Change:
    """What staff change in an appointment: a new time, a new status, notes."""

    start: datetime | None = None
    status: str | None = None
    notes: str | None = None
    actor_user_id: str | None = None


STATUS_ACTIONS = {
    "cancelled": "appointment.cancelled",
    "no_show": "appointment.no_show",
    "completed": "appointment.completed",
    "booked": "appointment.restored",
}


def change(
    conn: Connection, tenant_id: str, agenda: dict[str, Any], appointment_id: str, what: Change
) -> dict[str, Any]:
    """Reschedule, cancel, mark a no-show or complete an appointment; each change is audited.

    A new time is checked like a new booking (the appointment itself does not count as busy).
    Calendar invitations keep their UID and count a new SEQUENCE on every change that moves or
    cancels the visit, as RFC 5545 asks; reminders are due again for a new time.
    """
    current = _locked(conn, tenant_id, appointment_id)
    values: dict[str, Any] = {}
    actions = []
    if what.start is not None and what.start != current["start_at"]:
        values |= _moved(conn, tenant_id, agenda, current, what.start)
        actions.append("appointment.rescheduled")
    if what.status is not None and what.status != current["status"]:
        values["status"] = what.status
        actions.append(STATUS_ACTIONS[what.status])
    if what.notes is not None:
        values["notes"] = what.notes
        actions.append("appointment.noted")
    if not values:
        return appointment_json(current, ZoneInfo(agenda.get("timezone", "UTC")))
    now = utcnow()
    if "start_at" in values or values.get("status") == "cancelled":
        values["ics_sequence"] = current["ics_sequence"] + 1
    conn.execute(
        _TABLE.update()
        .where(_TABLE.c.id == appointment_id, _TABLE.c.tenant_id == tenant_id)
        .values(**values, updated_at=now)
    )
    _emit_change(conn, tenant_id, current | values, actions)
    for action in actions:
        _audit(
            conn,
            tenant_id,
            "staff",
            action,
            appointment_id,
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items() if k != "notes"},
        )
    return appointment_json(current | values, ZoneInfo(agenda.get("timezone", "UTC")))


# Which audited actions webhooks and staff hear of as an appointment change, and how they name it.
CHANGE_NAMES = {
    "appointment.rescheduled": "moved",
    "appointment.cancelled": "cancelled",
    "appointment.no_show": "no_show",
    "appointment.completed": "completed",
    "appointment.restored": "restored",
}


def _emit_change(conn: Connection, tenant_id: str, row: dict[str, Any], actions: list[str]) -> None:
    changes = [CHANGE_NAMES[a] for a in actions if a in CHANGE_NAMES]
    if changes:
        data = {"appointment": appointment_brief(row), "change": changes[0], "changes": changes}
        emit(conn, tenant_id, APPOINTMENT_CHANGED, row["id"], data)


def _locked(conn: Connection, tenant_id: str, appointment_id: str) -> dict[str, Any]:
    row = (
        conn.execute(
            select(_TABLE).where(_TABLE.c.id == appointment_id, _TABLE.c.tenant_id == tenant_id).with_for_update()
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise NotFound("There is no such appointment.")
    return dict(row)


def _moved(conn: Connection, tenant_id: str, agenda: dict[str, Any], current: dict[str, Any], start: datetime) -> dict:
    if current["status"] != "booked":
        raise Conflict("Only a booked appointment can be moved.", code="not_booked")
    if start.tzinfo is None:
        raise Invalid([{"path": "start", "message": "needs an offset, e.g. 2026-03-30T09:30:00+02:00"}])
    service = current["service"]
    _serialise_bookings(conn, tenant_id, service)
    now = clock.now()
    if not is_offered(agenda, service, start, now, ()):
        raise Invalid([{"path": "start", "message": "is not one of the times the store offers"}])
    blocked_start, end, blocked_end = blocked_span(agenda, service, start)
    others = [
        b
        for b in busy_between(conn, tenant_id, service, blocked_start, blocked_end)
        if (b.start, b.end) != (current["blocked_start_at"], current["blocked_end_at"])
    ]
    if not is_offered(agenda, service, start, now, others):
        raise Conflict("That time was just booked. Please pick another.", code="slot_taken")
    return {
        "start_at": start,
        "end_at": end,
        "blocked_start_at": blocked_start,
        "blocked_end_at": blocked_end,
        "reminder_24h_sent_at": None,
        "reminder_2h_sent_at": None,
    }


def _audit(conn: Connection, tenant_id: str, by: str, action: str, target: str, details: dict[str, Any]) -> None:
    # Staff changes are signed by the request's actor (token, login or impersonation); a
    # visitor booking from the chat has no account behind it.
    actor = VISITOR if by == "visitor" else None
    record(conn, action, tenant_id=tenant_id, target_type="appointment", target_id=target, details=details, actor=actor)


def _check_request(agenda: dict[str, Any], request: BookingRequest) -> None:
    problems = []
    if service_of(agenda, request.service) is None:
        problems.append({"path": "service", "message": "is not a service of this store"})
    elif not in_service_area(agenda, request.service, request.postal_code):
        problems.append({"path": "postal_code", "message": "is outside the area this store visits"})
    if request.start.tzinfo is None:
        problems.append({"path": "start", "message": "needs an offset, e.g. 2026-03-30T09:30:00+02:00"})
    if not request.name.strip():
        problems.append({"path": "name", "message": "must not be empty"})
    if problems:
        raise Invalid(problems)


def _serialise_bookings(conn: Connection, tenant_id: str, service: str) -> None:
    """Make concurrent bookings of one service of one store wait for each other.

    On PostgreSQL a transaction-scoped advisory lock does it (row locks cannot lock rows that do
    not exist yet). SQLite transactions are IMMEDIATE (see db/connection.py): writers already queue.
    """
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"booking:{tenant_id}:{service}".encode()).digest()
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest[:8], "big", signed=True)}
        )


def busy_for(conn: Connection, tenant_id: str, agenda: dict[str, Any], request: BookingRequest) -> list[Busy]:
    """Return the blocked spans of booked visits of the service around the requested one."""
    blocked_start, _end, blocked_end = blocked_span(agenda, request.service, request.start)
    return busy_between(conn, tenant_id, request.service, blocked_start, blocked_end)


def busy_between(conn: Connection, tenant_id: str, service: str, start: datetime, end: datetime) -> list[Busy]:
    """Return the blocked spans of booked visits of ``service`` that overlap [start, end)."""
    rows = conn.execute(
        select(_TABLE.c.blocked_start_at, _TABLE.c.blocked_end_at).where(
            _TABLE.c.tenant_id == tenant_id,
            _TABLE.c.service == service,
            _TABLE.c.status == "booked",
            _TABLE.c.blocked_start_at < end,
            _TABLE.c.blocked_end_at > start,
        )
    )
    return [Busy(row.blocked_start_at, row.blocked_end_at) for row in rows]


def _row(tenant_id: str, agenda: dict[str, Any], request: BookingRequest, now: datetime) -> dict[str, Any]:
    """Return the appointment row; ``now`` is the agenda's clock, the row's own stamps the real one."""
    blocked_start, end, blocked_end = blocked_span(agenda, request.service, request.start)
    stamped = utcnow()
    appointment_id = new_id("a")
    given = {"name": request.name, "email": request.email, "phone": request.phone, "address": request.address}
    contact = {k: v for k, v in given.items() if v}
    return {
        "id": appointment_id,
        "tenant_id": tenant_id,
        "lead_id": request.lead_id,
        "service": request.service,
        "start_at": request.start,
        "end_at": end,
        "blocked_start_at": blocked_start,
        "blocked_end_at": blocked_end,
        "status": "booked",
        "contact": contact,
        "notes": request.notes,
        "postal_code": request.postal_code,
        # Booked less than a day ahead, the confirmation itself stands in for the 24 h reminder.
        "reminder_24h_sent_at": now if request.start - now < timedelta(hours=24) else None,
        "ics_uid": f"{appointment_id}@ebanista",
        "ics_sequence": 0,
        "created_at": stamped,
        "updated_at": stamped,
        "created_by": request.actor_user_id,
    }


def appointment_json(row: Any, zone: ZoneInfo) -> dict[str, Any]:
    """Return an appointment as the API shows it, its times in the store's zone."""
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return {
        "id": get("id"),
        "service": get("service"),
        "start": get("start_at").astimezone(zone).isoformat(),
        "end": get("end_at").astimezone(zone).isoformat(),
        "status": get("status"),
        "lead_id": get("lead_id"),
        "contact": get("contact") or {},
        "postal_code": get("postal_code"),
        "notes": get("notes"),
        # What became of each e-mail about it (appliance.agenda.reminders.note_mail).
        "mail": get("mail_log") or {},
    }
