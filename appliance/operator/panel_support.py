"""What the admin panel needs beyond the admin API: the platform's own staff (list, add, switch off).

Platform staff are users with a platform role (SUPER_ADMIN, or INTERNAL for read-only work). A new
one gets a random first password, shown once to the operator who added them; switching someone off
also revokes their platform api tokens, since a token outlives the session it was made in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.accounts import second_factor
from appliance.core.kinds import PLATFORM_ROLES
from appliance.errors import Conflict, Invalid, NotFound
from appliance.infra.audit import Actor, record
from appliance.infra.db import ApiToken, Audit, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.passwords import generate_password
from appliance.tenants.registry import upsert_user


@dataclass(frozen=True)
class StaffMember:
    """One person of the platform's staff, as the panel lists them."""

    id: str
    email: str
    name: str
    role: str
    is_active: bool
    two_factor: bool
    last_login_at: datetime | None


def list_platform_staff(rt: Runtime) -> list[StaffMember]:
    """Return every user with a platform role, active ones first, by e-mail."""
    with rt.transaction() as db:
        users = db.scalars(
            select(User).where(User.platform_role.is_not(None)).order_by(User.is_active.desc(), User.email)
        )
        return [
            StaffMember(
                u.id, u.email, u.name, u.platform_role or "", u.is_active, second_factor.enabled(u), u.last_login_at
            )
            for u in users
        ]


def add_platform_staff(rt: Runtime, email: str, name: str, role: str, actor: Actor | None = None) -> tuple[str, str]:
    """Create a platform user with ``role`` and a random first password; return (user id, password).

    An address that already has an account is refused (409): turning a store's user into platform
    staff, or resetting someone's password, must not happen by accident."""
    if role not in PLATFORM_ROLES:
        raise Invalid([{"path": "role", "message": f"must be one of {', '.join(PLATFORM_ROLES)}"}])
    password = generate_password()
    with rt.transaction() as db:
        if db.scalar(select(User.id).where(User.email == email.strip().lower())):
            raise Conflict("An account with that e-mail address already exists.", code="email_taken")
        user = upsert_user(db, email, password, name=name.strip(), platform_role=role)
        record(
            db,
            "platform_user.created",
            tenant_id=None,
            target_type="user",
            target_id=user.id,
            details={"role": role},
            actor=actor,
        )
        return user.id, password


def set_platform_staff_active(rt: Runtime, user_id: str, active: bool, actor: Actor | None = None) -> None:
    """Switch a platform user off (revoking their platform api tokens) or back on. Nobody may switch
    themselves off, so the platform cannot lose its last operator by a slip."""
    if not active and actor is not None and actor.user_id == user_id:
        raise Conflict("You cannot switch off your own account.", code="cannot_deactivate_self")
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None or user.platform_role is None:
            raise NotFound("There is no platform user with that id.")
        user.is_active = active
        revoked = 0 if active else _revoke_platform_tokens(db, user_id)
        action = "platform_user.reactivated" if active else "platform_user.deactivated"
        record(
            db,
            action,
            tenant_id=None,
            target_type="user",
            target_id=user_id,
            details={"tokens_revoked": revoked},
            actor=actor,
        )


def _revoke_platform_tokens(db: Session, user_id: str) -> int:
    tokens = db.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.tenant_id.is_(None), ApiToken.revoked_at.is_(None))
    )
    now, count = utcnow(), 0
    for token in tokens:
        token.revoked_at = now
        count += 1
    return count


def audit_actions(rt: Runtime) -> list[str]:
    """Return every action name the audit trail holds, for the filter's suggestions."""
    with rt.transaction() as db:
        return sorted(db.scalars(select(Audit.action).distinct()))


def emails_of(rt: Runtime, user_ids: Iterable[str | None]) -> dict[str, str]:
    """Return {user id: e-mail} for the users among ``user_ids`` that still exist (to name actors)."""
    wanted = {uid for uid in user_ids if uid}
    if not wanted:
        return {}
    with rt.transaction() as db:
        return dict(db.execute(select(User.id, User.email).where(User.id.in_(wanted))).all())


def user_id_for_email(rt: Runtime, email: str) -> str | None:
    """Return the id of the user with ``email``, if any (the audit filter accepts an e-mail as the actor)."""
    with rt.transaction() as db:
        return db.scalar(select(User.id).where(User.email == email.strip().lower()))


def store_names(rt: Runtime) -> dict[str, str]:
    """Return {tenant id: name} of every store, by name (for filters and to name stores in lists)."""
    with rt.transaction() as db:
        return dict(db.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name)).all())


def count_stores(rt: Runtime) -> int:
    """Return how many stores this server holds (an appliance with one shows that store, not a list)."""
    with rt.transaction() as db:
        return db.scalar(select(func.count()).select_from(Tenant)) or 0


def platform_role_for_email(rt: Runtime, email: str) -> str | None:
    """Return the platform role of the account with ``email`` (None for store staff and unknown addresses)."""
    with rt.transaction() as db:
        return db.scalar(select(User.platform_role).where(User.email == email.strip().lower()))


def must_use_second_factor(rt: Runtime, email: str) -> bool:
    """Tell whether the account with ``email`` must sign in with two-factor: a SUPER_ADMIN on the hosted platform."""
    if rt.settings.mode != "platform":
        return False
    return platform_role_for_email(rt, email) == "SUPER_ADMIN"
