"""The AI ledger and its cap: reserve a call's greatest cost before making it, settle what it cost.

Every call is a row of ``ai_usage`` (the store, the conversation it served, the model, its purpose
and tokens). The row is written *before* the call with the most the call can cost (its prompt and
``max_tokens`` at the model's prices), in a transaction that holds the store's row locked, so eight
conversations reserving at once see each other's reservations and the month's cap is never passed;
after the call the row is settled to what the tokens really cost. A call that timed out may have
been billed, so its reservation stays; one that never reached the server costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from appliance.ai import clock
from appliance.ai.prices import cost_eur
from appliance.analytics.usage import ai_usage
from appliance.core.ids import new_id
from appliance.infra.db import AIUsage, Tenant
from appliance.infra.runtime import Runtime


@dataclass(frozen=True)
class Call:
    """What a call is for and what it may cost at most."""

    tenant_id: str
    session_id: str | None
    purpose: str  # moderate, understand, propose, write
    model: str
    tokens_in: int
    max_tokens_out: int


def standing(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """Return the store's spend, cap, slice and mode now (see appliance.analytics.usage)."""
    with rt.transaction() as db:
        return ai_usage(db, tenant_id, clock.now())


def reserve(rt: Runtime, call: Call, prices: dict[str, dict[str, float]]) -> str | None:
    """Write the call's greatest cost to the ledger and return its id, or None if the cap cannot take it."""
    greatest = cost_eur(prices, call.model, call.tokens_in, call.max_tokens_out)
    with rt.transaction() as db:
        _lock_store(db, call.tenant_id)
        now = clock.now()
        usage = ai_usage(db, call.tenant_id, now)
        cap = usage["cap_eur"]
        if usage["mode"] == "low_cost":
            return None
        if cap is not None and Decimal(str(usage["spend_eur"]["month"])) + greatest > Decimal(str(cap)):
            return None
        row = AIUsage(
            id=new_id("ai"),
            tenant_id=call.tenant_id,
            session_id=call.session_id,
            provider="openai",
            model=call.model,
            purpose=call.purpose,
            tokens_in=0,
            tokens_out=0,
            cost_eur=greatest,
            created_at=now,
        )
        db.add(row)
        return row.id


def settle(rt: Runtime, usage_id: str, tokens: tuple[int, int] | None, prices: dict[str, dict[str, float]]) -> float:
    """Set a reserved call's cost to what its ``tokens`` (in, out) cost (None: it cost nothing);
    return that cost in euros."""
    with rt.transaction() as db:
        row = db.get(AIUsage, usage_id)
        if row is None:
            return 0.0
        tokens_in, tokens_out = tokens or (0, 0)
        cost = cost_eur(prices, row.model, tokens_in, tokens_out)
        db.execute(
            update(AIUsage)
            .where(AIUsage.id == usage_id)
            .values(tokens_in=tokens_in, tokens_out=tokens_out, cost_eur=cost)
        )
    return float(cost)


def _lock_store(db: Session, tenant_id: str) -> None:
    # PostgreSQL: one reservation at a time per store. SQLite's BEGIN IMMEDIATE already serialises writers.
    db.execute(select(Tenant.id).where(Tenant.id == tenant_id).with_for_update())
