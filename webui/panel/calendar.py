"""Calendar: week and month views of appointments; book, reschedule (drag or form), cancel, mark no-shows.

Every change goes through appliance.agenda.appointments, which checks the slot again and audits. The
calendar shows times in the store's zone as "floating" local times (no offset), so a browser in
another zone still shows the store's clock; a floating time sent back is read in the store's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from appliance.agenda import appointments as agenda
from appliance.agenda.booking import BookingRequest, Change
from appliance.agenda.catalogue import service_names
from appliance.agenda.opening import opening_day
from appliance.agenda.reminders import invite_ics
from appliance.errors import AppError, Conflict, Invalid, NotFound
from appliance.infra.runtime import current_runtime
from appliance.leads.detail import read_lead
from webui.panel.blueprint import panel
from webui.panel.present import word
from webui.ui.auth import Principal, in_store, require

STATUS_COLOURS = {"booked": "#047857", "completed": "#2563eb", "no_show": "#b91c1c", "cancelled": "#98a2b3"}
ACTIONS = {"cancel": "cancelled", "no_show": "no_show", "restore": "booked", "complete": "completed"}
DAYS_OFFERED = 90  # the day pickers list this many days ahead


def day_choices(first: date, selected: date, count: int = DAYS_OFFERED) -> list[tuple[str, str, bool]]:
    """Return (ISO day, the day in the staff member's language, selected) for a day picker: a list,
    not the browser's date input, so the days read in the panel's language whatever the browser's."""
    days = [first + timedelta(days=n) for n in range(count)]
    if selected not in days:
        days = sorted({*days, selected})
    return [(d.isoformat(), format_date(d, "EEEE d MMMM y"), d == selected) for d in days]


def _services(tenant_id: str) -> dict[str, str]:
    return service_names(current_runtime(), tenant_id, str(get_locale()))


def _floating(iso: str) -> str:
    """Drop the offset of a store-local ISO time, for the calendar (see the module docstring)."""
    return iso[:19]


def _store_time(value: str, principal: Principal) -> datetime:
    """Read a time from a form or the calendar: with an offset as given, without one in the store's zone."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(principal.tenant_timezone))


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return default


@panel.get("/calendar")
@require("agenda.read")
def calendar() -> str:
    """Show the calendar with the booking form beside it (filled in from a lead when one is given)."""
    principal, tenant_id = in_store()
    lead = read_lead(current_runtime(), tenant_id, request.args["lead"]) if request.args.get("lead") else None
    try:
        services = _services(tenant_id)
    except NotFound:
        services = {}
    today = datetime.now(ZoneInfo(principal.tenant_timezone)).date()
    opens = opening_day(current_runtime(), tenant_id, principal.tenant_timezone)
    options = _options(principal, _day(request.args.get("date"), opens))
    days = day_choices(today, opens)
    return render_template("panel/calendar.html", services=services, lead=lead, days=days, options=options)


def _options(principal: Principal, shown: date) -> dict[str, Any]:
    """Return the calendar's settings in the page's language (its own button labels are English)."""
    return {
        "locale": str(get_locale()),
        "date": shown.isoformat(),
        "editable": principal.can("agenda.write"),
        "eventsUrl": url_for("panel.calendar_events"),
        "detailUrl": url_for("panel.appointment", appointment_id="APPOINTMENT"),
        "moveUrl": url_for("panel.appointment_move", appointment_id="APPOINTMENT"),
        "buttonText": {
            "today": _("Today"),
            "dayGridMonth": _("Month"),
            "timeGridWeek": _("Week"),
            "timeGridDay": _("Day"),
            "listWeek": _("List"),
            "prev": _("Previous"),
            "next": _("Next"),
        },
        "noEvents": _("No appointments"),
        # EventCalendar's "+2 more" in a full day of the month view; NUM is replaced by the count.
        "moreLink": _("+%(count)s more", count="NUM"),
        "moveFailed": _("The appointment could not be moved there."),
        "loadFailed": _("The appointments could not be loaded. Reload the page."),
    }


@panel.get("/calendar/events.json")
@require("agenda.read")
def calendar_events() -> Response:
    """Return the appointments between ``start`` and ``end`` as calendar events."""
    principal, tenant_id = in_store()
    today = datetime.now(ZoneInfo(principal.tenant_timezone)).date()
    first = _day(request.args.get("start"), today)
    last = max(first, _day(request.args.get("end"), first + timedelta(days=7)))
    try:
        items = agenda.appointments(current_runtime(), tenant_id, first, min(last, first + timedelta(days=42)))
        services = _services(tenant_id)
    except NotFound:
        return jsonify([])
    return jsonify([_event(a, services) for a in items])


def _event(appointment: dict[str, Any], services: dict[str, str]) -> dict[str, Any]:
    who = appointment["contact"].get("name") or "—"
    status = appointment["status"]
    return {
        "id": appointment["id"],
        "title": f"{services.get(appointment['service'], appointment['service'])} · {who}",
        "start": _floating(appointment["start"]),
        "end": _floating(appointment["end"]),
        "backgroundColor": STATUS_COLOURS.get(status, "#047857"),
        "editable": status == "booked",
        "extendedProps": {"status": status},
    }


@panel.get("/calendar/slots")
@require("agenda.read")
def calendar_slots() -> str:
    """Return the free times of a service on one day, as choices for the booking or reschedule form."""
    principal, tenant_id = in_store()
    service = request.args.get("service", "")
    day = _day(request.args.get("day"), datetime.now(ZoneInfo(principal.tenant_timezone)).date())
    try:
        found = agenda.slots(current_runtime(), tenant_id, service, day, day)["slots"] if service else []
    except (Invalid, NotFound):
        found = []
    free = [slot for slot in found if slot.get("available", 1) > 0]
    current = request.args.get("current", "")
    if current[:10] == day.isoformat() and all(slot["start"] != current for slot in free):
        # The appointment being moved holds its own time: offer it first, chosen, as "keep the time".
        free = sorted([*free, {"start": current, "current": True}], key=lambda slot: slot["start"])
    return render_template("panel/_slots.html", slots=free, service=service, current=current)


@panel.post("/calendar/appointments")
@require("agenda.write")
def appointment_create() -> Response:
    """Book an appointment for a customer (staff booking)."""
    principal, tenant_id = in_store()
    form = request.form
    try:
        booking = BookingRequest(
            service=form.get("service", ""),
            start=_store_time(form.get("start", ""), principal),
            name=form.get("name", "").strip(),
            email=form.get("email", "").strip() or None,
            phone=form.get("phone", "").strip() or None,
            postal_code=form.get("postal_code", "").strip() or None,
            notes=form.get("notes", "").strip() or None,
            lead_id=form.get("lead_id") or None,
            actor="staff",
            actor_user_id=principal.user_id,
        )
        agenda.create(current_runtime(), tenant_id, booking, None, None)
    except ValueError:
        flash(_("Pick a free time first."), "error")
    except AppError as exc:
        flash(_refusal(exc), "error")
    else:
        flash(_("The appointment is booked. The customer gets an invitation by e-mail if they gave one."), "success")
    return redirect(url_for("panel.calendar"))


def _refusal(exc: AppError) -> str:
    """Say in the panel's language why the agenda refused a booking or a change."""
    if isinstance(exc, Conflict):
        return _("That time was just taken. Pick another one.")
    if isinstance(exc, Invalid):
        paths = {p.get("path") for p in exc.details.get("problems", [])}
        if "postal_code" in paths:
            return _("That postcode is outside the area the store visits.")
        if "name" in paths:
            return _("Write the customer's name.")
        return _("That time cannot be booked: pick one of the free times.")
    if isinstance(exc, NotFound):
        return _("That appointment no longer exists.")
    return _("The agenda refused the change.")


@panel.get("/calendar/appointments/<appointment_id>")
@require("agenda.read")
def appointment(appointment_id: str) -> str:
    """Show one appointment with its actions (a fragment for the side panel, or a page of its own)."""
    principal, tenant_id = in_store()
    found = agenda.one(current_runtime(), tenant_id, appointment_id)
    lang = str(get_locale())
    own_day = date.fromisoformat(found["start"][:10])
    today = datetime.now(ZoneInfo(principal.tenant_timezone)).date()
    context = {
        "a": found,
        "services": _services(tenant_id),
        "status_word": word("appointment", found["status"], lang),
        "day": found["start"][:10],
        "days": day_choices(min(today, own_day), own_day),
    }
    if request.headers.get("HX-Request"):
        return render_template("panel/_appointment.html", **context)
    return render_template("panel/appointment.html", **context)


@panel.get("/calendar/appointments/<appointment_id>/invite.ics")
@require("agenda.read")
def appointment_ics(appointment_id: str) -> Response:
    """Download the appointment's calendar file as the customer got it (a cancellation once cancelled)."""
    _principal, tenant_id = in_store()
    calendar = invite_ics(current_runtime(), tenant_id, appointment_id)
    response = Response(calendar, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{appointment_id}.ics"'
    return response


@panel.post("/calendar/appointments/<appointment_id>")
@require("agenda.write")
def appointment_change(appointment_id: str) -> Response:
    """Reschedule (a new free time), cancel, mark a no-show, mark done or restore an appointment."""
    principal, tenant_id = in_store()
    agenda.one(current_runtime(), tenant_id, appointment_id)  # another store's appointment is a 404, not a message
    action = request.form.get("action", "")
    try:
        if action == "reschedule":
            what = Change(start=_store_time(request.form.get("start", ""), principal), actor_user_id=principal.user_id)
        elif action in ACTIONS:
            what = Change(status=ACTIONS[action], actor_user_id=principal.user_id)
        else:
            raise ValueError(action)
        agenda.update(current_runtime(), tenant_id, appointment_id, what)
    except ValueError:
        flash(_("Pick a free time first."), "error")
    except AppError as exc:
        flash(_refusal(exc), "error")
    else:
        flash(_("The appointment was updated."), "success")
    return redirect(url_for("panel.calendar", date=request.form.get("day") or None))


@panel.post("/calendar/appointments/<appointment_id>/move")
@require("agenda.write")
def appointment_move(appointment_id: str) -> tuple[Response, int] | Response:
    """Move an appointment dragged in the calendar (JSON in, JSON out; the client undoes a refused move)."""
    principal, tenant_id = in_store()
    agenda.one(current_runtime(), tenant_id, appointment_id)
    body = request.get_json(silent=True) or {}
    try:
        start = _store_time(str(body.get("start", "")), principal)
        moved = agenda.update(
            current_runtime(), tenant_id, appointment_id, Change(start=start, actor_user_id=principal.user_id)
        )
    except ValueError:
        return jsonify({"error": _("Pick a free time first.")}), 422
    except AppError as exc:
        return jsonify({"error": _refusal(exc)}), exc.status
    return jsonify({"start": _floating(moved["start"]), "end": _floating(moved["end"])})
