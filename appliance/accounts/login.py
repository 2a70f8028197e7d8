"""Signing in: password check with lockout, then the second factor when the account has one.

Failures are counted per e-mail and client address (``appliance.accounts.throttle``): after
``MAX_FAILURES`` in a row from one address, that address is locked out of that e-mail for a while
that grows with each lock, and even the right password is refused from there until then (the answer
does not say whether the password was right). Other addresses still sign in. Unknown e-mails are
counted and locked the same way and cost the same argon2 work, so neither the answer nor its timing
reveals which addresses have accounts. A lock of a real account is reported in ``lockout_of`` so the
caller can tell the person after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts import second_factor, throttle
from appliance.accounts.throttle import LOCK_STEPS_MINUTES, MAX_FAILURES
from appliance.infra.audit import Actor, record
from appliance.infra.db import Membership, Tenant, User, utcnow
from appliance.security.passwords import hash_password, verify_password

# The first lock of an e-mail from an address; further locks of the same pair last longer.
LOCK_MINUTES = LOCK_STEPS_MINUTES[0]


@cache
def _dummy_hash() -> str:
    """The hash verified against when the e-mail is unknown, to spend the same time as a real check
    (made on first use: hashing is slow on purpose, and would slow every start of the program)."""
    return hash_password("not a real password, only a timing twin")


Status = Literal["ok", "second_factor", "setup_second_factor", "locked", "invalid"]


@dataclass(frozen=True)
class LoginOutcome:
    """What the password step decided. ``user_id`` is set for ok and the second-factor states;
    ``lockout_of`` is the user whose account this very attempt locked (to be told by e-mail)."""

    status: Status
    user_id: str | None = None
    locked_until: datetime | None = None
    lockout_of: str | None = None


def check_password(
    db: Session,
    email: str,
    password: str,
    *,
    address: str = "",
    require_second_factor: bool = False,
    now: datetime | None = None,
) -> LoginOutcome:
    """Check ``email`` and ``password`` sent from the client ``address``; ``require_second_factor``
    forces two-factor set-up for accounts without it (SUPER_ADMIN in platform mode)."""
    now = now or utcnow()
    email = email.strip().lower()
    if until := throttle.locked_until(throttle.find(db, email, address), now):
        refuse_in_equal_time(password)
        return LoginOutcome("locked", locked_until=until)
    user = db.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active or not user.password_hash:
        refuse_in_equal_time(password)
        return register_failure(db, email, address, None, now, "password")
    if not verify_password(user.password_hash, password):
        return register_failure(db, email, address, user, now, "password")
    if second_factor.enabled(user):
        return LoginOutcome("second_factor", user.id)
    if require_second_factor:
        return LoginOutcome("setup_second_factor", user.id)
    return complete(db, user, now, address=address)


def refuse_in_equal_time(password: str) -> None:
    """Spend the time a real password check takes, for a refusal decided without one (so timing
    never tells which e-mails have accounts)."""
    verify_password(_dummy_hash(), password)


def check_second_factor(
    db: Session, user_id: str, code: str, *, address: str = "", now: datetime | None = None
) -> LoginOutcome:
    """Check a TOTP or recovery code for a user who passed the password step from ``address``."""
    now = now or utcnow()
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        return LoginOutcome("invalid")
    if until := throttle.locked_until(throttle.find(db, user.email, address), now):
        return LoginOutcome("locked", locked_until=until)
    if not second_factor.verify(user, code, now):
        return register_failure(db, user.email, address, user, now, "second_factor")
    return complete(db, user, now, address=address)


def complete(db: Session, user: User, now: datetime, *, address: str = "") -> LoginOutcome:
    """Record a successful sign-in from ``address`` (which forgets the failures counted there)."""
    throttle.forget(db, user.email, address)
    user.last_login_at = now
    record(db, "login.succeeded", tenant_id=None, target_type="user", target_id=user.id, actor=_as(user))
    return LoginOutcome("ok", user.id)


def register_failure(
    db: Session, email: str, address: str, user: User | None, now: datetime, step: str
) -> LoginOutcome:
    """Count a failed attempt of ``email`` from ``address`` (``user`` when the account exists) and
    lock the pair when there were too many in a row."""
    counted = throttle.count_failure(db, email, address, now)
    until = throttle.locked_until(counted, now)
    if user is None:
        return LoginOutcome("locked", locked_until=until) if until else LoginOutcome("invalid")
    details = {"step": step, "failures": counted.failures if until is None else MAX_FAILURES}
    if until is not None:
        details["lockouts"] = counted.lockouts
        record(
            db, "login.locked", tenant_id=None, target_type="user", target_id=user.id, details=details, actor=_as(user)
        )
        return LoginOutcome("locked", locked_until=until, lockout_of=user.id)
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
