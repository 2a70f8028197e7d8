"""GET /v1/health."""

from __future__ import annotations

from typing import Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from appliance.errors import Unavailable
from appliance.infra.runtime import current_runtime
from appliance.operator.health import check_health
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("health", __name__, abp_tags=[Tag(name="health")])

CheckState = Literal["ok", "down"]


class HealthChecks(BaseModel):
    """The state of each part: "ok", or "down" when it does not answer."""

    database: CheckState
    cache: CheckState
    queue: CheckState
    storage: CheckState


class HealthOut(BaseModel):
    """The health report: "degraded" (still 200) when only a non-essential part is down, such as
    Redis (cache and queue) on the platform; without a database the answer is 503 instead."""

    status: Literal["ok", "degraded"]
    version: str
    mode: Literal["appliance", "platform"]
    checks: HealthChecks


@api.get("/health", responses={200: HealthOut, 503: ErrorEnvelope}, security=[])
def get_health() -> Response:
    """Report whether the program and the parts it needs are working."""
    report = check_health(current_runtime())
    if report["status"] == "down":
        raise Unavailable("The database is unreachable.", details={"checks": report["checks"]})
    return jsonify(report)
