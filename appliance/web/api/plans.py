"""The operator's plans under /v1/admin/plans: what each plan gives, edited in one place (audited).

The /v1/admin guard (appliance.web.api.admin) already refuses everyone but platform staff.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, StrictBool, StrictInt

from appliance.billing.plans import all_plans, update_plan
from appliance.infra.runtime import current_runtime
from appliance.web.api.models import Body
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("plans", __name__, abp_tags=[Tag(name="admin")])
OPERATOR = [{"apiToken": []}]
ERRORS = {403: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope}


class PlanPath(BaseModel):
    """The plan in the path."""

    name: str = Field(max_length=16)


class Features(Body):
    """Switches a plan turns on."""

    two_factor_required: StrictBool | None = None
    teams_alerts: StrictBool | None = None


class PlanChanges(Body):
    """The limits to change; the others stay as they are."""

    ai_cap_eur: StrictInt | None = Field(default=None, ge=0, le=100_000)
    requests_per_minute: StrictInt | None = Field(default=None, ge=1, le=100_000)
    whatsapp_numbers: StrictInt | None = Field(default=None, ge=0, le=100_000)
    staff_seats: StrictInt | None = Field(default=None, ge=1, le=100_000)
    features: Features | None = None


class PlanOut(BaseModel):
    """What one plan gives a store."""

    name: str
    ai_cap_eur: int
    requests_per_minute: int
    whatsapp_numbers: int
    staff_seats: int
    features: dict[str, bool]


@api.get("/admin/plans", responses={200: None, **ERRORS}, security=OPERATOR)
def list_plans() -> Response:
    """List the plans (base, pro, elite) with their limits and features."""
    return jsonify({"items": all_plans(current_runtime())})


@api.put("/admin/plans/<name>", responses={200: PlanOut, **ERRORS}, security=OPERATOR)
def put_plan(path: PlanPath, body: PlanChanges) -> Response:
    """Change a plan's limits or features; every store on it gets them at once."""
    changes = body.model_dump(exclude_none=True)
    return jsonify(update_plan(current_runtime(), path.name, changes))
