"""Accepting an invitation: the invited person chooses their first password, and is then signed in.

An invitation is open while its person exists, is active and has no password yet; after the first
password it is spent, so a leaked link cannot reset anyone's password later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from appliance.accounts.invitations import read_invitation_token
from appliance.accounts.own_account import PasswordProblem, new_password_problem
from appliance.accounts.people import Account, account_of
from appliance.infra.audit import Actor, record
from appliance.infra.db import User
from appliance.infra.runtime import Runtime
from appliance.security.passwords import hash_password

State = Literal["open", "accepted", "invalid"]


@dataclass(frozen=True)
class Invitation:
    """An invitation as its link finds it: ``open`` (for ``email``), already ``accepted``, or ``invalid``.

    After an acceptance, ``account`` is the person now holding a password, or ``problem`` says why
    the password was refused."""

    state: State
    email: str = ""
    problem: PasswordProblem | None = None
    account: Account | None = None


def read_invitation(rt: Runtime, token: str) -> Invitation:
    """Return the invitation of ``token``; raise 400 (``invitation_expired``/``invitation_invalid``) for a bad link."""
    user_id = read_invitation_token(rt.settings.secret_key or "", token)
    with rt.transaction() as db:
        return _as_found(db.get(User, user_id))


def accept_invitation(rt: Runtime, token: str, password: str, repeat: str) -> Invitation:
    """Set the first password of an open invitation (typed twice) and audit it as the person's own act."""
    user_id = read_invitation_token(rt.settings.secret_key or "", token)
    with rt.transaction() as db:
        user = db.get(User, user_id)
        found = _as_found(user)
        if user is None or found.state != "open":
            return found
        problem = new_password_problem(password, repeat)
        if problem:
            return Invitation("open", user.email, problem=problem)
        user.password_hash = hash_password(password)
        _audit(db, user)
        return Invitation("accepted", user.email, account=account_of(user))


def _as_found(user: User | None) -> Invitation:
    if user is None or not user.is_active:
        return Invitation("invalid")
    return Invitation("accepted" if user.password_hash else "open", user.email)


def _audit(db: Session, user: User) -> None:
    # Nobody is signed in yet: the person accepting is the actor.
    actor = Actor(user_id=user.id, label=f"user {user.id}")
    record(db, "user.invitation_accepted", tenant_id=None, target_type="user", target_id=user.id, actor=actor)
