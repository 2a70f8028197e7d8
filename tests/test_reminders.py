"""Appointment emails: calendar invites, the confirmation, and 24 h / 2 h reminders sent exactly once.

A real SMTP server (aiosmtpd) listens on 127.0.0.1 and keeps what it receives, or answers with a
chosen error, so the whole path through smtplib is exercised.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest
from flask import Flask

from appliance.agenda.reminders import due_reminders, invite_ics, send_invitation, send_reminder
from appliance.configs.documents import save as save_config
from appliance.core.agenda import ics
from appliance.infra.db import Appointment, Lead, Tenant, utcnow
from appliance.infra.mail import MailError, send_mail
from appliance.infra.observability import configure_logging
from appliance.infra.runtime import Runtime
from appliance.infra.settings import load_settings
from appliance.jobs.scheduler import JOBS
from appliance.tenants.directory import forget, forget_config
from tests.conftest import Cast
from tests.mailbox import Inbox, free_port
from tests.test_agenda_api import auth, booking, first_slot

NOW = datetime(2030, 6, 3, 8, 0, tzinfo=UTC)
ADDRESS = "Carrer de Sueca 42, 46006 València"
PHONE = "+34 960 000 000"


@pytest.fixture
def store(rt: Runtime, cast: Cast) -> str:
    """Give tenant A a branded store with an address and a phone; return its id."""
    tenant_id = cast.tenant_a.id
    with rt.transaction() as session:
        payload = {"store_name": "Estudi Roure", "address": ADDRESS, "phone": PHONE}
        save_config(session, tenant_id, "branding", payload)
    forget_config(rt, tenant_id, "branding")
    return tenant_id


def add_appointment(rt: Runtime, tenant_id: str, start: datetime, **fields: Any) -> str:
    """Store an appointment directly (booking refuses times inside the store's notice)."""
    end = start + timedelta(hours=1)
    row = {
        "service": "showroom_visit",
        "contact": {"name": "Núria Vidal", "email": "nuria@example.com"},
        "ics_uid": f"{uuid.uuid4().hex}@ebanista",
    } | fields
    with rt.transaction() as session:
        appointment = Appointment(
            tenant_id=tenant_id, start_at=start, end_at=end, blocked_start_at=start, blocked_end_at=end, **row
        )
        session.add(appointment)
        session.flush()
        return appointment.id


def appointment(rt: Runtime, appointment_id: str) -> Appointment:
    with rt.sessions() as session:
        return session.get(Appointment, appointment_id)


def calendar_part(message: EmailMessage) -> EmailMessage:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


# --- the invite, a pure function ----------------------------------------------------------------------------------


def visit(**changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    start = datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
    appointment = {
        "ics_uid": "a0001@ebanista",
        "ics_sequence": 0,
        "start_at": start,
        "end_at": start + timedelta(hours=1),
        "service_name": "Visita a exposición",
        "home_visit": False,
        "postal_code": None,
        "contact": {"name": "Núria Vidal", "email": "nuria@example.com"},
        "language": "es",
    } | changes
    store = {"name": "Estudi Roure", "address": ADDRESS, "phone": PHONE, "email": "citas@ebanista.test"}
    return appointment, store


def unfolded(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def properties(text: str) -> dict[str, str]:
    """Read each property's value (the first one of each name), split after its parameters."""
    found: dict[str, str] = {}
    for line in unfolded(text):
        head, value = re.match(r'^((?:[^:"]|"[^"]*")*):(.*)$', line).groups()
        found.setdefault(head.split(";")[0], value)
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_an_invite_is_a_valid_calendar_with_uid_dtstamp_and_utc_times() -> None:
    text = ics.invite(*visit(), method="REQUEST", now=NOW)
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "a0001@ebanista"
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART") == datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Visita a exposición · Estudi Roure"
    assert str(event["LOCATION"]) == ADDRESS
    assert "Qué traer" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:citas@ebanista.test"
    assert event["ORGANIZER"].params["CN"] == "Estudi Roure"
    assert str(event["ATTENDEE"]) == "mailto:nuria@example.com"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    props = properties(text)
    assert props["DTSTART"] == "20300304T093000Z"
    assert props["DTSTAMP"] == "20300603T080000Z"


def test_an_invite_uses_crlf_and_folds_at_75_octets_without_splitting_a_character() -> None:
    long_name = "Cuines i Armaris de l'Àvia Núria " * 6
    text = ics.invite(*visit(service_name="Medició àèìòù ñç " * 8), method="REQUEST", now=NOW) + ics.invite(
        *visit(), method="REQUEST", now=NOW
    )
    store_text = ics.invite(visit()[0], visit()[1] | {"name": long_name}, method="REQUEST", now=NOW)
    for document in (text, store_text):
        raw = document.encode("utf-8")
        assert b"\n" not in raw.replace(b"\r\n", b"")
        physical = raw.split(b"\r\n")[:-1]
        assert any(line.startswith(b" ") for line in physical)
        for line in physical:
            assert len(line) <= 75
            line.decode("utf-8")  # each folded piece holds whole characters
    assert properties(store_text)["SUMMARY"] == ics.escape_text(f"Visita a exposición · {long_name}")


def test_an_invite_escapes_text_values() -> None:
    tricky = 'Cocina, baño; salón \\ "estudio"\ncon salto'
    text = ics.invite(*visit(service_name=tricky), method="REQUEST", now=NOW)
    summary = properties(text)["SUMMARY"]
    assert summary.startswith("Cocina\\, baño\\; salón \\\\")
    assert "\\n" in summary
    assert unescape(summary) == f"{tricky} · Estudi Roure"
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{tricky} · Estudi Roure"


def test_a_cancel_keeps_the_uid_and_says_cancelled() -> None:
    text = ics.invite(*visit(ics_sequence=2), method="CANCEL", now=NOW)
    props = properties(text)
    assert (props["METHOD"], props["STATUS"], props["SEQUENCE"], props["UID"]) == (
        "CANCEL",
        "CANCELLED",
        "2",
        "a0001@ebanista",
    )


def test_a_home_visit_takes_place_at_the_customers_home_in_their_language() -> None:
    text = ics.invite(*visit(home_visit=True, postal_code="46006", language="pt"), method="REQUEST", now=NOW)
    props = properties(text)
    assert unescape(props["LOCATION"]) == "A sua morada (CP 46006)"
    assert unescape(props["DESCRIPTION"]).startswith("O que trazer:")


def test_an_invite_without_a_customer_email_has_no_attendee() -> None:
    text = ics.invite(*visit(contact={"name": "Núria"}), method="REQUEST", now=NOW)
    assert "ATTENDEE" not in text


# --- the confirmation ---------------------------------------------------------------------------------------------


def test_a_booking_sends_one_invitation_with_the_ics_attached(
    mail_app: Flask, mrt: Runtime, cast: Cast, store: str, inbox: Inbox
) -> None:
    client = mail_app.test_client()
    slot = first_slot(client, cast.alice_token)
    created = client.post(
        "/v1/appointments", json=booking(slot, email="nuria@example.com"), headers=auth(cast.bob_token)
    )
    assert created.status_code == 201, created.get_json()
    appointment_id = created.get_json()["id"]
    # The booking service will enqueue this itself; a second enqueue of the same invite is a no-op.
    mrt.queue.enqueue("send_invitation", appointment_id, store)
    mrt.queue.enqueue("send_invitation", appointment_id, store)
    [message] = inbox.messages
    assert message["To"] == "nuria@example.com"
    assert message["Subject"] == "Cita confirmada con Estudi Roure"
    assert "Estudi Roure" in message["From"]
    assert "citas@ebanista.test" in message["From"]
    body = message.get_body(("plain",)).get_content()
    assert "¡Hola, Núria!" in body
    assert ADDRESS in body
    part = calendar_part(message)
    assert part.get_filename() == "invite.ics"
    assert part.get_param("method") == "REQUEST"
    raw = part.get_payload(decode=True)
    assert raw.count(b"\r\n") == raw.count(b"\n")
    text = raw.decode("utf-8")
    assert properties(text)["UID"] == appointment(mrt, appointment_id).ics_uid
    assert without_dtstamp(text) == without_dtstamp(invite_ics(mrt, store, appointment_id))


def without_dtstamp(text: str) -> str:
    return re.sub(r"DTSTAMP:\w+\r\n", "", text)


def test_a_cancelled_appointment_gets_a_cancel_invite(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(days=3), status="cancelled", ics_sequence=1)
    assert send_invitation(mrt, appointment_id, store) is True
    [message] = inbox.messages
    assert message["Subject"] == "Cita cancelada con Estudi Roure"
    part = calendar_part(message)
    assert part.get_param("method") == "CANCEL"
    props = properties(part.get_payload(decode=True).decode())
    assert (props["METHOD"], props["STATUS"], props["SEQUENCE"]) == ("CANCEL", "CANCELLED", "1")


def test_an_invitation_is_only_sent_for_the_appointments_own_store(
    mrt: Runtime, store: str, cast: Cast, inbox: Inbox
) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(days=3))
    assert send_invitation(mrt, appointment_id, cast.tenant_b.id) is False
    assert inbox.messages == []


# --- which reminders are due --------------------------------------------------------------------------------------


def test_due_reminders_at_the_24h_and_2h_boundaries(rt: Runtime, store: str, cast: Cast) -> None:
    at = {
        "24h_exactly": NOW + timedelta(hours=24),
        "just_past_24h": NOW + timedelta(hours=24, seconds=1),
        "just_past_2h": NOW + timedelta(hours=2, seconds=1),
        "2h_exactly": NOW + timedelta(hours=2),
        "in_a_second": NOW + timedelta(seconds=1),
        "now": NOW,
        "an_hour_ago": NOW - timedelta(hours=1),
    }
    ids = {name: add_appointment(rt, store, start) for name, start in at.items()}
    ids["other_store"] = add_appointment(rt, cast.tenant_b.id, NOW + timedelta(hours=10))
    ids["24h_sent"] = add_appointment(rt, store, NOW + timedelta(hours=5), reminder_24h_sent_at=NOW)
    ids["24h_sent_2h_due"] = add_appointment(rt, store, NOW + timedelta(minutes=90), reminder_24h_sent_at=NOW)
    ids["both_sent"] = add_appointment(
        rt, store, NOW + timedelta(minutes=30), reminder_24h_sent_at=NOW, reminder_2h_sent_at=NOW
    )
    ids["cancelled"] = add_appointment(rt, store, NOW + timedelta(hours=3), status="cancelled")
    ids["completed"] = add_appointment(rt, store, NOW + timedelta(hours=1), status="completed")
    names = {v: k for k, v in ids.items()}
    due = {(names[d.appointment_id], d.which) for d in due_reminders(rt, NOW)}
    assert due == {
        ("24h_exactly", "24h"),
        ("just_past_2h", "24h"),
        ("other_store", "24h"),
        ("2h_exactly", "2h"),
        ("in_a_second", "2h"),
        ("24h_sent_2h_due", "2h"),
    }


# --- sending reminders exactly once -------------------------------------------------------------------------------


def test_a_reminder_run_twice_sends_one_email(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=20))
    assert send_reminder(mrt, appointment_id, "24h") is True
    assert send_reminder(mrt, appointment_id, "24h") is False
    [message] = inbox.messages
    assert message["Subject"] == "Recordatorio: tu cita con Estudi Roure"
    body = message.get_body(("plain",)).get_content()
    assert "Te esperamos el" in body
    assert "Qué traer:" in body
    assert PHONE in body
    assert not list(message.iter_attachments())
    stored = appointment(mrt, appointment_id)
    assert stored.reminder_24h_sent_at is not None
    assert stored.reminder_2h_sent_at is None


def test_two_workers_racing_send_one_reminder(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=1))
    barrier = threading.Barrier(4)

    def worker(_n: int) -> bool:
        barrier.wait()
        return send_reminder(mrt, appointment_id, "2h")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(worker, range(4)))
    assert sorted(results) == [False, False, False, True]
    [message] = inbox.messages
    assert message["Subject"].startswith("Hoy a las ")


def test_a_temporary_smtp_failure_gives_the_claim_back_for_the_retry(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=20))
    inbox.answer = "451 4.3.0 Try again later"
    with pytest.raises(MailError) as raised:
        send_reminder(mrt, appointment_id, "24h")
    assert (raised.value.permanent, raised.value.code) == (False, 451)
    assert appointment(mrt, appointment_id).reminder_24h_sent_at is None
    inbox.answer = None
    assert send_reminder(mrt, appointment_id, "24h") is True
    assert len(inbox.messages) == 1
    assert appointment(mrt, appointment_id).reminder_24h_sent_at is not None


def test_a_permanent_refusal_keeps_the_claim(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=20))
    inbox.answer = "550 5.1.1 Mailbox unavailable"
    assert send_reminder(mrt, appointment_id, "24h") is False
    inbox.answer = None
    assert send_reminder(mrt, appointment_id, "24h") is False
    assert inbox.messages == []
    assert appointment(mrt, appointment_id).reminder_24h_sent_at is not None


def test_cancelled_appointments_get_no_reminders(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=1), status="cancelled")
    assert due_reminders(mrt, utcnow()) == []
    assert send_reminder(mrt, appointment_id, "2h") is False
    assert send_reminder(mrt, appointment_id, "24h") is False
    assert inbox.messages == []
    assert appointment(mrt, appointment_id).reminder_2h_sent_at is None


def test_a_customer_without_email_gets_nothing_and_nothing_fails(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=20), contact={"name": "Pere"})
    assert send_invitation(mrt, appointment_id, store) is False
    assert send_reminder(mrt, appointment_id, "24h") is False
    assert inbox.messages == []


def test_without_a_mail_server_nothing_is_sent_and_nothing_fails(rt: Runtime, store: str, inbox: Inbox) -> None:
    assert rt.settings.smtp_url is None
    appointment_id = add_appointment(rt, store, utcnow() + timedelta(hours=1))
    rt.queue.enqueue("send_invitation", appointment_id, store)
    rt.queue.enqueue("enqueue_due_reminders")
    assert send_invitation(rt, appointment_id, store) is False
    assert inbox.messages == []
    assert appointment(rt, appointment_id).reminder_2h_sent_at is not None


def test_the_scheduler_enqueues_due_reminders_every_five_minutes(mrt: Runtime, store: str, inbox: Inbox) -> None:
    assert ("enqueue_due_reminders", 300) in JOBS
    add_appointment(mrt, store, utcnow() + timedelta(hours=20))
    add_appointment(mrt, store, utcnow() + timedelta(hours=30))
    mrt.queue.enqueue("enqueue_due_reminders")
    mrt.queue.enqueue("enqueue_due_reminders")
    assert len(inbox.messages) == 1


def test_a_reminder_speaks_the_leads_language_else_the_stores(mrt: Runtime, store: str, inbox: Inbox) -> None:
    with mrt.transaction() as session:
        lead = Lead(tenant_id=store, language="pt")
        session.add(lead)
        session.flush()
        lead_id = lead.id
    add_appointment(mrt, store, utcnow() + timedelta(hours=20), lead_id=lead_id, service="measuring_visit")
    with mrt.transaction() as session:
        tenant = session.get(Tenant, store)
        tenant.default_language = "ca"
    forget(mrt, tenant)
    add_appointment(mrt, store, utcnow() + timedelta(hours=21))
    mrt.queue.enqueue("enqueue_due_reminders")
    portuguese, catalan = sorted(inbox.messages, key=lambda m: "Lembrete" not in m["Subject"])
    assert portuguese["Subject"] == "Lembrete: a sua marcação com Estudi Roure"
    assert "Vamos a sua casa" in portuguese.get_body(("plain",)).get_content()
    assert "Visita de medição ao domicílio" in portuguese.get_body(("plain",)).get_content()
    assert catalan["Subject"] == "Recordatori: la teva cita amb Estudi Roure"
    assert "T'esperem el " in catalan.get_body(("plain",)).get_content()


def test_the_logs_name_ids_and_codes_never_the_customer(mrt: Runtime, store: str, inbox: Inbox, tmp_path: Any) -> None:
    stream = io.StringIO()
    configure_logging(load_settings({}, {"data_dir": tmp_path, "log_format": "json"}), stream=stream)
    try:
        refused = add_appointment(mrt, store, utcnow() + timedelta(hours=20))
        inbox.answer = "550 5.1.1 <nuria@example.com>: no such user"
        send_reminder(mrt, refused, "24h")
        inbox.answer = None
        sent = add_appointment(mrt, store, utcnow() + timedelta(hours=1))
        send_reminder(mrt, sent, "2h")
    finally:
        configure_logging(load_settings({}, {"data_dir": tmp_path}))
    output = stream.getvalue()
    events = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert {"event": "reminder_refused", "code": 550, "appointment_id": refused}.items() <= next(
        e for e in events if e["event"] == "reminder_refused"
    ).items()
    assert any(e["event"] == "appointment_mail_sent" and e["appointment_id"] == sent for e in events)
    for private in ("nuria", "Núria", "Vidal", "example.com"):
        assert private not in output


# --- the SMTP chokepoint ------------------------------------------------------------------------------------------


def test_an_unreachable_mail_server_is_a_temporary_failure(tmp_path: Any) -> None:
    settings = load_settings({}, {"data_dir": tmp_path, "smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    with pytest.raises(MailError) as raised:
        send_mail(settings, "nuria@example.com", "Hola", "Hola", [])
    assert raised.value.permanent is False


def status_of(rt: Runtime, appointment_id: str) -> dict[str, Any]:
    return {kind: entry["status"] for kind, entry in (appointment(rt, appointment_id).mail_log or {}).items()}


def test_each_emails_fate_is_recorded_for_staff(mrt: Runtime, store: str, inbox: Inbox) -> None:
    appointment_id = add_appointment(mrt, store, utcnow() + timedelta(hours=20))
    assert send_invitation(mrt, appointment_id, store) is True
    inbox.answer = "451 4.3.0 Try again later"
    with pytest.raises(MailError):
        send_reminder(mrt, appointment_id, "24h")
    assert status_of(mrt, appointment_id) == {"invitation": "sent", "reminder_24h": "retrying"}
    assert appointment(mrt, appointment_id).mail_log["reminder_24h"]["code"] == 451
    inbox.answer = "550 5.1.1 Mailbox unavailable"
    assert send_reminder(mrt, appointment_id, "24h") is False
    assert status_of(mrt, appointment_id)["reminder_24h"] == "failed"


def test_a_missing_address_or_mail_server_is_recorded_as_such(rt: Runtime, mrt: Runtime, store: str) -> None:
    no_email = add_appointment(mrt, store, utcnow() + timedelta(hours=20), contact={"name": "Pere"})
    send_invitation(mrt, no_email, store)
    assert status_of(mrt, no_email) == {"invitation": "no_email"}
    unconfigured = add_appointment(rt, store, utcnow() + timedelta(hours=20))
    send_invitation(rt, unconfigured, store)
    assert status_of(rt, unconfigured) == {"invitation": "mail_off"}
