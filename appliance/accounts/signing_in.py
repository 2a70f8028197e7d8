"""The steps of signing in to a panel, each in its own transaction: the password, the code, and the
two-factor set-up an account may be made to finish first.

``appliance.accounts.login`` decides each step; these functions open the transaction around it and
hand back the signed-in ``Account`` (never the row), so the panel can start its session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from appliance.accounts import second_factor
from appliance.accounts.login import LoginOutcome, check_password, check_second_factor, complete
from appliance.accounts.people import Account, account_of
from appliance.core.moments import utcnow
from appliance.infra.db import User
from appliance.infra.runtime import Runtime


@dataclass(frozen=True)
class SignInStep:
    """What one step decided; ``account`` is set when the person is now signed in."""

    outcome: LoginOutcome
    account: Account | None = None


@dataclass(frozen=True)
class SetupStart:
    """A two-factor set-up to show: the secret and its otpauth:// URI."""

    secret: str
    uri: str


@dataclass(frozen=True)
class SetupFinish:
    """A set-up proved with a first code (``codes``, shown once, and ``account``), or ``again`` to retry."""

    codes: list[str] | None
    again: SetupStart | None = None
    account: Account | None = None


def sign_in_with_password(
    rt: Runtime, email: str, password: str, *, address: str, require_second_factor: bool = False
) -> SignInStep:
    """Check ``email`` and ``password`` sent from the client ``address`` (see ``check_password``),
    counting failures and lockouts of that address; a new lockout is e-mailed to the person."""
    with rt.transaction() as db:
        outcome = check_password(db, email, password, address=address, require_second_factor=require_second_factor)
        step = _step(db, outcome)
    _tell_of_lockout(rt, outcome, address)
    return step


def sign_in_with_code(rt: Runtime, user_id: str, code: str, *, address: str) -> SignInStep:
    """Check the TOTP or recovery code of a person who passed the password step from ``address``."""
    with rt.transaction() as db:
        outcome = check_second_factor(db, user_id, code, address=address)
        step = _step(db, outcome)
    _tell_of_lockout(rt, outcome, address)
    return step


def forced_setup(rt: Runtime, user_id: str) -> SetupStart | None:
    """Return the set-up a person must finish before signing in (None when the person is gone)."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        return SetupStart(*second_factor.begin_or_resume(user)) if user is not None else None


def finish_forced_setup(rt: Runtime, user_id: str, code: str, *, address: str) -> SetupFinish | None:
    """Prove the set-up with a first code and sign the person in; a wrong code shows the set-up again.
    None when the person is gone."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None:
            return None
        codes = second_factor.confirm(user, code, utcnow())
        if codes is None:
            return SetupFinish(None, again=SetupStart(*second_factor.begin_or_resume(user)))
        return SetupFinish(codes, account=_step(db, complete(db, user, utcnow(), address=address)).account)


def _tell_of_lockout(rt: Runtime, outcome: LoginOutcome, address: str) -> None:
    # Only after the commit, so the mail never tells of a lock that was rolled back.
    if outcome.lockout_of is not None and outcome.locked_until is not None:
        rt.queue.enqueue("send_lockout_notice", outcome.lockout_of, address, outcome.locked_until.isoformat())


def _step(db: Session, outcome: LoginOutcome) -> SignInStep:
    if outcome.status != "ok":
        return SignInStep(outcome)
    user = db.get(User, outcome.user_id)
    assert user is not None  # the outcome came from this user's row
    return SignInStep(outcome, account_of(user))
