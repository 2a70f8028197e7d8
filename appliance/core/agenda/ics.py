"""Calendar invitations (RFC 5545 / iTIP RFC 5546) for an appointment: a pure function of plain data.

``invite(appointment, store, method=..., now=...)`` takes two dicts:

appointment
    ``ics_uid`` (str), ``ics_sequence`` (int, bumped by the caller on every reschedule or cancel),
    ``start_at`` / ``end_at`` (timezone-aware datetimes), ``service_name`` (already in ``language``),
    ``home_visit`` (bool: the store comes to the customer), ``postal_code`` (str | None),
    ``contact`` ({"name", "email", ...}; any may be missing), ``language`` ("es", "ca", "pt" or "en").
store
    ``name``, ``address`` (str | None), ``phone`` (str | None) and ``email``: the organizer's mailbox
    (the address part of the ``mail_from`` setting).

Times are written in UTC (``Z``) so no VTIMEZONE block is needed; calendars show them in local time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from appliance.core.agenda import mail_texts

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Ebanista//Ebanista Agenda 1.0//EN"
METHODS = ("REQUEST", "CANCEL")
# Control characters have no place in a property value; a stray CR or LF would start a new property.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def invite(appointment: dict[str, Any], store: dict[str, Any], *, method: str, now: datetime) -> str:
    """Return the VCALENDAR text (CRLF lines, folded at 75 octets) inviting to or cancelling a visit."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        *_event(appointment, store, method, now),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)


def _event(appointment: dict[str, Any], store: dict[str, Any], method: str, now: datetime) -> list[str]:
    language = mail_texts.supported(appointment.get("language"))
    home = bool(appointment.get("home_visit"))
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(appointment['ics_uid'])}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(appointment['start_at'])}",
        f"DTEND:{utc_stamp(appointment['end_at'])}",
        f"SEQUENCE:{int(appointment.get('ics_sequence') or 0)}",
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary(appointment, store))}",
        f"LOCATION:{escape_text(location(appointment, store, language))}",
        f"DESCRIPTION:{escape_text(mail_texts.description(language, home, store.get('phone')))}",
        "TRANSP:OPAQUE",
        f"ORGANIZER;CN={quote_param(store['name'])}:mailto:{_address(store['email'])}",
    ]
    email = (appointment.get("contact") or {}).get("email")
    if email:
        lines.append(_attendee(appointment, email))
    return [*lines, "END:VEVENT"]


def _attendee(appointment: dict[str, Any], email: str) -> str:
    name = (appointment.get("contact") or {}).get("name")
    params = f";CN={quote_param(name)}" if name else ""
    return f"ATTENDEE{params};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{_address(email)}"


def summary(appointment: dict[str, Any], store: dict[str, Any]) -> str:
    """Return the event's title: the service in the visitor's language, then the store."""
    return f"{appointment['service_name']} · {store['name']}"


def location(appointment: dict[str, Any], store: dict[str, Any], language: str) -> str:
    """Return where the visit happens: the showroom's address, or the customer's home."""
    if appointment.get("home_visit"):
        address = (appointment.get("contact") or {}).get("address")
        return mail_texts.home_location(language, appointment.get("postal_code"), address)
    return store.get("address") or store["name"]


def utc_stamp(moment: datetime) -> str:
    """Return an aware datetime as an RFC 5545 UTC DATE-TIME (20260302T083000Z)."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROLS.sub("", value)


def quote_param(value: str) -> str:
    """Return a parameter value as a quoted string (which cannot hold DQUOTE or control characters)."""
    return '"' + _CONTROLS.sub("", value.replace('"', "'").replace("\n", " ").replace("\r", " ")) + '"'


def _address(email: str) -> str:
    # A mail address inside a URI: whitespace and controls would break the line or the URI.
    return re.sub(r"[\s\x00-\x1f\x7f]", "", email)


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never splitting a UTF-8 character."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            # Continuation lines start with one space, which counts towards their 75 octets.
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)
