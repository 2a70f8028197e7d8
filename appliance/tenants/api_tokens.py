"""A store's api tokens as its managers see them (issue, shown once; list with last use; revoke),
and as a request presents them (who a token speaks for).

A token is stored only as a hash; its plaintext exists once, in the answer that creates it.
Nobody can issue a token stronger than their own role, so a token never escalates a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.accounts.people import names_of
from appliance.core.kinds import TENANT_ROLES
from appliance.errors import Forbidden, Invalid, NotFound
from appliance.infra.audit import record
from appliance.infra.db import ApiToken, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.permissions import allowed
from appliance.security.tokens import hash_token
from appliance.tenants.registry import create_api_token, find_api_token

MAX_NAME = 100
LAST_USE_GRANULARITY = timedelta(minutes=1)
TOKEN_TENANT_TTL = 60


@dataclass(frozen=True)
class TokenHolder:
    """Who a live api token speaks for: a role in a store (``tenant_id``) or on the platform (None)."""

    id: str
    tenant_id: str | None
    role: str
    user_id: str | None


def tenant_tokens(db: Session, tenant_id: str) -> list[ApiToken]:
    """Return the store's live tokens, newest first (revoked ones are history, in the audit trail)."""
    query = select(ApiToken).where(ApiToken.tenant_id == tenant_id, ApiToken.revoked_at.is_(None))
    return list(db.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def issue_token(
    db: Session, tenant_id: str, name: str, role: str, by_role: str, user_id: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the store; return it and its only plaintext copy.

    ``by_role`` is the role of whoever asks: the token's role may not be above it.
    """
    name, role = name.strip(), role.upper()
    problems = []
    if not name or len(name) > MAX_NAME:
        problems.append({"path": "name", "message": f"give the token a name of 1-{MAX_NAME} characters"})
    if role not in TENANT_ROLES:
        problems.append({"path": "role", "message": f"must be one of {', '.join(TENANT_ROLES)}"})
    if problems:
        raise Invalid(problems)
    if by_role not in TENANT_ROLES or TENANT_ROLES.index(role) < TENANT_ROLES.index(by_role):
        raise Forbidden("You cannot create a token with more rights than your own role.", code="role_too_high")
    tenant = db.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("This store does not exist.")
    user = db.get(User, user_id) if user_id else None
    token, plaintext = create_api_token(db, tenant, role, name=name, user=user)
    record(
        db,
        "api_token.created",
        tenant_id=tenant_id,
        target_type="api_token",
        target_id=token.id,
        details={"role": role},
    )
    return token, plaintext


def revoke_token(db: Session, tenant_id: str, token_id: str) -> ApiToken:
    """Revoke one of the store's tokens at once (a token of another store is 404)."""
    token = db.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.tenant_id == tenant_id))
    if token is None:
        raise NotFound("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(db, "api_token.revoked", tenant_id=tenant_id, target_type="api_token", target_id=token.id)
    db.flush()
    return token


def use_store_token(rt: Runtime, plaintext: str) -> TokenHolder | None:
    """Return who the live store token ``plaintext`` speaks for, noting its use; None for any other."""
    return _use(rt, plaintext, lambda token: token.tenant_id is not None)


def use_platform_token(rt: Runtime, plaintext: str) -> TokenHolder | None:
    """Return who the live platform token ``plaintext`` speaks for, noting its use, when its role may
    read the admin pages; None for any other (a store's token included)."""
    return _use(rt, plaintext, lambda token: token.tenant_id is None and allowed(token.role, "admin.read"))


def _use(rt: Runtime, plaintext: str, accepts: Callable[[ApiToken], bool]) -> TokenHolder | None:
    with rt.transaction() as db:
        token = find_api_token(db, plaintext)
        if token is None or not accepts(token):
            return None
        _touch(token)
        return TokenHolder(id=token.id, tenant_id=token.tenant_id, role=token.role, user_id=token.user_id)


def _touch(token: ApiToken) -> None:
    # Recording every use would turn each read into a write; a minute's precision is enough.
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_GRANULARITY:
        token.last_used_at = now


def token_tenant_id(rt: Runtime, plaintext: str) -> str | None:
    """Return the store whose unrevoked token is ``plaintext`` (None for the platform's or an unknown
    one), remembered for a minute: it attributes requests to a store for rate limits."""
    # Remembered so counting does not cost a query per request; the handler still checks the
    # token itself, so a just-revoked token is only ever counted, never let in.
    digest = hash_token(plaintext)
    key = f"token-tenant:{digest}"
    hit = rt.cache.get(key)
    if hit is not None:
        return hit or None
    with rt.transaction() as db:
        where = (ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
        tenant_id = db.scalar(select(ApiToken.tenant_id).where(*where))
    rt.cache.set(key, tenant_id or "", TOKEN_TENANT_TTL)
    return tenant_id


def store_tokens(rt: Runtime, tenant_id: str) -> list[dict[str, Any]]:
    """Return the store's live tokens, newest first, each with the name of the person who made it."""
    with rt.transaction() as db:
        tokens = tenant_tokens(db, tenant_id)
        people = names_of(db, (t.user_id for t in tokens))
        return [
            {
                "id": t.id,
                "name": t.name,
                "role": t.role,
                "prefix": t.display_prefix,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "created_by": people.get(t.user_id or ""),
            }
            for t in tokens
        ]


def issue_store_token(
    rt: Runtime, tenant_id: str, name: str, role: str, by_role: str, user_id: str | None = None
) -> dict[str, str]:
    """Create a token for the store (see ``issue_token``); return its name and its only plaintext copy."""
    with rt.transaction() as db:
        token, plaintext = issue_token(db, tenant_id, name, role, by_role, user_id)
        return {"name": token.name, "token": plaintext}


def revoke_store_token(rt: Runtime, tenant_id: str, token_id: str) -> None:
    """Revoke one of the store's tokens (see ``revoke_token``)."""
    with rt.transaction() as db:
        revoke_token(db, tenant_id, token_id)
