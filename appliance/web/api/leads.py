"""A store's leads: list and search, one lead, changes, its conversation, CSV export, PDF summary."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, jsonify, stream_with_context
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.core.kinds import LEAD_STATUSES
from appliance.infra.runtime import current_runtime
from appliance.leads.detail import NOTES_MAX, edit_lead, read_lead, read_transcript
from appliance.leads.export import csv_download, export_leads_csv
from appliance.leads.photos import lead_file, lead_files
from appliance.leads.query import DEFAULT_LIMIT, MAX_LIMIT, LeadFilters, find_leads
from appliance.leads.summary import render_summary_pdf
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Body, Language
from appliance.web.errors import ErrorEnvelope
from appliance.web.files import file_response

api = APIBlueprint("leads", __name__, abp_tags=[Tag(name="leads")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope}
# Leads hold personal data: neither browsers nor proxies keep a copy.
PRIVATE = {"Cache-Control": "no-store"}


class LeadsQuery(LeadFilters):
    """The list's filters, sort order and page."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=500)


class LeadPath(BaseModel):
    """The lead in the path."""

    lead_id: str = Field(max_length=64)


class Contact(BaseModel):
    """How to reach the person (all null once they were erased)."""

    name: str | None
    email: str | None
    phone: str | None
    address: str | None = Field(default=None, description="The street address, for home visits.")


class LeadOut(BaseModel):
    """A lead as staff see it; ``score_breakdown`` adds up to ``score``."""

    id: str
    session_id: str | None
    status: Literal[LEAD_STATUSES]  # type: ignore[valid-type]
    score: int
    temperature: Literal["cold", "warm", "hot", "premium"]
    score_breakdown: dict[str, float]
    fields: dict[str, Any]
    contact: Contact
    language: str
    channel: str
    created_at: str
    updated_at: str
    assignee_id: str | None
    notes: str | None
    erased: bool


class Draft(BaseModel):
    """A text written for the lead, and who wrote it: the store's model or the template."""

    text: str
    source: Literal["model", "template"]


class LeadDetailOut(LeadOut):
    """One lead with the texts written for it (both null once the person was erased)."""

    proposal: Draft | None = Field(description="The preliminary proposal the visitor read, with its price range.")
    follow_up: Draft | None = Field(
        description="A follow-up message for staff to send a lead that did not book, with the person's name in it."
    )


class LeadPage(BaseModel):
    """A page of leads."""

    items: list[LeadOut]
    next_cursor: str | None


class ContactChange(Body):
    """A correction of the lead's contact: only the keys given change; an empty text removes one.
    A phone without a prefix is read in the store's country."""

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=300)


class LeadChange(Body):
    """What staff change on a lead; ``assignee_id`` null unassigns it, ``notes`` null clears them;
    ``contact`` corrects the contact (audited, and the score computed again)."""

    status: Literal[LEAD_STATUSES] | None = None  # type: ignore[valid-type]
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    assignee_id: str | None = Field(default=None, max_length=64)
    contact: ContactChange | None = None


class LeadFileOut(BaseModel):
    """A photo or plan the person sent, with where staff fetch it (and its thumbnail)."""

    id: str
    name: str = Field(description="The name the file had on the visitor's device (or photo.jpg, plan.pdf).")
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int
    created_at: str
    url: str = Field(description="GET it with the same token: /v1/leads/{lead_id}/files/{file_id}")
    thumbnail_url: str | None = Field(description="A JPEG of at most 320 px; null for a PDF.")


class LeadFiles(BaseModel):
    """The lead's files, oldest first."""

    items: list[LeadFileOut]


class LeadFilePath(BaseModel):
    """A file of the lead."""

    lead_id: str = Field(max_length=64)
    file_id: str = Field(max_length=64)


class LeadFileQuery(BaseModel):
    """Which form of the file."""

    size: Literal["full", "thumb"] = "full"


class TranscriptMessage(BaseModel):
    """One message of the lead's conversation, with the files the visitor sent in it."""

    id: str
    role: Literal["visitor", "bot", "staff", "system"]
    text: str | None
    block_id: str | None
    created_at: str
    attachments: list[LeadFileOut]
    channel: Literal["web", "whatsapp"] = Field(description="Where the message was said")
    source: Literal["model"] | None = Field(description="model: the store's AI model wrote this bot message")


class TranscriptPage(BaseModel):
    """The whole conversation, in order."""

    items: list[TranscriptMessage]
    next_cursor: str | None


class SummaryQuery(BaseModel):
    """The staff's language (default: the store's)."""

    lang: Language | None = None


@api.get("/leads", responses={200: LeadPage, **ERRORS}, security=STAFF)
def list_leads(query: LeadsQuery) -> Response:
    """List the store's leads, newest first by default; filter, search by name, email or phone, and page."""
    staff = current_staff("leads.read")
    items, next_cursor = find_leads(current_runtime(), staff.tenant_id, query, query.limit, query.cursor)
    return _private(jsonify({"items": items, "next_cursor": next_cursor}))


@api.get("/leads/export.csv", responses={200: None, **ERRORS}, security=STAFF)
def export_leads(query: LeadFilters) -> Response:
    """Download every lead matching the list's filters as CSV (UTF-8, spreadsheet-safe cells)."""
    staff = current_staff("leads.export")
    # Checked, refused or audited before the first byte; then streamed batch by batch.
    download = csv_download(export_leads_csv(current_runtime(), staff.tenant_id, query))
    body = stream_with_context(download.body)
    return _private(Response(body, mimetype=download.mimetype, headers=download.headers))


@api.get("/leads/<lead_id>", responses={200: LeadDetailOut, **ERRORS}, security=STAFF)
def get_lead(path: LeadPath) -> Response:
    """Return one lead."""
    staff = current_staff("leads.read")
    return _private(jsonify(read_lead(current_runtime(), staff.tenant_id, path.lead_id)))


@api.patch("/leads/<lead_id>", responses={200: LeadOut, 409: ErrorEnvelope, **ERRORS}, security=STAFF)
def change_lead(path: LeadPath, body: LeadChange) -> Response:
    """Change a lead's status, notes, assignee (a member of the store's team) or contact."""
    staff = current_staff("leads.write")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("contact") is None:
        changes.pop("contact", None)
    lead = edit_lead(current_runtime(), staff.tenant_id, path.lead_id, changes)
    return _private(jsonify(lead))


@api.get("/leads/<lead_id>/transcript", responses={200: TranscriptPage, **ERRORS}, security=STAFF)
def get_transcript(path: LeadPath) -> Response:
    """Return the conversation that produced the lead, visitor and bot, in order."""
    staff = current_staff("leads.read")
    items = read_transcript(current_runtime(), staff.tenant_id, path.lead_id)
    return _private(jsonify({"items": items, "next_cursor": None}))


@api.get("/leads/<lead_id>/summary.pdf", responses={200: None, **ERRORS}, security=STAFF)
def get_summary(path: LeadPath, query: SummaryQuery) -> Response:
    """Download the lead's branded PDF summary, in ``lang`` or the store's default language."""
    staff = current_staff("leads.export")
    pdf = render_summary_pdf(current_runtime(), staff.tenant_id, path.lead_id, query.lang)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{path.lead_id}.pdf"'
    return _private(response)


@api.get("/leads/<lead_id>/files", responses={200: LeadFiles, **ERRORS}, security=STAFF)
def list_lead_files(path: LeadPath) -> Response:
    """List the photos and plans the person sent (in the chat or on WhatsApp), oldest first."""
    staff = current_staff("leads.read")
    return _private(jsonify({"items": lead_files(current_runtime(), staff.tenant_id, path.lead_id)}))


@api.get("/leads/<lead_id>/files/<file_id>", responses={200: None, **ERRORS}, security=STAFF)
def get_lead_file(path: LeadFilePath, query: LeadFileQuery) -> Response:
    """Download one of the lead's files, decrypted, or its thumbnail (`size=thumb`, images only)."""
    staff = current_staff("leads.read")
    data, content_type, name = lead_file(
        current_runtime(), staff.tenant_id, path.lead_id, path.file_id, query.size == "thumb"
    )
    return _private(file_response(data, content_type, name))


def _private(response: Response) -> Response:
    response.headers.update(PRIVATE)
    return response
