"""Structured logs with request, tenant and session ids, and PII masked by the logger itself.

Every record, ours through structlog and foreign ones through the standard library (cheroot,
alembic, huey), goes through one formatter whose chain masks e-mail addresses and phone numbers,
so no code path can forget to.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any, TextIO

import structlog
from flask import Flask, Response, g, request
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars

from appliance.infra.settings import Settings

log = structlog.get_logger("ebanista.http")

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@[\w-]+(?:\.[\w-]+)*(\.[a-zA-Z]{2,})\b")
# Nine to fifteen digits, optionally with a leading + and the separators people type.
_PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ ().-]{0,2}\d){8,14}(?!\w)")
# Dates and times ("2026-11-26 10:16") are digit runs too, but carry no personal data.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def mask_text(text: str) -> str:
    """Return ``text`` with e-mail addresses and phone numbers masked."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@***{m.group(2)}", text)
    return _PHONE.sub(_mask_phone, text)


def _mask_phone(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if _DATE.match(found) else "***" + re.sub(r"\D", "", found)[-2:]


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def mask_pii(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Mask personal data in every value of a log event (a structlog processor)."""
    return {key: _mask_value(value) for key, value in event.items()}


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route structlog and standard logging through one masking, rendering formatter."""
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    pre_chain: list[Any] = [merge_contextvars, structlog.stdlib.add_log_level, timestamper]
    structlog.configure(
        processors=[*pre_chain, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*pre_chain, structlog.stdlib.add_logger_name],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            mask_pii,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    # SQLAlchemy would log statements with their parameters (personal data) at INFO; Alembic
    # chats about its dialect on every start (our own commands say what they migrated).
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def init_request_logging(app: Flask) -> None:
    """Give every request an id (echoed in X-Request-ID) and log one line when it ends."""
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(lambda _exc: clear_contextvars())


def _start_request() -> None:
    clear_contextvars()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    bind_contextvars(request_id=g.request_id)


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 2) if started else None
    # The path alone: query strings can carry searches for names, emails and phones.
    log.info("request", method=request.method, path=request.path, status=response.status_code, ms=duration)
    return response
