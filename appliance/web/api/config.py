"""A store's configuration documents: read the current one, save a new version, list versions."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.configs import documents as configs
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Page
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("config", __name__, abp_tags=[Tag(name="config")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope}
JSON_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}}


class KindPath(BaseModel):
    """Which configuration: branding, texts, widget, scoring, agenda, ai, retention or catalogue."""

    kind: str = Field(max_length=32)


class ConfigOut(BaseModel):
    """One version of a configuration."""

    kind: str
    version: int
    payload: dict
    created_at: str | None
    created_by: str | None


@api.get("/config/<kind>", responses={200: ConfigOut, **ERRORS}, security=STAFF)
def get_config(path: KindPath) -> Response:
    """Return the configuration in force (version 0 means the defaults, never saved)."""
    staff = current_staff("config.read")
    kind = configs.check_kind(path.kind)
    return jsonify(configs.current_config(current_runtime(), staff.tenant_id, kind))


@api.put(
    "/config/<kind>",
    responses={200: ConfigOut, 422: ErrorEnvelope, **ERRORS},
    security=STAFF,
    openapi_extensions=JSON_BODY,
)
def put_config(path: KindPath) -> Response:
    """Save a new version; a payload with problems is refused with every problem listed."""
    staff = current_staff("config.write")
    kind = configs.check_kind(path.kind)
    payload = request.get_json(silent=True)
    return jsonify(configs.put(current_runtime(), staff.tenant_id, kind, payload, staff.user_id))


@api.get("/config/<kind>/versions", responses={200: Page, **ERRORS}, security=STAFF)
def list_versions(path: KindPath) -> Response:
    """List every saved version, newest first."""
    staff = current_staff("config.read")
    kind = configs.check_kind(path.kind)
    items = configs.config_versions(current_runtime(), staff.tenant_id, kind)
    return jsonify({"items": items, "next_cursor": None})
