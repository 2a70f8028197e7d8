"""A person's own account: the password, two-factor on and off. Every change is audited.

Refusals come back as short codes (``wrong_password``, ``too_short``, ``different``) for the panel
to put in words; a person who no longer exists is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from appliance.accounts import second_factor
from appliance.accounts.people import next_session_generation, password_mark
from appliance.accounts.signing_in import SetupStart
from appliance.core.moments import utcnow
from appliance.errors import NotFound
from appliance.infra.audit import record
from appliance.infra.db import User
from appliance.infra.runtime import Runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password

PasswordProblem = Literal["wrong_password", "too_short", "different"]


@dataclass(frozen=True)
class AccountSettings:
    """What the account page shows."""

    email: str
    two_factor: bool
    recovery_left: int


@dataclass(frozen=True)
class PasswordChange:
    """Why a new password was refused, or the fingerprint of the new one (see ``password_mark``) and
    the new session generation, for the session that changed it to carry on with."""

    problem: PasswordProblem | None
    password_mark: str = ""
    session_generation: int = 0


@dataclass(frozen=True)
class TwoFactorConfirmation:
    """The recovery codes of a set-up proved with a first code, or ``again`` to retry."""

    codes: list[str] | None
    again: SetupStart | None = None


def new_password_problem(new: str, repeat: str) -> PasswordProblem | None:
    """Return why a new password (typed twice) is refused, or None."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if new != repeat:
        return "different"
    return None


def account_settings(rt: Runtime, user_id: str) -> AccountSettings:
    """Return what the person's account page shows."""
    with rt.transaction() as db:
        user = _me(db, user_id)
        return AccountSettings(user.email, second_factor.enabled(user), len(user.recovery_codes or []))


def change_password(rt: Runtime, user_id: str, current: str, new: str, repeat: str) -> PasswordChange:
    """Change the password after checking the current one (every other session of the person ends)."""
    with rt.transaction() as db:
        user = _me(db, user_id)
        if not verify_password(user.password_hash, current):
            return PasswordChange("wrong_password")
        problem = new_password_problem(new, repeat)
        if problem:
            return PasswordChange(problem)
        user.password_hash = hash_password(new)
        generation = next_session_generation(user)
        record(db, "user.password_changed", tenant_id=None, target_type="user", target_id=user.id)
        return PasswordChange(None, password_mark(user.password_hash), generation)


def start_two_factor(rt: Runtime, user_id: str) -> SetupStart:
    """Start turning two-factor on (or resume an unfinished start): the secret for an authenticator app."""
    with rt.transaction() as db:
        return SetupStart(*second_factor.begin_or_resume(_me(db, user_id)))


def confirm_two_factor(rt: Runtime, user_id: str, code: str) -> TwoFactorConfirmation:
    """Finish turning two-factor on with a first code; return the recovery codes (shown once)."""
    with rt.transaction() as db:
        user = _me(db, user_id)
        codes = second_factor.confirm(user, code, utcnow())
        if codes is None:
            return TwoFactorConfirmation(None, SetupStart(*second_factor.begin_or_resume(user)))
        record(db, "user.two_factor_enabled", tenant_id=None, target_type="user", target_id=user.id)
        return TwoFactorConfirmation(codes)


def disable_two_factor(rt: Runtime, user_id: str, password: str) -> bool:
    """Turn two-factor off when ``password`` is right (this weakens the account); tell whether it is off."""
    with rt.transaction() as db:
        user = _me(db, user_id)
        if not verify_password(user.password_hash, password):
            return False
        second_factor.disable(user)
        record(db, "user.two_factor_disabled", tenant_id=None, target_type="user", target_id=user.id)
        return True


def _me(db: Session, user_id: str) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    return user
