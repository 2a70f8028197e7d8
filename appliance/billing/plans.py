"""The plans table, read through the cache by every check that depends on a store's plan.

A read costs one cache lookup (Redis on the platform, in-process in the appliance); the operator's
edit drops the cached copy so it applies to the next request. A plan missing from the table (a
database emptied by hand) falls back to the seed, so no check ever runs without limits.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from appliance.core.kinds import PLANS
from appliance.core.plans import DEFAULT_PLANS, PlanLimits, plan_changes
from appliance.errors import Invalid, NotFound
from appliance.infra import audit
from appliance.infra.db import Plan
from appliance.infra.runtime import Runtime

TTL_SECONDS = 60


def plan_limits(rt: Runtime, name: str) -> PlanLimits:
    """Return what the plan ``name`` gives, from the cache when fresh."""
    key = _key(name)
    hit = rt.cache.get(key)
    if hit is not None:
        return PlanLimits(**json.loads(hit))
    with rt.transaction() as db:
        limits = read_plan(db, name)
    rt.cache.set(key, json.dumps(limits.as_dict()), TTL_SECONDS)
    return limits


def teams_allowed(rt: Runtime, name: str) -> bool:
    """Tell whether a store on the plan ``name`` may have its alerts sent to Microsoft Teams."""
    return plan_limits(rt, name).has("teams_alerts")


def read_plan(db: Session, name: str) -> PlanLimits:
    """Return the plan ``name`` from the table (the seed when its row is missing)."""
    row = db.get(Plan, name)
    if row is None:
        return DEFAULT_PLANS.get(name, DEFAULT_PLANS["base"])
    return _limits(row)


def all_plans(rt: Runtime) -> list[dict[str, Any]]:
    """Return every plan, in the order base, pro, elite."""
    with rt.transaction() as db:
        return [read_plan(db, name).as_dict() for name in PLANS]


def update_plan(rt: Runtime, name: str, changes: dict[str, Any], actor: audit.Actor | None = None) -> dict[str, Any]:
    """Change a plan's limits or features (audited) and return it; the change applies at once."""
    if name not in PLANS:
        raise NotFound("There is no such plan.")
    with rt.transaction() as db:
        row = db.get(Plan, name) or _seed_row(db, name)
        updated, problems = plan_changes(_limits(row), changes)
        if problems:
            raise Invalid(problems)
        _store(row, updated)
        audit.record(
            db, "plan.updated", tenant_id=None, target_type="plan", target_id=name, details=changes, actor=actor
        )
    forget(rt, name)
    return updated.as_dict()


def seed_plans(rt: Runtime) -> None:
    """Put back every missing plan row from the seed (tests empty the tables between runs)."""
    with rt.transaction() as db:
        for name in PLANS:
            if db.get(Plan, name) is None:
                _seed_row(db, name)
    for name in PLANS:
        forget(rt, name)


def forget(rt: Runtime, name: str) -> None:
    """Drop the cached copy of a plan."""
    rt.cache.delete(_key(name))


def _seed_row(db: Session, name: str) -> Plan:
    row = Plan(name=name)
    _store(row, DEFAULT_PLANS[name])
    db.add(row)
    db.flush()
    return row


def _store(row: Plan, limits: PlanLimits) -> None:
    row.ai_cap_eur = limits.ai_cap_eur
    row.requests_per_minute = limits.requests_per_minute
    row.whatsapp_numbers = limits.whatsapp_numbers
    row.staff_seats = limits.staff_seats
    row.features = dict(limits.features)


def _limits(row: Plan) -> PlanLimits:
    return PlanLimits(
        row.name, row.ai_cap_eur, row.requests_per_minute, row.whatsapp_numbers, row.staff_seats, dict(row.features)
    )


def _key(name: str) -> str:
    return f"plan:{name}"
