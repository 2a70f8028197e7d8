"""Impersonation tokens: a platform operator acting inside one store for 15 minutes.

A short JWT rather than a database row: it cannot outlive its quarter of an hour, and every
request made with it is audited (see appliance.infra.audit), which is the record that matters."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from appliance.errors import Unauthorized

AUDIENCE = "ebanista:impersonation"
LIFETIME_SECONDS = 15 * 60


@dataclass(frozen=True)
class ImpersonationClaims:
    tenant_id: str
    admin_user_id: str | None
    admin_label: str
    token_id: str  # jti: ties the audit entries of one impersonation together


def issue_impersonation_token(secret: str, claims: ImpersonationClaims, now: float | None = None) -> tuple[str, int]:
    """Return a signed token for ``claims`` and its lifetime in seconds."""
    issued = int(now if now is not None else time.time())
    payload = {
        "aud": AUDIENCE,
        "sub": claims.admin_user_id or "",
        "tid": claims.tenant_id,
        "lbl": claims.admin_label,
        "jti": claims.token_id,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
    }
    return jwt.encode(payload, secret, algorithm="HS256"), LIFETIME_SECONDS


def looks_like_impersonation(token: str) -> bool:
    """Cheaply tell an impersonation JWT from other bearer tokens (without trusting it)."""
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("aud") == AUDIENCE
    except jwt.InvalidTokenError:
        return False


def read_impersonation_token(secret: str, token: str) -> ImpersonationClaims:
    """Return the claims of a valid impersonation token, or raise 401."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=["HS256"], audience=AUDIENCE, options={"require": ["exp", "tid", "jti"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The impersonation has ended; start a new one.", code="token_expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("That token is not valid.", code="invalid_token") from None
    return ImpersonationClaims(
        tenant_id=payload["tid"],
        admin_user_id=payload.get("sub") or None,
        admin_label=payload.get("lbl", ""),
        token_id=payload["jti"],
    )
