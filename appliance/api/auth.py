"""Who is calling: a visitor (widget JWT) or store staff (api token). Thin helpers for handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import g, request
from structlog.contextvars import bind_contextvars

from appliance.db import ApiToken, utcnow
from appliance.errors import Forbidden, Unauthorized
from appliance.runtime import current_runtime
from appliance.security.tokens import TOKEN_PREFIX
from appliance.security.visitor import VisitorClaims, read_visitor_token
from appliance.tenants.service import find_api_token

LAST_USE_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class Staff:
    """A store's staff member or script, acting through an api token."""

    tenant_id: str
    role: str
    token_id: str
    user_id: str | None


def bearer_token() -> str:
    """Return the bearer token of the request, or raise 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send a token as 'Authorization: Bearer <token>'.")
    return token.strip()


def request_origin() -> str | None:
    """Return the page origin of a browser request (Origin, or the Referer's origin as a fallback)."""
    origin = request.headers.get("Origin")
    if origin:
        return origin
    referer = request.referrer
    if referer and "://" in referer:
        scheme, rest = referer.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return None


def current_visitor(session_id: str | None = None) -> VisitorClaims:
    """Return the visitor's claims; the token must match this page's origin and conversation."""
    claims = read_visitor_token(current_runtime().settings.secret_key or "", bearer_token())
    origin = request.headers.get("Origin")
    if origin and origin != claims.origin:
        raise Forbidden("This chat token belongs to another website.", code="origin_mismatch")
    if session_id is not None and session_id != claims.session_id:
        # Another conversation is not disclosed, not even as forbidden.
        from appliance.errors import NotFound

        raise NotFound("This conversation does not exist.")
    bind_contextvars(tenant_id=claims.tenant_id, session_id=claims.session_id)
    return claims


def current_staff(*roles: str) -> Staff:
    """Return the staff caller, refusing tokens without one of ``roles`` (any role when none given)."""
    rt = current_runtime()
    with rt.transaction() as db:
        token = find_api_token(db, bearer_token())
        if token is None or token.tenant_id is None:
            raise Unauthorized("That api token is not valid for a store.", code="invalid_token")
        _touch(token)
        staff = Staff(tenant_id=token.tenant_id, role=token.role, token_id=token.id, user_id=token.user_id)
    if roles and staff.role not in roles:
        raise Forbidden(f"Your role ({staff.role.lower()}) may not do this.")
    g.staff = staff
    bind_contextvars(tenant_id=staff.tenant_id)
    return staff


def _touch(token: ApiToken) -> None:
    # Recording every use would turn each read into a write; a minute's precision is enough.
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_GRANULARITY:
        token.last_used_at = now


def current_tenant_of_any_caller() -> str:
    """Return the tenant of a staff api token or of a visitor token (for endpoints both may call)."""
    if bearer_token().startswith(TOKEN_PREFIX):
        return current_staff().tenant_id
    return current_visitor().tenant_id
