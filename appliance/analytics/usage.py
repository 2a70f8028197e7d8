"""What the store's AI calls cost this hour, today and this month, against its monthly cap.

The modes: ``low_cost`` once this month's spend reached the cap (no more calls: the rules answer);
``economy`` once this hour's slice is spent (the cheap model and short texts); ``normal`` otherwise.
The slice is what was left of the month's cap when the hour began, divided by the hours left in
the month, so it is recomputed every hour and a quiet morning leaves more for a busy afternoon.
The cap is the plan's (the plans table: Base 10 €, Pro 25 €, Elite 100 € unless the operator changed
them; or the operator's ``Tenant.ai_monthly_cap_eur`` for one store),
or the store's own lower one (``monthly_cap_eur`` of its AI configuration). Hours, days and months
are the store's local ones; reservations of calls still running count as spent.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.ai import clock
from appliance.billing.plans import read_plan
from appliance.configs.newest import latest_config
from appliance.errors import NotFound
from appliance.infra.db import AIUsage, Tenant
from appliance.infra.runtime import Runtime


def usage_mode(
    month_spend: Decimal, cap: Decimal | None, hour_spend: Decimal = Decimal(0), hour_slice: Decimal | None = None
) -> str:
    """Return ``low_cost`` when the month's cap is reached, ``economy`` when this hour's slice is spent."""
    if cap is None:
        return "normal"
    if month_spend >= cap:
        return "low_cost"
    if hour_slice is not None and hour_spend >= hour_slice:
        return "economy"
    return "normal"


def hour_slice(cap: Decimal, spent_before_hour: Decimal, hour_start: datetime, month_end: datetime) -> Decimal:
    """Return what this hour may spend: what was left of the cap when it began ÷ the hours left."""
    # Real hours: a month with a daylight-saving change has one more or one less.
    real = month_end.astimezone(UTC) - hour_start.astimezone(UTC)
    hours_left = max(math.ceil(real.total_seconds() / 3600), 1)
    return (max(cap - spent_before_hour, Decimal(0)) / hours_left).quantize(Decimal("0.000001"))


def monthly_cap(db: Session, tenant: Tenant) -> tuple[Decimal | None, str | None]:
    """Return the cap in force and where it comes from (``plan`` or ``store``)."""
    plan = Decimal(str(plan_ai_cap(db, tenant)))
    own = (latest_config(db, tenant.id, "ai") or {}).get("monthly_cap_eur")
    store = Decimal(str(own)) if isinstance(own, int | float) and own > 0 else None
    if store is not None and store < plan:
        return store, "store"
    return plan, "plan"


def plan_ai_cap(db: Session, tenant: Tenant) -> float:
    """Return the monthly AI cap a store's plan gives it (the operator may have set another)."""
    if tenant.ai_monthly_cap_eur is not None:
        return float(tenant.ai_monthly_cap_eur)
    # Read from the plans table in the caller's transaction (the one that reserves a call's cost),
    # so an operator's new cap and the spend it is weighed against are seen together.
    return float(read_plan(db, tenant.plan).ai_cap_eur)


def windows(now: datetime, zone: ZoneInfo) -> dict[str, tuple[datetime, datetime]]:
    """Return the local hour, day and month around ``now`` as [start, end) instants."""
    local = now.astimezone(zone)
    hour = local.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    month = day.replace(day=1)
    # Days and months add in wall-clock time (a zoneinfo time recomputes its offset, so a day with
    # a daylight-saving change has 23 or 25 hours); an hour is 60 real minutes, so it adds in UTC.
    return {
        "hour": (hour, hour.astimezone(UTC) + timedelta(hours=1)),
        "day": (day, day + timedelta(days=1)),
        "month": (month, (month + timedelta(days=32)).replace(day=1)),
    }


def store_ai_usage(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the store's AI spend and calls this hour, today and this month, its cap and mode (see ai_usage)."""
    with rt.transaction() as db:
        return ai_usage(db, tenant_id)


def ai_usage(db: Session, tenant_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Return the AI spend and number of calls this hour, today and this month, the cap and the mode."""
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("This store does not exist.")
    spans = windows(now or clock.now(), ZoneInfo(tenant.timezone))
    spend: dict[str, Decimal] = {}
    calls: dict[str, int] = {}
    for name, (start, end) in spans.items():
        spend[name], calls[name] = _spent(db, tenant_id, start, end)
    cap, source = monthly_cap(db, tenant)
    month_start, month_end = spans["month"]
    hour_start = spans["hour"][0]
    share = None
    if cap is not None:
        share = hour_slice(cap, _spent(db, tenant_id, month_start, hour_start)[0], hour_start, month_end)
    return {
        "currency": "EUR",
        "timezone": tenant.timezone,
        "spend_eur": {name: float(amount) for name, amount in spend.items()},
        "calls": calls,
        "cap_eur": float(cap) if cap is not None else None,
        "cap_source": source,
        "month_share": round(float(spend["month"] / cap), 4) if cap else None,
        "hour_slice_eur": float(share) if share is not None else None,
        "mode": usage_mode(spend["month"], cap, spend["hour"], share),
        # Kept for clients of the first version of this answer: low-cost mode begins at the whole cap.
        "low_cost_from_share": 1.0,
    }


def _spent(db: Session, tenant_id: str, start: datetime, end: datetime) -> tuple[Decimal, int]:
    total, count = db.execute(
        select(func.sum(AIUsage.cost_eur), func.count()).where(
            AIUsage.tenant_id == tenant_id, AIUsage.created_at >= start, AIUsage.created_at < end
        )
    ).one()
    return Decimal(str(total or 0)), int(count)
