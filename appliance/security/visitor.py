"""Visitor tokens: short JWTs bound to one tenant, one website origin and one conversation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, TypeGuard

import jwt

from appliance.errors import Unauthorized

AUDIENCE = "ebanista:visitor"
LIFETIME_SECONDS = 3600
LEEWAY_SECONDS = 10


@dataclass(frozen=True)
class VisitorClaims:
    """Who a visitor token speaks for."""

    session_id: str
    tenant_id: str
    origin: str


def issue_visitor_token(secret: str, claims: VisitorClaims, now: float | None = None) -> str:
    """Return a signed token for ``claims`` that expires in an hour."""
    issued = int(now or time.time())
    payload = {
        "aud": AUDIENCE,
        "sub": claims.session_id,
        "tid": claims.tenant_id,
        "org": claims.origin,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def read_visitor_token(secret: str, token: str) -> VisitorClaims:
    """Return the claims of a valid, unexpired token; raise Unauthorized otherwise.

    A widget sends the same token for an hour; a verified token is remembered (with its expiry,
    checked again on each use) so each turn does not pay for decoding and checking it again.
    """
    key = (secret, token)
    with _lock:
        known = _verified.get(key)
    if known is not None and known[1] > time.time():
        return known[0]
    claims, expires = _decode(secret, token)
    with _lock:
        _verified[key] = (claims, expires)
        while len(_verified) > _CACHE_SIZE:
            _verified.pop(next(iter(_verified)))
    return claims


_CACHE_SIZE = 4096
_verified: dict[tuple[str, str], tuple[VisitorClaims, float]] = {}
_lock = threading.Lock()


def _decode(secret: str, token: str) -> tuple[VisitorClaims, float]:
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Your chat session has expired. Reload to continue.", code="token_expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("That chat token is not valid.", code="invalid_token") from None
    return _claims(payload), float(payload["exp"])


def _claims(payload: dict[str, Any]) -> VisitorClaims:
    """Return the claims of a verified payload, refusing one without them as an invalid token.

    A good signature only says who signed: a token we issued always carries these, so one that lacks
    them or holds other types was made some other way and must not reach a lookup by tenant.
    """
    session_id, tenant_id, origin = payload.get("sub"), payload.get("tid"), payload.get("org")
    if not (_text(session_id) and _text(tenant_id) and isinstance(origin, str)):
        raise Unauthorized("That chat token is not valid.", code="invalid_token")
    return VisitorClaims(session_id=session_id, tenant_id=tenant_id, origin=origin)


def _text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value)


def new_session_secret() -> tuple[str, str]:
    """Return a new conversation secret for the widget to keep, and the hash the server stores.

    The id of a conversation travels in URLs and logs; the secret stays in the visitor's browser,
    so holding an id (and the public widget key) is not enough to read or resume a conversation.
    """
    secret = secrets.token_urlsafe(32)
    return secret, session_secret_hash(secret)


def session_secret_hash(secret: str) -> str:
    """Return the stored form of a conversation secret (32 random bytes need no slow hash)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def session_secret_matches(stored_hash: str | None, secret: str | None) -> bool:
    """Tell whether ``secret`` is the one whose hash is stored (in constant time)."""
    if not stored_hash or not secret:
        return False
    return hmac.compare_digest(stored_hash, session_secret_hash(secret))


def forget_session(session_id: str) -> None:
    """Drop the remembered tokens of one conversation (after its visitor was erased)."""
    with _lock:
        for key in [k for k, (claims, _) in _verified.items() if claims.session_id == session_id]:
            del _verified[key]
