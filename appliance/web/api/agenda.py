"""The store's agenda: free slots (staff and visitors), appointments (staff)."""

from __future__ import annotations

from typing import Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.agenda import appointments as agenda
from appliance.agenda.booking import BookingRequest, Change
from appliance.agenda.reminders import invite_ics
from appliance.infra.idempotency import check_key
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff, current_tenant_of_any_caller
from appliance.web.api.models import IDEMPOTENCY_KEY, Body, Day, Moment, Page
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("agenda", __name__, abp_tags=[Tag(name="agenda")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope}


class SlotsQuery(BaseModel):
    """Which service and which local days."""

    service: str = Field(max_length=64)
    from_: Day = Field(alias="from")
    to: Day


class RangeQuery(BaseModel):
    """Which local days."""

    from_: Day = Field(alias="from")
    to: Day


class SlotsOut(BaseModel):
    """Free slots in the store's time zone."""

    timezone: str
    slots: list[dict]


class AppointmentOut(BaseModel):
    """A booked visit, its times in the store's time zone."""

    id: str
    service: str
    start: str
    end: str
    status: str
    lead_id: str | None
    contact: dict
    postal_code: str | None
    notes: str | None
    mail: dict = Field(
        default_factory=dict,
        description="Per e-mail (invitation, cancellation, reminder_24h, reminder_2h): its `status` "
        "(sent, retrying, failed, no_email, mail_off), `at` and, on failure, the mail server's `code`.",
    )


class AppointmentBody(Body):
    """A booking made by staff (or a script) for a customer."""

    service: str = Field(max_length=64)
    start: Moment
    lead_id: str | None = Field(default=None, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    postal_code: str | None = Field(default=None, max_length=16)
    notes: str | None = Field(default=None, max_length=2000)


@api.get("/agenda/slots", responses={200: SlotsOut, **ERRORS}, security=[{"apiToken": []}, {"visitorToken": []}])
def get_slots(query: SlotsQuery) -> Response:
    """List the free slots of a service between two days (staff, or the visitor's widget)."""
    tenant_id = current_tenant_of_any_caller()
    return jsonify(agenda.slots(current_runtime(), tenant_id, query.service, query.from_, query.to))


@api.get("/appointments", responses={200: Page, **ERRORS}, security=STAFF)
def list_appointments(query: RangeQuery) -> Response:
    """List the appointments starting between two days, earliest first."""
    staff = current_staff("agenda.read")
    items = agenda.appointments(current_runtime(), staff.tenant_id, query.from_, query.to)
    return jsonify({"items": items, "next_cursor": None})


@api.post(
    "/appointments",
    responses={201: AppointmentOut, 409: ErrorEnvelope, 422: ErrorEnvelope, **ERRORS},
    security=STAFF,
    openapi_extensions={"parameters": [IDEMPOTENCY_KEY]},
)
def create_appointment(body: AppointmentBody) -> tuple[Response, int]:
    """Book a slot; 409 slot_taken if it was just taken (never more visits than the capacity)."""
    staff = current_staff("agenda.write")
    booking = BookingRequest(
        service=body.service,
        start=body.start,
        name=body.name,
        email=body.email,
        phone=body.phone,
        postal_code=body.postal_code,
        notes=body.notes,
        lead_id=body.lead_id,
        actor="staff",
        actor_user_id=staff.user_id,
    )
    key = check_key(request.headers.get("Idempotency-Key"))
    answer, replayed = agenda.create(current_runtime(), staff.tenant_id, booking, key, request.get_json())
    response = jsonify(answer)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


class AppointmentPath(BaseModel):
    """The appointment in the path."""

    appointment_id: str = Field(max_length=64)


class AppointmentChange(Body):
    """A new time (reschedule), a new status (cancel, no-show, completed) and/or notes."""

    start: Moment | None = None
    status: Literal["booked", "cancelled", "no_show", "completed"] | None = None
    notes: str | None = Field(default=None, max_length=2000)


@api.get("/appointments/<appointment_id>", responses={200: AppointmentOut, **ERRORS}, security=STAFF)
def get_appointment(path: AppointmentPath) -> Response:
    """Return one appointment."""
    staff = current_staff("agenda.read")
    return jsonify(agenda.one(current_runtime(), staff.tenant_id, path.appointment_id))


@api.patch(
    "/appointments/<appointment_id>",
    responses={200: AppointmentOut, 409: ErrorEnvelope, 422: ErrorEnvelope, **ERRORS},
    security=STAFF,
)
def change_appointment(path: AppointmentPath, body: AppointmentChange) -> Response:
    """Reschedule (409 slot_taken if the new time is full), cancel, mark a no-show, add notes."""
    staff = current_staff("agenda.write")
    what = Change(start=body.start, status=body.status, notes=body.notes, actor_user_id=staff.user_id)
    return jsonify(agenda.update(current_runtime(), staff.tenant_id, path.appointment_id, what))


@api.get(
    "/appointments/<appointment_id>/invite.ics",
    responses={200: None, **ERRORS},
    security=STAFF,
)
def get_invite(path: AppointmentPath) -> Response:
    """Return the calendar invitation (RFC 5545) of an appointment, a cancellation once cancelled."""
    staff = current_staff("agenda.read")
    calendar = invite_ics(current_runtime(), staff.tenant_id, path.appointment_id)
    response = Response(calendar, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{path.appointment_id}.ics"'
    return response
