"""How much each store is used: conversations and leads lately, AI spend this month.

Counts run as grouped queries over the (tenant_id, created_at) indexes, for one page of stores
at a time or for the whole platform; no personal data is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.infra.db import AIUsage, ChatSession, Lead, utcnow

USAGE_DAYS = 30


def month_start(now: datetime) -> datetime:
    """Return the first instant of ``now``'s month (UTC), where AI spend is counted from."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def usage_by_tenant(db: Session, tenant_ids: Sequence[str], now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Return {tenant_id: {"conversations_30d", "leads_30d", "ai_spend_month_eur"}} for ``tenant_ids``."""
    now = now or utcnow()
    since = now - timedelta(days=USAGE_DAYS)
    conversations = _count_by_tenant(db, ChatSession, tenant_ids, since)
    leads = _count_by_tenant(db, Lead, tenant_ids, since)
    spend = dict(
        db.execute(
            select(AIUsage.tenant_id, func.sum(AIUsage.cost_eur))
            .where(AIUsage.tenant_id.in_(tenant_ids), AIUsage.created_at >= month_start(now))
            .group_by(AIUsage.tenant_id)
        ).all()
    )
    return {
        tid: {
            "conversations_30d": conversations.get(tid, 0),
            "leads_30d": leads.get(tid, 0),
            "ai_spend_month_eur": euros(spend.get(tid)),
        }
        for tid in tenant_ids
    }


def _count_by_tenant(db: Session, model: Any, tenant_ids: Sequence[str], since: datetime) -> dict[str, int]:
    rows = db.execute(
        select(model.tenant_id, func.count())
        .where(model.tenant_id.in_(tenant_ids), model.created_at >= since)
        .group_by(model.tenant_id)
    )
    return {tid: int(count) for tid, count in rows}


def count_since(db: Session, model: Any, since: datetime) -> int:
    """Return how many rows of ``model`` (sessions, leads) were created since ``since``, all stores."""
    return int(db.scalar(select(func.count()).select_from(model).where(model.created_at >= since)) or 0)


def platform_spend(db: Session, now: datetime | None = None) -> float:
    """Return the AI spend of every store this month, in euros."""
    since = month_start(now or utcnow())
    return euros(db.scalar(select(func.sum(AIUsage.cost_eur)).where(AIUsage.created_at >= since)))


def euros(amount: Decimal | float | None) -> float:
    """Return an amount in euros as a JSON number, to the cent."""
    return round(float(amount or 0), 2)
