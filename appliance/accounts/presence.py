"""Who is behind a panel request: the person of the session and the store they act in.

The panels read this on every request, so a removed membership, a switched-off account or a
changed role takes effect at once. The session itself (cookies, timeouts) is the panel's business;
this module only answers from the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts.people import Account, account_of
from appliance.infra.db import Membership, Tenant, User
from appliance.infra.runtime import Runtime

IMPERSONATION_ROLE = "OWNER"


@dataclass(frozen=True)
class Seat:
    """The store a person acts in, and their role there; ``impersonated`` when an operator acts as its owner."""

    tenant_id: str
    name: str
    timezone: str
    role: str
    impersonated: bool = False


@dataclass(frozen=True)
class Presence:
    """A person and the store they act in (None when they have not chosen one, or may no longer)."""

    account: Account
    seat: Seat | None


def presence(rt: Runtime, user_id: str, *, impersonating: str | None, chosen: str | None) -> Presence | None:
    """Return ``user_id`` and their store: the store they impersonate when it still exists, else the
    ``chosen`` store when they are still a member of it. None when the person does not exist."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None:
            return None
        return Presence(account_of(user), _seat(db, user.id, impersonating, chosen))


def _seat(db: Session, user_id: str, impersonating: str | None, chosen: str | None) -> Seat | None:
    if impersonating:
        tenant = db.get(Tenant, impersonating)
        if tenant is not None:
            return _seat_in(tenant, IMPERSONATION_ROLE, impersonated=True)
    if not chosen:
        return None
    role = db.scalar(select(Membership.role).where(Membership.user_id == user_id, Membership.tenant_id == chosen))
    tenant = db.get(Tenant, chosen) if role else None
    if tenant is None or role is None:
        return None
    return _seat_in(tenant, role, impersonated=False)


def _seat_in(tenant: Tenant, role: str, *, impersonated: bool) -> Seat:
    return Seat(tenant.id, tenant.name, tenant.timezone, role, impersonated)
