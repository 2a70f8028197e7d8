"""The usage ledger: one entry per billable use, with its category and the price the store set.

WhatsApp records one entry per message Meta accepted; the AI reads and writes the same table
under its own kind. An entry is written once per reference, however often it is recorded.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select

from appliance.core.ids import new_id
from appliance.infra.db import UsageEntry, utcnow
from appliance.infra.runtime import Runtime

_TABLE = UsageEntry.__table__


def record_usage(
    conn: Connection, tenant_id: str, kind: str, category: str, amount_eur: Decimal, reference: str
) -> bool:
    """Add one entry unless ``reference`` already has one of this kind; tell whether it was added."""
    known = conn.scalar(
        select(_TABLE.c.id).where(
            _TABLE.c.tenant_id == tenant_id, _TABLE.c.kind == kind, _TABLE.c.reference == reference
        )
    )
    if known is not None:
        return False
    values = {"id": new_id("use"), "tenant_id": tenant_id, "kind": kind, "category": category}
    conn.execute(
        insert(_TABLE).values(**values, quantity=1, amount_eur=amount_eur, reference=reference, created_at=utcnow())
    )
    return True


def usage_since(rt: Runtime, tenant_id: str, kind: str, since: datetime) -> dict[str, Any]:
    """Return the number of uses and their cost per category since ``since``, and the totals."""
    with rt.transaction() as db:
        rows = db.execute(
            select(_TABLE.c.category, func.sum(_TABLE.c.quantity), func.sum(_TABLE.c.amount_eur))
            .where(_TABLE.c.tenant_id == tenant_id, _TABLE.c.kind == kind, _TABLE.c.created_at >= since)
            .group_by(_TABLE.c.category)
        ).all()
    by_category = {row[0]: {"count": int(row[1] or 0), "amount_eur": float(row[2] or 0)} for row in rows}
    return {
        "since": since.isoformat(),
        "count": sum(c["count"] for c in by_category.values()),
        "amount_eur": round(sum(c["amount_eur"] for c in by_category.values()), 6),
        "by_category": by_category,
    }
