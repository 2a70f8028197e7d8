"""A store's numbers: KPIs over a period, and what its AI calls cost against the cap."""

from __future__ import annotations

from typing import Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.analytics.kpis import store_kpis
from appliance.analytics.usage import store_ai_usage
from appliance.infra.runtime import current_runtime
from appliance.web.api.auth import current_staff
from appliance.web.api.models import Day
from appliance.web.errors import ErrorEnvelope

api = APIBlueprint("analytics", __name__, abp_tags=[Tag(name="analytics")])
STAFF = [{"apiToken": []}]
ERRORS = {401: ErrorEnvelope, 403: ErrorEnvelope, 422: ErrorEnvelope}


class PeriodQuery(BaseModel):
    """Local days, both included (default: the last 30 days, today included)."""

    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None


class FunnelStep(BaseModel):
    """One step of the funnel, in order."""

    step: str
    count: int


class DropOff(BaseModel):
    """Conversations that stopped at a block and never finished (idle for 30 minutes or more)."""

    block_id: str
    sessions: int
    share: float | None


class KpisOut(BaseModel):
    """The store's KPIs over the period; rates are fractions (null when there is nothing to divide)."""

    from_: str = Field(alias="from")
    to: str
    timezone: str
    conversations: int
    completed_conversations: int
    leads: int
    leads_by_temperature: dict[str, int]
    appointments: int
    appointments_by_status: dict[str, int]
    no_shows: int
    conversion: dict[str, float | None]
    funnel: list[FunnelStep]
    drop_off: list[DropOff]


class UsageOut(BaseModel):
    """AI spend this local hour, day and month against the monthly cap, and the resulting mode."""

    currency: Literal["EUR"]
    timezone: str
    spend_eur: dict[str, float]
    calls: dict[str, int]
    cap_eur: float | None
    cap_source: Literal["plan", "store"] | None
    month_share: float | None
    hour_slice_eur: float | None
    mode: Literal["normal", "economy", "low_cost"]
    low_cost_from_share: float


@api.get("/analytics/kpis", responses={200: KpisOut, **ERRORS}, security=STAFF)
def get_kpis(query: PeriodQuery) -> Response:
    """Return conversations, leads (by temperature), appointments, no-shows, conversion, funnel and drop-off."""
    staff = current_staff("analytics.read")
    return jsonify(store_kpis(current_runtime(), staff.tenant_id, query.from_, query.to))


@api.get("/usage/ai", responses={200: UsageOut, **ERRORS}, security=STAFF)
def get_ai_usage() -> Response:
    """Return the AI spend this hour, today and this month, the cap, this hour's slice and the mode."""
    staff = current_staff("usage.read")
    return jsonify(store_ai_usage(current_runtime(), staff.tenant_id))
