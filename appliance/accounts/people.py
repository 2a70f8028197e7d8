"""People as the panels see them: who an account is, the stores they work for, their language.

The panels keep a person in a signed cookie by id; they never hold the database row. What they
need of it is an ``Account``: no password hash and no two-factor secret, only a short fingerprint
of the hash, so a changed password can end every other session of the person, and the session
generation, so signing out ends every session of the person, even a copy of its cookie."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts.login import Workplace, workplaces
from appliance.infra.audit import record
from appliance.infra.db import User
from appliance.infra.runtime import Runtime


@dataclass(frozen=True)
class Account:
    """A person who signs in, without their secrets."""

    id: str
    email: str
    name: str
    language: str
    platform_role: str | None
    is_active: bool
    password_mark: str
    session_generation: int = 0


def password_mark(password_hash: str | None) -> str:
    """Return a short fingerprint of a password hash (a cookie may hold it, never the hash itself)."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def account_of(user: User) -> Account:
    """Copy what the panels may know of ``user``."""
    return Account(
        id=user.id,
        email=user.email,
        name=user.name,
        language=user.language,
        platform_role=user.platform_role,
        is_active=user.is_active,
        password_mark=password_mark(user.password_hash),
        session_generation=user.session_generation or 0,
    )


def next_session_generation(user: User) -> int:
    """Raise ``user``'s session generation, so every session signed at an older one ends; return the new one."""
    user.session_generation = (user.session_generation or 0) + 1
    return user.session_generation


def end_every_session(rt: Runtime, user_id: str, *, why: str) -> None:
    """End every panel session of ``user_id`` on every device (``why`` goes to the audit trail).

    A signed cookie cannot be taken back from a browser, or from whoever copied it; raising the
    generation makes the server refuse all of them at their next request."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None:
            return
        next_session_generation(user)
        record(db, "user.sessions_ended", tenant_id=None, target_type="user", target_id=user.id, details={"why": why})


def names_of(db: Session, user_ids: Iterable[str | None]) -> dict[str, str]:
    """Return {user id: name} of the people among ``user_ids`` who still exist, their e-mail standing
    for the name of those who gave none (to say who made or published something)."""
    wanted = {uid for uid in user_ids if uid}
    if not wanted:
        return {}
    return {u.id: u.name or u.email for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def find_account(rt: Runtime, user_id: str) -> Account | None:
    """Return the account ``user_id``, or None when there is no such person."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        return account_of(user) if user is not None else None


def save_language(rt: Runtime, user_id: str, language: str) -> None:
    """Remember ``language`` as the person's own (the panel then speaks it on every device)."""
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is not None:
            user.language = language


def workplaces_of(rt: Runtime, user_id: str) -> list[Workplace]:
    """Return the stores ``user_id`` belongs to, by name."""
    with rt.transaction() as db:
        return workplaces(db, user_id)
