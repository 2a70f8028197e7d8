"""AppError and its kinds: what services and the core raise, each with a code, a sentence and a status.

The web interface (appliance.web.errors) answers them with the one error envelope; other interfaces
(the panels, the command line, channels) turn them into their own words.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class AppError(Exception):
    """An error with a stable machine code, a sentence for people, and an HTTP status."""

    status = 400
    code = "bad_request"
    message = "The request could not be understood."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or {}
        self.headers: dict[str, str] = {}


class BadRequest(AppError):
    """The request is malformed (400)."""


class Unauthorized(AppError):
    """No valid credential was given (401)."""

    status, code, message = 401, "unauthorized", "Sign in or send a valid token."


class Forbidden(AppError):
    """The caller is known but may not do this (403)."""

    status, code, message = 403, "forbidden", "You are not allowed to do that."


class NotFound(AppError):
    """The thing does not exist, or belongs to another tenant (404; never disclosed as 403)."""

    status, code, message = 404, "not_found", "Not found."


class Conflict(AppError):
    """The request clashes with the current state (409)."""

    status, code, message = 409, "conflict", "That clashes with the current state. Reload and try again."


class PayloadTooLarge(AppError):
    """The body is over the limit (413)."""

    status, code, message = 413, "payload_too_large", "That is too large."


class UnsupportedMediaType(AppError):
    """The body is not of a type this endpoint takes (415)."""

    status, code, message = 415, "unsupported_media_type", "Send the body as application/json."


class Invalid(AppError):
    """The input breaks rules; details.problems lists every one with its path (422)."""

    status, code, message = 422, "invalid", "Some values are not valid."

    def __init__(self, problems: list[dict[str, str]], message: str | None = None) -> None:
        super().__init__(message, details={"problems": problems})


class RateLimited(AppError):
    """Too many requests; come back after Retry-After seconds (429)."""

    status, code, message = 429, "rate_limited", "Too many requests. Please wait a moment and try again."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.headers["Retry-After"] = str(retry_after)


class Unavailable(AppError):
    """A dependency or the tenant is unavailable for now (503)."""

    status, code, message = 503, "unavailable", "The service is unavailable right now. Please try again soon."


def problems_from_validation(exc: ValidationError) -> list[dict[str, str]]:
    """Turn pydantic's errors into [{"path": "blocks[3].next", "message": "..."}], one per problem."""
    return [{"path": _path(err["loc"]), "message": err["msg"]} for err in exc.errors()]


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


class ExternalError(Exception):
    """A party outside the program (a channel, an AI provider) failed us; ``permanent`` when retrying
    cannot help (a refused key, a malformed message), so callers know whether to try again."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
