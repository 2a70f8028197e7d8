"""Which rate limits a web request falls under, the app's limiter, and the before_request hook that applies them.

Limited: /v1/* (but not health and the API docs), /panel/* and /admin/*. Never the widget script,
static assets or the demo page, which browsers load on every page view of a store's website.

The client is ``request.remote_addr``: the socket peer, or the address a trusted reverse proxy
forwarded when EBANISTA_TRUSTED_PROXIES is set (see appliance.web.proxy). IPv6 clients are
counted by their /64, which one household or server usually holds whole.
"""

from __future__ import annotations

import ipaddress
import math

import redis
import structlog
from flask import Flask, Response, current_app, request

from appliance.billing.plans import plan_limits
from appliance.errors import RateLimited, Unauthorized
from appliance.infra.ratelimit import (
    IP_PER_10_MINUTES,
    MINUTE,
    SENSITIVE_PER_MINUTE,
    VISITOR_IP_PER_MINUTE,
    Limiter,
    Rule,
    tenant_limit,
)
from appliance.infra.runtime import Runtime, current_runtime, runtime_of
from appliance.security.impersonation import looks_like_impersonation, read_impersonation_token
from appliance.security.tokens import TOKEN_PREFIX
from appliance.security.visitor import read_visitor_token
from appliance.tenants.api_tokens import token_tenant_id
from appliance.tenants.directory import TenantInfo, tenant_by_widget_key, tenant_info
from appliance.tenants.validation import LANGUAGES
from appliance.web.api.auth import bearer_token_or_none
from appliance.web.errors import wants_json
from appliance.web.limited_paths import is_limited
from appliance.web.request_store import remember_store

log = structlog.get_logger(__name__)

EXTENSION = "ebanista.ratelimit"
VISITOR_PREFIXES = ("/v1/widget/", "/v1/chat/")
LOGIN_PREFIXES = ("/panel/login", "/admin/login")
BOOKING_PATH = "/v1/appointments"
WIDGET_SESSION_PATH = "/v1/widget/session"
TEN_MINUTES = 600

# Visitors see this in the widget, in their language; it must not sound like an error of theirs.
VISITOR_MESSAGES = {
    "es": "Hemos recibido muchos mensajes seguidos. Espera unos minutos y vuelve a intentarlo, por favor.",
    "ca": "Hem rebut molts missatges seguits. Espera uns minuts i torna-ho a provar, si us plau.",
    "pt": "Recebemos muitas mensagens seguidas. Aguarde alguns minutos e tente novamente, por favor.",
    "en": "We have received a lot of messages in a row. Please wait a few minutes and try again.",
}


def init_rate_limits(app: Flask) -> Limiter:
    """Build ``app``'s limiter over its cache and install the request hook (or warn that limits are off)."""
    rt = runtime_of(app)
    limiter = Limiter(rt.cache, enabled=rt.settings.rate_limits == "on")
    app.extensions[EXTENSION] = limiter
    if limiter.enabled:
        app.before_request(limit_request)
    else:
        log.warning("rate_limits_off", setting="EBANISTA_RATE_LIMITS", note="every rate limit is disabled")
    return limiter


def limiter_of(app: Flask) -> Limiter:
    """Return the limiter of ``app`` (tests replace its clock)."""
    return app.extensions[EXTENSION]


def limit_request() -> Response | None:
    """Refuse the request with 429 and Retry-After when its caller is over a limit or blocked."""
    if not is_limited(request.path):
        return None
    try:
        tenant = request_tenant(current_runtime())
        # The handler's channel takes the store from here instead of reading it again.
        remember_store(tenant)
        wait = limiter_of(current_app).check(rules_for(client_key(), tenant))
    except redis.RedisError as exc:
        # The cache only protects; losing it must not take the service down with it.
        log.warning("rate_limits_unavailable", error_type=type(exc).__name__)
        return None
    return None if wait is None else refusal(wait, tenant)


def client_key() -> str:
    """Return the client's address as counted: IPv4 whole, IPv6 by its /64."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def rules_for(ip: str, tenant: TenantInfo | None) -> list[Rule]:
    """Return the rules this request counts against, broadest first."""
    rules = [Rule(f"ip:{ip}", IP_PER_10_MINUTES, TEN_MINUTES)]
    if request.method == "OPTIONS":
        return rules  # a CORS preflight carries nothing to attribute; only the ten-minute cap applies
    if group := sensitive_group():
        rules.append(Rule(f"{group}:{ip}", SENSITIVE_PER_MINUTE, MINUTE))
    if request.path.startswith(VISITOR_PREFIXES):
        rules.append(Rule(f"visitor-ip:{ip}", VISITOR_IP_PER_MINUTE, MINUTE))
    if tenant is not None:
        rules.append(_store_rule(tenant))
    return rules


def _store_rule(tenant: TenantInfo) -> Rule:
    # Opening a widget session carries only the public key: it counts in its own bucket, so that
    # anonymous page loads can never block the store's staff or the conversations under way.
    if is_widget_session():
        limit = tenant_limit(tenant.plan, tenant.limits, "widget_sessions_per_minute")
        return Rule(f"widget-sessions:{tenant.id}", limit, MINUTE)
    # The per-store number is the plans table's (cached), so the operator's edit of a plan applies.
    per_minute = plan_limits(current_runtime(), tenant.plan).requests_per_minute
    return Rule(
        f"tenant:{tenant.id}", tenant_limit(tenant.plan, tenant.limits, "tenant_per_minute", per_minute), MINUTE
    )


def is_widget_session() -> bool:
    """Tell whether this request opens (or resumes) a widget session."""
    return request.method == "POST" and request.path == WIDGET_SESSION_PATH


def sensitive_group() -> str | None:
    """Name the sensitive kind of this request (logins, bookings), or None."""
    if request.method != "POST":
        return None
    if request.path.startswith(LOGIN_PREFIXES):
        return "login"
    if request.path.rstrip("/") == BOOKING_PATH:
        return "booking"
    return None


def request_tenant(rt: Runtime) -> TenantInfo | None:
    """Return the tenant the request is attributable to: its token's, or its widget key's."""
    tenant_id = _token_tenant_id(rt)
    if tenant_id:
        return tenant_info(rt, tenant_id)
    if is_widget_session() and request.is_json:
        body = request.get_json(silent=True)
        key = body.get("widget_key") if isinstance(body, dict) else None
        if isinstance(key, str) and 0 < len(key) <= 64:
            return tenant_by_widget_key(rt, key)
    return None


def _token_tenant_id(rt: Runtime) -> str | None:
    token = bearer_token_or_none()
    if token is None:
        return None
    if token.startswith(TOKEN_PREFIX):
        return token_tenant_id(rt, token)
    secret = rt.settings.secret_key or ""
    try:
        if looks_like_impersonation(token):
            return read_impersonation_token(secret, token).tenant_id
        return read_visitor_token(secret, token).tenant_id
    except Unauthorized:
        return None  # the handler answers 401; a bad token is attributable to no one


def refusal(wait: int, tenant: TenantInfo | None) -> Response:
    """Return (or raise, under /v1) the 429 answer with Retry-After."""
    if request.path.startswith(VISITOR_PREFIXES):
        raise RateLimited(wait, VISITOR_MESSAGES[_visitor_language(tenant)])
    message = f"Too many requests. Try again in {_duration(wait)}."
    if wants_json():
        raise RateLimited(wait, message)
    return Response(message, status=429, mimetype="text/plain", headers={"Retry-After": str(wait)})


def _visitor_language(tenant: TenantInfo | None) -> str:
    fallback = tenant.default_language if tenant and tenant.default_language in LANGUAGES else "es"
    return request.accept_languages.best_match(LANGUAGES) or fallback


def _duration(seconds: int) -> str:
    if seconds < MINUTE:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / MINUTE)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
