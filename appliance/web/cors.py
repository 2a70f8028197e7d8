"""CORS for the endpoints a store's website calls (the widget): preflights and echoed origins.

A preflight carries no credentials, so it cannot say which store it is for; it is answered for
origins that some active store allows. The real request then checks its own store's list (the
widget session) or its token's origin (the chat). No cookies are used, so no credentials are allowed.
"""

from __future__ import annotations

from flask import Flask, Response, request

from appliance.infra.runtime import current_runtime
from appliance.security.origins import origin_allowed
from appliance.tenants.directory import all_origin_patterns

VISITOR_PREFIXES = ("/v1/widget/", "/v1/chat/", "/v1/agenda/slots")
PREFLIGHT_MAX_AGE = "7200"


def _is_visitor_path() -> bool:
    return request.path.startswith(VISITOR_PREFIXES)


def _allowed_somewhere(origin: str | None) -> bool:
    return origin_allowed(origin, all_origin_patterns(current_runtime()))


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or not _is_visitor_path():
        return None
    response = Response(status=204)
    origin = request.headers.get("Origin")
    if _allowed_somewhere(origin):
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin or "",
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, X-Request-ID",
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    response.headers["Vary"] = "Origin"
    return response


def _echo_origin(response: Response) -> Response:
    if not _is_visitor_path():
        return response
    origin = request.headers.get("Origin")
    if origin and _allowed_somewhere(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After, Idempotent-Replayed"
    response.vary.add("Origin")
    return response


def init_cors(app: Flask) -> None:
    """Answer preflights first and echo allowed origins on visitor endpoints."""
    app.before_request(_preflight)
    app.after_request(_echo_origin)
