"""The one error envelope every API error is answered with, and the handlers that make sure of it.

{"error": {"code": "slot_taken", "message": "...", "details": {}}}
"""

from __future__ import annotations

from typing import Any

import structlog
from flask import Flask, Response, g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from appliance.errors import AppError, problems_from_validation
from appliance.operator.telemetry import track_response

log = structlog.get_logger(__name__)

API_PREFIX = "/v1"


class ErrorBody(BaseModel):
    """The inside of the error envelope."""

    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorEnvelope(BaseModel):
    """Every API error: one shape, with the status code in the HTTP response."""

    error: ErrorBody


def envelope(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    """Return the error envelope as a JSON response with ``status``."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def validation_error_response(exc: ValidationError) -> Response:
    """Answer a request that failed its pydantic model with 422 and every problem."""
    return envelope(422, "invalid", "Some values are not valid.", {"problems": problems_from_validation(exc)})


# Codes for HTTP errors raised by Flask and werkzeug themselves (routing, body size...).
_HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Sign in or send a valid token."),
    403: ("forbidden", "You are not allowed to do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    413: ("payload_too_large", "That is too large."),
    415: ("unsupported_media_type", "That content type is not accepted here."),
    429: ("rate_limited", "Too many requests. Please wait a moment and try again."),
}


_INTERNAL = ("internal_error", "Something went wrong on our side. Please try again.")
_UNAVAILABLE = ("unavailable", "The service is unavailable for a moment. Please try again shortly.")


def _fallback_code(status: int, description: str | None) -> tuple[str, str]:
    # Never a vague "error": every 5xx is ours, "unavailable" (503) or "internal_error" (the rest),
    # and its werkzeug description, which may be a developer's text, is not shown.
    if status == 503:
        return _UNAVAILABLE
    if status >= 500:
        return _INTERNAL
    return "error", description or "Error."


def wants_json() -> bool:
    """Tell whether this request is answered in JSON (the API and the widget script)."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def register_error_handlers(app: Flask) -> None:
    """Answer every error under /v1 with the envelope, and never leak a stack trace; count every
    answer and record each 5xx for the operator (appliance.operator.telemetry)."""
    app.after_request(_note_outcome)

    @app.errorhandler(AppError)
    def _app_error(exc: AppError) -> Response:
        response = envelope(exc.status, exc.code, exc.message, exc.details)
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | HTTPException:
        if exc.response is not None:
            # Already a finished response (flask-openapi3 aborts with our 422 envelope).
            return exc.response
        if not wants_json():
            return exc
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status) or _fallback_code(status, exc.description)
        if status >= 500 and code == "internal_error":
            # Flask's own 500 (an error in an after_request step, say): the operator's list gets it too.
            original = getattr(exc, "original_exception", None)
            g.failure = ("internal_error", type(original or exc).__name__)
        response = envelope(status, code, message)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled_error", error_type=type(exc).__name__)
        # The operator's error list gets the exception's type only: its text may quote personal data.
        g.failure = ("internal_error", type(exc).__name__)
        if not wants_json():
            return "Something went wrong on our side. Please try again.", 500
        return envelope(500, *_INTERNAL)


def _note_outcome(response: Response) -> Response:
    track_response(response)
    return response
