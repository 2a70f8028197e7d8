"""A store's team: who works there with which role, invitations, role changes and removals.

Two rules keep a store manageable: only an OWNER may make someone an OWNER (or change or remove
an OWNER), and a store always keeps at least one OWNER.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts.invitations import LIFETIME_SECONDS, invitation_url, make_invitation_token
from appliance.billing.limits import check_seat_free
from appliance.core.kinds import TENANT_ROLES
from appliance.errors import Conflict, Forbidden, Invalid, NotFound
from appliance.infra.audit import record
from appliance.infra.db import Membership, Tenant, User
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import add_membership
from appliance.tenants.validation import email_problem

OWNER = "OWNER"


@dataclass(frozen=True)
class Member:
    """One person of the team as the panel lists them."""

    user_id: str
    email: str
    name: str
    role: str
    invited: bool  # no password chosen yet: the invitation is still open
    last_login_at: datetime | None


def members(db: Session, tenant_id: str) -> list[Member]:
    """Return the store's team, owners first, then by e-mail."""
    rows = db.execute(
        select(Membership.role, User).join(User, User.id == Membership.user_id).where(Membership.tenant_id == tenant_id)
    ).all()
    found = [
        Member(user.id, user.email, user.name, role, user.password_hash is None, user.last_login_at)
        for role, user in rows
    ]
    return sorted(found, key=lambda m: (TENANT_ROLES.index(m.role), m.email))


def invite(
    rt: Runtime, db: Session, tenant_id: str, email: str, role: str, by_role: str, base_url: str | None = None
) -> dict[str, Any]:
    """Add ``email`` to the team with ``role`` and return the invitation (its link, when one is needed).

    Someone who already has a password (they work for another store too) signs in with it: no link.
    The link points at ``base_url`` (the address staff use, from the panel), else the public URL.
    """
    role = _checked_role(role, by_role)
    email = email.strip().lower()
    if problem := email_problem(email):
        raise Invalid([{"path": "email", "message": problem}])
    user = db.scalar(select(User).where(User.email == email))
    if user is not None and _membership(db, tenant_id, user.id) is not None:
        raise Conflict("This person is already in the team.", code="already_member")
    if user is None:
        user = User(email=email, password_hash=None)
        db.add(user)
        db.flush()
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("This store does not exist.")
    check_seat_free(db, tenant)
    add_membership(db, tenant, user, role)
    record(db, "team.invited", tenant_id=tenant_id, target_type="user", target_id=user.id, details={"role": role})
    url = None
    if user.password_hash is None:
        token = make_invitation_token(rt.settings.secret_key or "", user.id)
        url = invitation_url(base_url or rt.settings.public_url, token)
    return {
        "user_id": user.id,
        "email": email,
        "role": role,
        "url": url,
        "expires_in": LIFETIME_SECONDS if url else None,
    }


def notify(rt: Runtime, invitation: dict[str, Any], tenant_id: str, base_url: str | None = None) -> None:
    """E-mail the invitation link, when one was made. Call it after the commit of ``invite``: the
    mail task reads the new member from the database."""
    if invitation["url"]:
        rt.queue.enqueue("send_team_invitation", invitation["user_id"], tenant_id, base_url)


def change_role(db: Session, tenant_id: str, user_id: str, role: str, by_role: str) -> Membership:
    """Give a team member another role; raise Forbidden, Conflict (last owner) or NotFound."""
    role = _checked_role(role, by_role)
    membership = _existing(db, tenant_id, user_id, by_role)
    if membership.role == OWNER and role != OWNER:
        _keep_an_owner(db, tenant_id)
    before = membership.role
    membership.role = role
    details = {"from": before, "to": role}
    record(db, "team.role_changed", tenant_id=tenant_id, target_type="user", target_id=user_id, details=details)
    db.flush()
    return membership


def remove(db: Session, tenant_id: str, user_id: str, by_role: str) -> None:
    """Take someone out of the team (their user stays, for their other stores and the audit trail)."""
    membership = _existing(db, tenant_id, user_id, by_role)
    if membership.role == OWNER:
        _keep_an_owner(db, tenant_id)
    details = {"role": membership.role}
    db.delete(membership)
    record(db, "team.removed", tenant_id=tenant_id, target_type="user", target_id=user_id, details=details)
    db.flush()


def _checked_role(role: str, by_role: str) -> str:
    role = role.upper()
    if role not in TENANT_ROLES:
        raise Invalid([{"path": "role", "message": f"must be one of {', '.join(TENANT_ROLES)}"}])
    if role == OWNER and by_role != OWNER:
        raise Forbidden("Only an owner can make someone an owner.", code="owner_only")
    return role


def _membership(db: Session, tenant_id: str, user_id: str) -> Membership | None:
    query = select(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
    return db.scalar(query.with_for_update())


def _existing(db: Session, tenant_id: str, user_id: str, by_role: str) -> Membership:
    membership = _membership(db, tenant_id, user_id)
    if membership is None:
        raise NotFound("This person is not in the team.")
    if membership.role == OWNER and by_role != OWNER:
        raise Forbidden("Only an owner can change or remove an owner.", code="owner_only")
    return membership


def _keep_an_owner(db: Session, tenant_id: str) -> None:
    # The owners are locked so two owners demoting each other at once cannot leave none.
    owners = db.scalars(
        select(Membership.id).where(Membership.tenant_id == tenant_id, Membership.role == OWNER).with_for_update()
    ).all()
    if len(owners) <= 1:
        raise Conflict("A store needs at least one owner; make someone else an owner first.", code="last_owner")


def team_of(rt: Runtime, tenant_id: str) -> list[Member]:
    """Return the store's team (see ``members``)."""
    with rt.transaction() as db:
        return members(db, tenant_id)


def invite_member(
    rt: Runtime, tenant_id: str, email: str, role: str, by_role: str, base_url: str | None = None
) -> dict[str, Any]:
    """Add ``email`` to the team (see ``invite``) and, once that is committed, e-mail the link."""
    with rt.transaction() as db:
        invitation = invite(rt, db, tenant_id, email, role, by_role, base_url=base_url)
    notify(rt, invitation, tenant_id, base_url)
    return invitation


def change_member_role(rt: Runtime, tenant_id: str, user_id: str, role: str, by_role: str) -> None:
    """Give a team member another role (see ``change_role``)."""
    with rt.transaction() as db:
        change_role(db, tenant_id, user_id, role, by_role)


def remove_member(rt: Runtime, tenant_id: str, user_id: str, by_role: str) -> None:
    """Take someone out of the team (see ``remove``)."""
    with rt.transaction() as db:
        remove(db, tenant_id, user_id, by_role)
