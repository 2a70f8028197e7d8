"""The operator's view of the platform's health and a store's alert channel, under /v1/admin.

The /v1/admin guard (appliance.web.api.admin) already answers 404 to anyone but platform staff
and 403 to read-only staff on writes, before these handlers run.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.infra.runtime import current_runtime
from appliance.operator import alert_routes
from appliance.operator.platform_health import platform_health
from appliance.web.api.admin import ERRORS, OPERATOR, TenantPath
from appliance.web.api.models import Body
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("admin_health", __name__, abp_tags=[Tag(name="admin")])


class ServiceHealth(BaseModel):
    """One service: "ok" with its latency, or "down" with the kind of error ("timed out")."""

    status: Literal["ok", "down"]
    latency_ms: float | None
    error: str | None = None


class PlatformHealthOut(BaseModel):
    """Every service the platform runs on; "down" when the database is, "degraded" when another is."""

    status: Literal["ok", "degraded", "down"]
    version: str
    mode: Literal["appliance", "platform"]
    checked_in_ms: float
    services: dict[str, ServiceHealth]


class AlertRouteBody(Body):
    """The store's Microsoft Teams incoming webhook URL, or null to remove it (Elite and Enterprise only)."""

    teams_webhook_url: str | None = Field(max_length=2000)


class AlertRouteOut(BaseModel):
    """Whether the store's alerts also go to Teams (the URL is never shown again)."""

    tenant_id: str
    teams: dict[str, Any]


@api.get("/admin/health", responses={200: PlatformHealthOut, **ERRORS}, security=OPERATOR)
def get_platform_health() -> Response:
    """Check every service at once (each with its timeout; under a second) and report it with its latency."""
    return jsonify(platform_health(current_runtime()))


@api.get("/admin/tenants/<tenant_id>/alerts", responses={200: AlertRouteOut, **ERRORS}, security=OPERATOR)
def get_alert_route(path: TenantPath) -> Response:
    """Tell whether the store's alerts also go to its Teams channel."""
    return jsonify(alert_routes.alert_route(current_runtime(), path.tenant_id))


@api.put(
    "/admin/tenants/<tenant_id>/alerts",
    responses={200: AlertRouteOut, 409: ErrorEnvelope, **ERRORS},
    security=OPERATOR,
)
def put_alert_route(path: TenantPath, body: AlertRouteBody) -> Response:
    """Set or remove the store's Teams webhook for its alerts (409 ``plan_required`` below Elite)."""
    return jsonify(alert_routes.set_teams_url(current_runtime(), path.tenant_id, body.teams_webhook_url))
