"""Emails about appointments: the confirmation with its calendar invite, and the 24 h and 2 h reminders.

Reminders are claimed before they are sent: a conditional UPDATE stamps ``reminder_*_sent_at`` only
if it is still empty and the visit still booked and ahead, so a task that runs twice, or two workers
racing, send one email. A temporary SMTP failure gives the claim back and lets huey retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Connection, select, update

from appliance.core.agenda import mail_texts
from appliance.core.agenda.availability import service_of
from appliance.core.agenda.ics import invite
from appliance.core.flows.summary import when
from appliance.errors import NotFound
from appliance.infra.db import Appointment, Lead, utcnow
from appliance.infra.mail import MailError, send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import tenant_config, tenant_info

log = structlog.get_logger(__name__)

_TABLE = Appointment.__table__
# which -> (column, the visit starts at most this far ahead, and more than this far ahead)
REMINDERS: dict[str, tuple[str, timedelta, timedelta]] = {
    "24h": ("reminder_24h_sent_at", timedelta(hours=24), timedelta(hours=2)),
    "2h": ("reminder_2h_sent_at", timedelta(hours=2), timedelta(0)),
}
# An appointment row, its store's agenda and branding configs, and its lead's language.
_Loaded = tuple[dict[str, Any], dict[str, Any], dict[str, Any], str | None]
# An invitation sent for one (uid, sequence) is not sent again if the task is enqueued twice.
INVITATION_DEDUP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Due:
    """A reminder to send: which appointment, and which reminder ("24h" or "2h")."""

    appointment_id: str
    which: str


@dataclass(frozen=True)
class Visit:
    """An appointment with everything its emails say: store, service, language, local time."""

    row: dict[str, Any]
    store: dict[str, Any]
    service_name: str
    home_visit: bool
    language: str
    zone: ZoneInfo


def due_reminders(rt: Runtime, now: datetime) -> list[Due]:
    """Return the reminders due at ``now`` across all stores, earliest visit first."""
    due: list[Due] = []
    with rt.transaction() as db:
        conn = db.connection()
        for which, (column, within, beyond) in REMINDERS.items():
            rows = conn.execute(
                select(_TABLE.c.id)
                .where(_TABLE.c.status == "booked", _TABLE.c[column].is_(None))
                .where(_TABLE.c.start_at > now + beyond, _TABLE.c.start_at <= now + within)
                .order_by(_TABLE.c.start_at, _TABLE.c.id)
            )
            due += [Due(row.id, which) for row in rows]
    return due


@task
def enqueue_due_reminders(rt: Runtime) -> int:
    """Enqueue one send_reminder per reminder due now (run by the scheduler every 5 minutes)."""
    due = due_reminders(rt, utcnow())
    for item in due:
        rt.queue.enqueue("send_reminder", item.appointment_id, item.which)
    log.info("reminders_enqueued", count=len(due))
    return len(due)


@task
def send_reminder(rt: Runtime, appointment_id: str, which: str) -> bool:
    """Claim and send one reminder; tell whether an email went out (False if claimed elsewhere)."""
    claimed_at = _claim(rt, appointment_id, which)
    if claimed_at is None:
        return False
    try:
        return _send(rt, _visit(rt, appointment_id), f"reminder_{which}")
    except MailError as exc:
        note_mail(rt, appointment_id, f"reminder_{which}", "failed" if exc.permanent else "retrying", exc.code)
        if exc.permanent:
            log.warning("reminder_refused", appointment_id=appointment_id, which=which, code=exc.code)
            return False
        _release(rt, appointment_id, which, claimed_at)
        raise


@task
def send_invitation(rt: Runtime, appointment_id: str, tenant_id: str) -> bool:
    """Email the customer the confirmation and invite.ics (or the cancellation); tell whether sent."""
    visit = _visit(rt, appointment_id, tenant_id)
    kind = {"booked": "invitation", "cancelled": "cancellation"}.get(visit.row["status"]) if visit else None
    if visit is None or kind is None:
        return False
    if not _email(visit):
        note_mail(rt, appointment_id, kind, "no_email")
        return False
    key = f"mail:{kind}:{visit.row['ics_uid']}:{visit.row['ics_sequence']}"
    if not rt.cache.add(key, "1", INVITATION_DEDUP_SECONDS):
        return False
    try:
        return _send(rt, visit, kind)
    except MailError as exc:
        note_mail(rt, appointment_id, kind, "failed" if exc.permanent else "retrying", exc.code)
        if exc.permanent:
            log.warning("invitation_refused", appointment_id=appointment_id, code=exc.code)
            return False
        rt.cache.delete(key)
        raise


def invite_ics(rt: Runtime, tenant_id: str, appointment_id: str) -> str:
    """Return the appointment's calendar file as it stands (REQUEST, or CANCEL once cancelled)."""
    visit = _visit(rt, appointment_id, tenant_id)
    if visit is None:
        raise NotFound("There is no such appointment.")
    return _ics(visit, "CANCEL" if visit.row["status"] == "cancelled" else "REQUEST")


def _claim(rt: Runtime, appointment_id: str, which: str) -> datetime | None:
    """Stamp the reminder as sent if nobody did and it is still due; return the stamp if we did."""
    column, _within, beyond = REMINDERS[which]
    now = utcnow()
    with rt.transaction() as db:
        result = db.execute(
            update(_TABLE)
            .where(_TABLE.c.id == appointment_id, _TABLE.c[column].is_(None), _TABLE.c.status == "booked")
            # A reminder picked up late is dropped rather than sent after (or next to) the next one.
            .where(_TABLE.c.start_at > now + beyond)
            .values({column: now})
        )
    return now if result.rowcount == 1 else None


def _release(rt: Runtime, appointment_id: str, which: str, claimed_at: datetime) -> None:
    """Give a claim back so a retry can send the reminder."""
    column = REMINDERS[which][0]
    with rt.transaction() as db:
        db.execute(
            update(_TABLE).where(_TABLE.c.id == appointment_id, _TABLE.c[column] == claimed_at).values({column: None})
        )
    log.info("reminder_released", appointment_id=appointment_id, which=which)


def _send(rt: Runtime, visit: Visit | None, kind: str) -> bool:
    """Email ``kind`` about ``visit`` to its customer; False when there is no one to write to."""
    email = _email(visit) if visit else None
    if visit is None or not email:
        log.info("mail_skipped", kind=kind, reason="no_email")
        if visit is not None:
            note_mail(rt, visit.row["id"], kind, "no_email")
        return False
    subject, body = mail_texts.compose(kind, visit.language, _facts(visit))
    method = {"invitation": "REQUEST", "cancellation": "CANCEL"}.get(kind)
    attachments = [("invite.ics", f"text/calendar; method={method}", _ics(visit, method))] if method else []
    send_mail(rt.settings, email, subject, body, attachments, sender_name=visit.store["name"])
    sent = rt.settings.smtp_url is not None
    note_mail(rt, visit.row["id"], kind, "sent" if sent else "mail_off")
    log.info("appointment_mail_sent", kind=kind, appointment_id=visit.row["id"], language=visit.language)
    return sent


def note_mail(rt: Runtime, appointment_id: str, kind: str, status: str, code: int | None = None) -> None:
    """Record what became of the ``kind`` e-mail of an appointment, for staff to see: ``sent``,
    ``retrying`` or ``failed`` (with the mail server's code), ``no_email`` or ``mail_off``."""
    entry: dict[str, Any] = {"status": status, "at": utcnow().isoformat()} | ({"code": code} if code else {})
    with rt.transaction() as db:
        row = db.execute(select(_TABLE.c.mail_log).where(_TABLE.c.id == appointment_id).with_for_update()).first()
        if row is not None:
            entries = {**(row.mail_log or {}), kind: entry}
            db.execute(update(_TABLE).where(_TABLE.c.id == appointment_id).values(mail_log=entries))


def _email(visit: Visit) -> str | None:
    return (visit.row["contact"] or {}).get("email")


def _ics(visit: Visit, method: str) -> str:
    appointment = {
        **visit.row,
        "service_name": visit.service_name,
        "home_visit": visit.home_visit,
        "language": visit.language,
    }
    return invite(appointment, visit.store, method=method, now=utcnow())


def _facts(visit: Visit) -> dict[str, Any]:
    """Return the fields mail_texts fills its sentences with."""
    local = visit.row["start_at"].astimezone(visit.zone)
    name = str((visit.row["contact"] or {}).get("name") or "").strip()
    return {
        "name": name.split()[0] if name else "",
        "store": visit.store["name"],
        "service": visit.service_name,
        "when": when(local.isoformat(), visit.language),
        "time": local.strftime("%H:%M"),
        "address": visit.store["address"] or visit.store["name"],
        "phone": visit.store["phone"] or "",
        "bring": mail_texts.bring(visit.language, visit.home_visit),
        "home_visit": visit.home_visit,
        "home_address": _home_address(visit),
    }


def _home_address(visit: Visit) -> str | None:
    """Return where a home visit takes place as the customer gave it, with the postal code."""
    address = (visit.row["contact"] or {}).get("address")
    if not visit.home_visit or not address:
        return None
    return mail_texts.home_location(visit.language, visit.row.get("postal_code"), address)


def _visit(rt: Runtime, appointment_id: str, tenant_id: str | None = None) -> Visit | None:
    """Load an appointment (of ``tenant_id`` when given) with its store, service and language."""
    loaded = _load(rt, appointment_id, tenant_id)
    tenant = tenant_info(rt, loaded[0]["tenant_id"]) if loaded else None
    if loaded is None or tenant is None:
        return None
    row, agenda, branding, lead_language = loaded
    language = mail_texts.supported(lead_language, tenant.default_language)
    service = service_of(agenda, row["service"]) or {}
    names = service.get("name") or {}
    return Visit(
        row=row,
        store=_store(rt, branding or tenant.branding, tenant.name),
        service_name=names.get(language) or names.get(tenant.default_language) or row["service"],
        home_visit=service.get("location") == "home",
        language=language,
        zone=ZoneInfo(agenda.get("timezone") or tenant.timezone),
    )


def _load(rt: Runtime, appointment_id: str, tenant_id: str | None) -> _Loaded | None:
    """Return (row, agenda, branding, lead's language) of an appointment, through one connection."""
    where = [_TABLE.c.id == appointment_id] + ([_TABLE.c.tenant_id == tenant_id] if tenant_id else [])
    # One connection at a time: the appliance's SQLite pool holds a single one (see db/connection.py).
    with rt.transaction() as db:
        conn = db.connection()
        found = conn.execute(select(_TABLE).where(*where)).mappings().first()
        if found is None:
            return None
        row = dict(found)
        agenda = tenant_config(rt, conn, row["tenant_id"], "agenda")
        branding = tenant_config(rt, conn, row["tenant_id"], "branding")
        return row, agenda, branding, _lead_language(conn, row)


def _store(rt: Runtime, branding: dict[str, Any], tenant_name: str) -> dict[str, Any]:
    """Return the store as ics.invite() and the emails need it."""
    return {
        "name": branding.get("store_name") or tenant_name,
        "address": branding.get("address"),
        "phone": branding.get("phone"),
        "email": parseaddr(rt.settings.mail_from)[1],
    }


def _lead_language(conn: Connection, row: dict[str, Any]) -> str | None:
    if not row["lead_id"]:
        return None
    lead = Lead.__table__
    return conn.scalar(select(lead.c.language).where(lead.c.id == row["lead_id"], lead.c.tenant_id == row["tenant_id"]))
