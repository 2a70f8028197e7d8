"""Who is calling: a visitor (widget JWT) or store staff (api token). Thin helpers for handlers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from structlog.contextvars import bind_contextvars

from appliance.errors import Forbidden, NotFound, Unauthorized
from appliance.infra.audit import Actor
from appliance.infra.runtime import current_runtime
from appliance.infra.store_scope import work_for_store
from appliance.operator.impersonation import note_impersonated_request
from appliance.security.impersonation import looks_like_impersonation, read_impersonation_token
from appliance.security.permissions import allowed
from appliance.security.tokens import TOKEN_PREFIX
from appliance.security.visitor import VisitorClaims, read_visitor_token
from appliance.tenants.api_tokens import use_platform_token, use_store_token


@dataclass(frozen=True)
class Staff:
    """A store's staff member or script (api token), or an operator impersonating the store."""

    tenant_id: str
    role: str
    token_id: str | None
    user_id: str | None
    impersonated: bool = False


def bearer_token_or_none() -> str | None:
    """Return the bearer token of the request, or None when it sends none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def bearer_token() -> str:
    """Return the bearer token of the request, or raise 401."""
    token = bearer_token_or_none()
    if token is None:
        raise Unauthorized("Send a token as 'Authorization: Bearer <token>'.")
    return token


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
    """Return the visitor's claims; the token must match this page's origin (Origin, else the Referer's
    origin; neither is 403 ``origin_missing``) and conversation."""
    claims = read_visitor_token(current_runtime().settings.secret_key or "", bearer_token())
    # The token is bound to the page that opened it. Browsers always send Origin across origins and
    # on POSTs, but not on a same-origin GET; there the widget's Referer (its origin, which the widget
    # asks for with referrerPolicy) says the page instead. A request that names no page is refused.
    origin = request_origin()
    if origin is None:
        raise Forbidden("Send the page's Origin (or Referer) with a chat token.", code="origin_missing")
    if origin != claims.origin:
        raise Forbidden("This chat token belongs to another website.", code="origin_mismatch")
    if session_id is not None and session_id != claims.session_id:
        # Another conversation is not disclosed, not even as forbidden.
        raise NotFound("This conversation does not exist.")
    bind_contextvars(tenant_id=claims.tenant_id, session_id=claims.session_id)
    # From here on the request works for the token's store alone (row-level security on PostgreSQL).
    work_for_store(claims.tenant_id)
    return claims


def current_staff(permission: str | None = None) -> Staff:
    """Return the store staff caller (api token or impersonating operator), refusing those whose role
    lacks ``permission`` (see appliance.security.permissions; any staff when None)."""
    rt = current_runtime()
    token = bearer_token()
    if looks_like_impersonation(token):
        staff = _impersonating(rt.settings.secret_key or "", token)
    else:
        holder = use_store_token(rt, token)
        if holder is None or holder.tenant_id is None:
            raise Unauthorized("That api token is not valid for a store.", code="invalid_token")
        staff = Staff(tenant_id=holder.tenant_id, role=holder.role, token_id=holder.id, user_id=holder.user_id)
        g.actor = Actor(user_id=staff.user_id, token_id=staff.token_id, label=f"api token {staff.token_id}")
    if permission is not None and not allowed(staff.role, permission):
        raise Forbidden(f"Your role ({staff.role.lower()}) may not do this.")
    g.staff = staff
    bind_contextvars(tenant_id=staff.tenant_id)
    work_for_store(staff.tenant_id)
    return staff


def _impersonating(secret: str, token: str) -> Staff:
    claims = read_impersonation_token(secret, token)
    staff = Staff(
        tenant_id=claims.tenant_id, role="OWNER", token_id=None, user_id=claims.admin_user_id, impersonated=True
    )
    g.actor = Actor(user_id=claims.admin_user_id, label=claims.admin_label, impersonated=True)
    # Every request made while impersonating leaves a trace, reads included.
    note_impersonated_request(current_runtime(), claims.tenant_id, claims.token_id, request.method, request.path)
    return staff


def current_tenant_of_any_caller() -> str:
    """Return the tenant of a staff api token or of a visitor token (for endpoints both may call)."""
    token = bearer_token()
    if token.startswith(TOKEN_PREFIX) or looks_like_impersonation(token):
        return current_staff().tenant_id
    return current_visitor().tenant_id


# The admin surface is not disclosed: whoever is not platform staff gets what an unknown address gets.
NOT_DISCLOSED = "There is nothing at this address."


@dataclass(frozen=True)
class Operator:
    """Platform staff calling the admin API with a platform api token."""

    role: str
    token_id: str
    user_id: str | None


def current_operator(permission: str) -> Operator:
    """Return the platform caller (a SUPER_ADMIN or INTERNAL api token). Anyone else, with a store's
    token, a visitor's or none, gets 404; platform staff whose role lacks ``permission`` get 403."""
    operator = g.get("operator") or _platform_caller()
    g.operator = operator
    g.actor = Actor(user_id=operator.user_id, token_id=operator.token_id, label=f"platform token {operator.token_id}")
    if not allowed(operator.role, permission):
        raise Forbidden(f"Your role ({operator.role.lower()}) may only read the admin pages.")
    return operator


def _platform_caller() -> Operator:
    token = bearer_token_or_none()
    if token is None or not token.startswith(TOKEN_PREFIX):
        raise NotFound(NOT_DISCLOSED)
    holder = use_platform_token(current_runtime(), token)
    if holder is None:
        raise NotFound(NOT_DISCLOSED)
    return Operator(role=holder.role, token_id=holder.id, user_id=holder.user_id)
