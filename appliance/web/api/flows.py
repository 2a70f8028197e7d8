"""A store's flow versions: list, read, create drafts, publish, unpublish, roll back."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from appliance.flows import versions as flows
from appliance.flows.versions import FlowVersion
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Body, Page, Version
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("flows", __name__, abp_tags=[Tag(name="flows")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope}
FLOW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FlowDocument"}}},
    }
}


class FlowOut(BaseModel):
    """One version of the flow."""

    version: int
    name: str
    state: str
    created_at: str
    published_at: str | None
    published_by: str | None
    document: dict[str, Any] | None = None


class VersionPath(BaseModel):
    """The version in the path."""

    version: Version


class RollbackBody(Body):
    """Which earlier published version to bring back."""

    to_version: Version


def flow_json(flow: FlowVersion, *, with_document: bool = False) -> dict[str, Any]:
    """Return a flow version as the API shows it."""
    return {
        "version": flow.version,
        "name": flow.name,
        "state": flow.state,
        "created_at": flow.created_at.isoformat(),
        "published_at": flow.published_at.isoformat() if flow.published_at else None,
        "published_by": flow.published_by,
        "document": flow.document if with_document else None,
    }


@api.get("/flows", responses={200: Page, **ERRORS}, security=STAFF)
def list_flows() -> Response:
    """List every version, newest first, with who published when."""
    staff = current_staff("flows.read")
    items = [flow_json(f) for f in flows.flow_versions(current_runtime(), staff.tenant_id)]
    return jsonify({"items": items, "next_cursor": None})


@api.get("/flows/<int:version>", responses={200: FlowOut, **ERRORS}, security=STAFF)
def get_flow(path: VersionPath) -> Response:
    """Return one version with its document."""
    staff = current_staff("flows.read")
    flow = flows.flow_version(current_runtime(), staff.tenant_id, path.version)
    return jsonify(flow_json(flow, with_document=True))


@api.post(
    "/flows", responses={201: FlowOut, 422: ErrorEnvelope, **ERRORS}, security=STAFF, openapi_extensions=FLOW_BODY
)
def create_flow() -> tuple[Response, int]:
    """Save a new draft version; a document with problems is refused with every problem listed."""
    staff = current_staff("flows.write")
    draft = flows.save_draft(current_runtime(), staff.tenant_id, request.get_json(silent=True), staff.user_id)
    return jsonify(flow_json(draft, with_document=True)), 201


@api.post("/flows/<int:version>/publish", responses={200: FlowOut, **ERRORS}, security=STAFF)
def publish_flow(path: VersionPath) -> Response:
    """Make this version the one new conversations use (conversations in progress keep theirs)."""
    staff = current_staff("flows.write")
    return jsonify(flow_json(flows.publish_version(current_runtime(), staff.tenant_id, path.version, staff.user_id)))


@api.post("/flows/<int:version>/unpublish", responses={200: FlowOut, **ERRORS}, security=STAFF)
def unpublish_flow(path: VersionPath) -> Response:
    """Take this version offline."""
    staff = current_staff("flows.write")
    return jsonify(flow_json(flows.unpublish_version(current_runtime(), staff.tenant_id, path.version)))


@api.post("/flows/rollback", responses={200: FlowOut, **ERRORS}, security=STAFF)
def rollback_flow(body: RollbackBody) -> Response:
    """Publish again an earlier version."""
    staff = current_staff("flows.write")
    return jsonify(flow_json(flows.roll_back(current_runtime(), staff.tenant_id, body.to_version, staff.user_id)))
