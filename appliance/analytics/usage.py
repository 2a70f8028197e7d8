"""What the store's AI calls cost this hour, today and this month, against its monthly cap.

The rule for the mode: a store works in ``low_cost`` mode once this month's spend reaches 80 % of
its cap (the AI is then used sparingly and the rules do the rest), and in ``normal`` mode below
that. The cap is the plan's (``Tenant.ai_monthly_cap_eur``), or the store's own lower one when it
set ``monthly_cap_eur`` in its AI configuration. No cap at all means ``normal``; a cap of 0 means
no AI budget, so ``low_cost``. Hours, days and months are the store's local ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.configs.newest import latest_config
from appliance.errors import NotFound
from appliance.infra.db import AIUsage, Tenant, utcnow
from appliance.infra.runtime import Runtime

LOW_COST_SHARE = Decimal("0.8")


def usage_mode(month_spend: Decimal, cap: Decimal | None) -> str:
    """Return ``low_cost`` when this month's spend reached 80 % of the cap, else ``normal``."""
    if cap is None:
        return "normal"
    return "low_cost" if month_spend >= cap * LOW_COST_SHARE else "normal"


def monthly_cap(db: Session, tenant: Tenant) -> tuple[Decimal | None, str | None]:
    """Return the cap in force and where it comes from (``plan`` or ``store``), or (None, None)."""
    plan = Decimal(tenant.ai_monthly_cap_eur) if tenant.ai_monthly_cap_eur is not None else None
    own = (latest_config(db, tenant.id, "ai") or {}).get("monthly_cap_eur")
    store = Decimal(str(own)) if isinstance(own, int | float) and own > 0 else None
    if store is not None and (plan is None or store < plan):
        return store, "store"
    return plan, ("plan" if plan is not None else None)


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
    spend: dict[str, Decimal] = {}
    calls: dict[str, int] = {}
    for name, (start, end) in windows(now or utcnow(), ZoneInfo(tenant.timezone)).items():
        spend[name], calls[name] = _spent(db, tenant_id, start, end)
    cap, source = monthly_cap(db, tenant)
    return {
        "currency": "EUR",
        "timezone": tenant.timezone,
        "spend_eur": {name: float(amount) for name, amount in spend.items()},
        "calls": calls,
        "cap_eur": float(cap) if cap is not None else None,
        "cap_source": source,
        "month_share": round(float(spend["month"] / cap), 4) if cap else None,
        "mode": usage_mode(spend["month"], cap),
        "low_cost_from_share": float(LOW_COST_SHARE),
    }


def _spent(db: Session, tenant_id: str, start: datetime, end: datetime) -> tuple[Decimal, int]:
    total, count = db.execute(
        select(func.sum(AIUsage.cost_eur), func.count()).where(
            AIUsage.tenant_id == tenant_id, AIUsage.created_at >= start, AIUsage.created_at < end
        )
    ).one()
    return Decimal(str(total or 0)), int(count)
