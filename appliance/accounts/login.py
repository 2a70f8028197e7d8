"""Signing in: password check with lockout, then the second factor when the account has one.

Failures are counted per account: after ``MAX_FAILURES`` in a row the account is locked for
``LOCK_MINUTES`` and even the right password is refused until then (the answer does not say
whether the password was right). Unknown e-mails cost the same argon2 work as known ones, so
timing does not reveal which addresses have accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts import second_factor
from appliance.infra.audit import Actor, record
from appliance.infra.db import Membership, Tenant, User, utcnow
from appliance.security.passwords import hash_password, verify_password

MAX_FAILURES = 5
LOCK_MINUTES = 15

# Verified against when the e-mail is unknown, to spend the same time as a real check.
_DUMMY_HASH = hash_password("not a real password, only a timing twin")

Status = Literal["ok", "second_factor", "setup_second_factor", "locked", "invalid"]


@dataclass(frozen=True)
class LoginOutcome:
    """What the password step decided. ``user_id`` is set for ok and the second-factor states."""

    status: Status
    user_id: str | None = None
    locked_until: datetime | None = None


def check_password(
    db: Session, email: str, password: str, *, require_second_factor: bool = False, now: datetime | None = None
) -> LoginOutcome:
    """Check ``email`` and ``password``; ``require_second_factor`` forces two-factor set-up for accounts
    without it (SUPER_ADMIN in platform mode)."""
    now = now or utcnow()
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not user.password_hash:
        refuse_in_equal_time(password)
        return LoginOutcome("invalid")
    if user.locked_until is not None and user.locked_until > now:
        refuse_in_equal_time(password)
        return LoginOutcome("locked", locked_until=user.locked_until)
    if not verify_password(user.password_hash, password):
        return register_failure(db, user, now, "password")
    if second_factor.enabled(user):
        return LoginOutcome("second_factor", user.id)
    if require_second_factor:
        return LoginOutcome("setup_second_factor", user.id)
    return complete(db, user, now)


def refuse_in_equal_time(password: str) -> None:
    """Spend the time a real password check takes, for a refusal decided without one (so timing
    never tells which e-mails have accounts)."""
    verify_password(_DUMMY_HASH, password)


def check_second_factor(db: Session, user_id: str, code: str, *, now: datetime | None = None) -> LoginOutcome:
    """Check a TOTP or recovery code for a user who passed the password step."""
    now = now or utcnow()
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        return LoginOutcome("invalid")
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome("locked", locked_until=user.locked_until)
    if not second_factor.verify(user, code, now):
        return register_failure(db, user, now, "second_factor")
    return complete(db, user, now)


def complete(db: Session, user: User, now: datetime) -> LoginOutcome:
    """Record a successful sign-in."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record(db, "login.succeeded", tenant_id=None, target_type="user", target_id=user.id, actor=_as(user))
    return LoginOutcome("ok", user.id)


def register_failure(db: Session, user: User, now: datetime, step: str) -> LoginOutcome:
    """Count a failed attempt and lock the account when there were too many in a row."""
    user.failed_logins = (user.failed_logins or 0) + 1
    details = {"step": step, "failures": user.failed_logins}
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        record(
            db, "login.locked", tenant_id=None, target_type="user", target_id=user.id, details=details, actor=_as(user)
        )
        return LoginOutcome("locked", locked_until=user.locked_until)
    record(db, "login.failed", tenant_id=None, target_type="user", target_id=user.id, details=details, actor=_as(user))
    return LoginOutcome("invalid")


def _as(user: User) -> Actor:
    return Actor(user_id=user.id, label=f"user {user.id}")


@dataclass(frozen=True)
class Workplace:
    """A store a user may work in, and the role there."""

    tenant_id: str
    slug: str
    name: str
    role: str
    status: str


def workplaces(db: Session, user_id: str) -> list[Workplace]:
    """Return the stores ``user_id`` belongs to, by name."""
    rows = db.execute(
        select(Tenant.id, Tenant.slug, Tenant.name, Membership.role, Tenant.status)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
        .order_by(Tenant.name)
    )
    return [Workplace(*row) for row in rows]
