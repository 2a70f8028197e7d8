"""The agenda as staff and visitors see it: free slots and booked appointments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from appliance.agenda import clock
from appliance.agenda.booking import BookingRequest, Change, appointment_json, book, busy_between, change
from appliance.core.agenda.availability import day_slots, service_of
from appliance.errors import AppError, Invalid, NotFound
from appliance.infra import metrics
from appliance.infra.db import Appointment
from appliance.infra.idempotency import run_once
from appliance.infra.runtime import Runtime
from appliance.operator.alerts import mark_booking_failed
from appliance.tenants.directory import tenant_config

MAX_RANGE_DAYS = 92


def agenda_of(rt: Runtime, conn: Connection, tenant_id: str) -> dict[str, Any]:
    """Return the store's agenda configuration, or explain that it has none."""
    agenda = tenant_config(rt, conn, tenant_id, "agenda")
    if not agenda:
        raise NotFound("This store has no agenda configured yet.", code="no_agenda")
    return agenda


def slots(rt: Runtime, tenant_id: str, service: str, day_from: date, day_to: date) -> dict[str, Any]:
    """Return the free slots of ``service`` between two local days (inclusive)."""
    _check_range(day_from, day_to)
    with rt.transaction() as db:
        conn = db.connection()
        agenda = agenda_of(rt, conn, tenant_id)
        if service_of(agenda, service) is None:
            raise Invalid([{"path": "service", "message": "is not a service of this store"}])
        zone = ZoneInfo(agenda["timezone"])
        start = datetime.combine(day_from, time.min, zone) - timedelta(days=1)
        end = datetime.combine(day_to, time.max, zone) + timedelta(days=1)
        busy = busy_between(conn, tenant_id, service, start, end)
    return {"timezone": agenda["timezone"], "slots": day_slots(agenda, service, day_from, day_to, clock.now(), busy)}


def appointments(rt: Runtime, tenant_id: str, day_from: date, day_to: date) -> list[dict[str, Any]]:
    """Return the appointments starting between two local days (inclusive), earliest first."""
    _check_range(day_from, day_to)
    table = Appointment.__table__
    with rt.transaction() as db:
        conn = db.connection()
        zone = ZoneInfo(agenda_of(rt, conn, tenant_id)["timezone"])
        rows = conn.execute(
            select(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.start_at >= datetime.combine(day_from, time.min, zone),
                table.c.start_at < datetime.combine(day_to + timedelta(days=1), time.min, zone),
            )
            .order_by(table.c.start_at, table.c.id)
        ).mappings()
        return [appointment_json(dict(row), zone) for row in rows]


def create(rt: Runtime, tenant_id: str, request: BookingRequest, key: str | None, body: Any) -> tuple[Any, bool]:
    """Book an appointment once per Idempotency-Key; return (appointment, replayed)."""

    def work(conn: Connection) -> dict[str, Any]:
        try:
            return book(conn, tenant_id, agenda_of(rt, conn, tenant_id), request)
        except AppError:
            raise
        except Exception:
            mark_booking_failed()  # the operator hears of it once the transaction is over
            raise

    appointment, replayed = run_once(rt, tenant_id, "appointments.create", key, body, work, status=201)
    if not replayed:
        metrics.BOOKINGS.labels("staff").inc()
        # After the commit: the task reads the appointment (and SQLite has one connection).
        rt.queue.enqueue("send_invitation", appointment["id"], tenant_id)
    return appointment, replayed


def one(rt: Runtime, tenant_id: str, appointment_id: str) -> dict[str, Any]:
    """Return one appointment of the store, or 404 (also for another store's)."""
    table = Appointment.__table__
    with rt.transaction() as db:
        conn = db.connection()
        zone = ZoneInfo(agenda_of(rt, conn, tenant_id)["timezone"])
        row = (
            conn.execute(select(table).where(table.c.id == appointment_id, table.c.tenant_id == tenant_id))
            .mappings()
            .one_or_none()
        )
    if row is None:
        raise NotFound("There is no such appointment.")
    return appointment_json(dict(row), zone)


def update(rt: Runtime, tenant_id: str, appointment_id: str, what: Change) -> dict[str, Any]:
    """Reschedule, cancel, mark a no-show or complete an appointment, in one transaction."""
    with rt.transaction() as db:
        conn = db.connection()
        before = change_baseline(conn, tenant_id, appointment_id)
        changed = change(conn, tenant_id, agenda_of(rt, conn, tenant_id), appointment_id, what)
    moved = before is not None and datetime.fromisoformat(changed["start"]) != before[0]
    cancelled = before is not None and changed["status"] == "cancelled" != before[1]
    if moved or cancelled:
        # A new time or a cancellation sends the customer an updated invitation (same UID).
        rt.queue.enqueue("send_invitation", appointment_id, tenant_id)
    return changed


def change_baseline(conn: Connection, tenant_id: str, appointment_id: str) -> tuple[datetime, str] | None:
    """Return an appointment's start (in its stored form) and status, to tell what a change changed."""
    table = Appointment.__table__
    row = conn.execute(
        select(table.c.start_at, table.c.status).where(table.c.id == appointment_id, table.c.tenant_id == tenant_id)
    ).one_or_none()
    return None if row is None else (row.start_at, row.status)


def _check_range(day_from: date, day_to: date) -> None:
    if day_to < day_from:
        raise Invalid([{"path": "to", "message": "must not be before from"}])
    if (day_to - day_from).days > MAX_RANGE_DAYS:
        raise Invalid([{"path": "to", "message": f"ask for at most {MAX_RANGE_DAYS} days at a time"}])
