"""The plan limits checked where staff add things: seats, WhatsApp numbers, and two-factor sign-in.

Checks that run inside the caller's transaction read the plan through that transaction (a second
connection would wait on the appliance's single SQLite connection); the others use the cache.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.billing.plans import plan_limits, read_plan
from appliance.core.plans import PlanLimits
from appliance.errors import Conflict
from appliance.infra.db import Membership, Tenant, User, WhatsAppChannel
from appliance.infra.runtime import Runtime

PLAN_LIMIT = "plan_limit"


def check_seat_free(db: Session, tenant: Tenant) -> None:
    """Raise 409 ``plan_limit`` when every staff seat of the store's plan is taken (invitations included)."""
    plan = read_plan(db, tenant.plan)
    taken = seats_taken(db, tenant.id)
    if taken >= plan.staff_seats:
        raise _full(plan, "staff_seats", taken, f"The {plan.name} plan has {plan.staff_seats} staff seats, all taken.")


def check_number_free(db: Session, tenant: Tenant) -> None:
    """Raise 409 ``plan_limit`` when the store already has as many WhatsApp numbers as its plan gives."""
    plan = read_plan(db, tenant.plan)
    taken = numbers_taken(db, tenant.id)
    if taken >= plan.whatsapp_numbers:
        message = f"The {plan.name} plan allows {plan.whatsapp_numbers} WhatsApp number(s)."
        raise _full(plan, "whatsapp_numbers", taken, message)


def seats_taken(db: Session, tenant_id: str) -> int:
    """Return how many people are in the store's team (invited ones hold a seat too)."""
    return db.scalar(select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)) or 0


def numbers_taken(db: Session, tenant_id: str) -> int:
    """Return how many WhatsApp numbers the store has connected."""
    count = select(func.count()).select_from(WhatsAppChannel).where(WhatsAppChannel.tenant_id == tenant_id)
    return db.scalar(count) or 0


def second_factor_required(rt: Runtime, email: str) -> bool:
    """Tell whether the person with ``email`` works for a store whose plan requires two-factor sign-in."""
    with rt.transaction() as db:
        plans = db.scalars(
            select(Tenant.plan)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email.strip().lower())
        ).all()
    return any(plan_limits(rt, plan).has("two_factor_required") for plan in set(plans))


def _full(plan: PlanLimits, limit: str, taken: int, message: str) -> Conflict:
    details = {"plan": plan.name, "limit": limit, "allowed": getattr(plan, limit), "used": taken}
    return Conflict(message + " Ask the platform for a larger plan.", code=PLAN_LIMIT, details=details)
