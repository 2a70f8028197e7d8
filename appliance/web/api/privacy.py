"""GDPR requests about one person (a lead): export everything about them, or erase it."""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.infra.runtime import current_runtime
from appliance.privacy.erase import erase_subject
from appliance.privacy.export import export_subject, subject_file
from appliance.web.api.auth import current_staff
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("privacy", __name__, abp_tags=[Tag(name="privacy")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope}


class SubjectPath(BaseModel):
    """The person, by their lead."""

    lead_id: str = Field(max_length=64)


class SubjectFilePath(SubjectPath):
    """One of the person's files."""

    file_id: str = Field(max_length=64)


class SubjectExport(BaseModel):
    """Everything stored about the person (format ``ebanista.subject-export/1``)."""

    format: str
    exported_at: str
    lead: dict
    conversation: dict | None
    consents: list[dict]
    appointments: list[dict]
    files: list[dict]
    events: list[dict]


class ErasureOut(BaseModel):
    """What was erased (and the consent records kept as proof)."""

    lead_id: str
    erased: dict[str, int]


@api.get("/privacy/subjects/<lead_id>/export", responses={200: SubjectExport, **ERRORS}, security=STAFF)
def export(path: SubjectPath) -> Response:
    """Return everything stored about a person as JSON (GDPR access and portability); audited."""
    staff = current_staff("privacy.export")
    document = export_subject(current_runtime(), staff.tenant_id, path.lead_id)
    response = jsonify(document)
    response.headers["Content-Disposition"] = f'attachment; filename="{path.lead_id}.json"'
    return response


@api.get("/privacy/subjects/<lead_id>/files/<file_id>", responses={200: None, **ERRORS}, security=STAFF)
def export_file(path: SubjectFilePath) -> Response:
    """Return one of the person's files, decrypted (the export lists them with this address); audited."""
    staff = current_staff("privacy.export")
    data, content_type, _name = subject_file(current_runtime(), staff.tenant_id, path.lead_id, path.file_id)
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{path.file_id}"'
    return response


@api.delete("/privacy/subjects/<lead_id>", responses={200: ErasureOut, **ERRORS}, security=STAFF)
def erase(path: SubjectPath) -> Response:
    """Erase a person everywhere: messages, contact, files, appointments' details, caches; aggregates stay."""
    staff = current_staff("privacy.erase")
    counts = erase_subject(current_runtime(), staff.tenant_id, path.lead_id)
    return jsonify({"lead_id": path.lead_id, "erased": counts})
