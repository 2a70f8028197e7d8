"""The public HTTP API under /v1: one module per resource, thin handlers."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_openapi3 import APIBlueprint, OpenAPI

from appliance.errors import BadRequest, Invalid, UnsupportedMediaType
from appliance.web.api import (
    admin,
    agenda,
    analytics,
    billing,
    channels,
    chat,
    config,
    flows,
    health,
    leads,
    plans,
    privacy,
    widget,
)
from appliance.web.api import admin_health as admin_health_api
from appliance.web.api import backups as backups_api  # issue 24, apart for easy merges
from appliance.web.api import webhooks as webhooks_api
from appliance.web.cors import init_cors
from appliance.web.errors import wants_json

# Endpoints that take multipart uploads instead of JSON bodies.
MULTIPART_SUFFIXES = ("/attachments",)
# Endpoints that read their raw body themselves: a webhook's signature is checked before its JSON.
RAW_BODY_PATHS = ("/v1/channels/whatsapp/webhook", "/v1/billing/stripe/webhook")


def register_api(app: OpenAPI) -> None:
    """Attach every /v1 resource to ``app``."""
    api = APIBlueprint("v1", __name__, url_prefix="/v1")
    for resource in (health, widget, chat, flows, config, agenda, admin, leads, analytics, privacy, channels):
        api.register_api(resource.api)
    # Operator alerts and platform health (issue #20), in a block of their own.
    api.register_api(admin_health_api.api)
    api.register_api(webhooks_api.api)
    for resource in (billing, plans):  # plans and billing (appliance.billing)
        api.register_api(resource.api)
    api.register_api(backups_api.api)
    app.register_api(api)
    init_cors(app)
    app.before_request(admin.guard_admin_surface)  # before body checks: they would disclose routes
    app.before_request(require_json_body)
    app.before_request(refuse_nul_characters)


def require_json_body() -> None:
    """Refuse API bodies that are not JSON (415) or not valid JSON (400) before any handler runs.

    Only for a matched route: a wrong path or method keeps its 404 or 405.
    """
    if request.url_rule is None or not wants_json():
        return
    if request.method not in {"POST", "PUT", "PATCH"} or not _has_body():
        return
    if request.path.endswith(MULTIPART_SUFFIXES) or request.path in RAW_BODY_PATHS:
        return
    if not request.is_json:
        raise UnsupportedMediaType()
    if request.get_json(silent=True) is None:
        raise BadRequest("The body is not valid JSON.", code="invalid_json")


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"


NUL = "\x00"
NO_NUL = "must not contain the NUL character"


def refuse_nul_characters() -> None:
    """Refuse (422) an API request whose path, query or JSON body holds a NUL character.

    No text we keep or look up may hold one: PostgreSQL refuses it in any text value (a DataError,
    answered 500), so it is refused here, once for every route, before it reaches a query.
    """
    if request.url_rule is None or not wants_json():
        return
    problems = [{"path": "path", "message": NO_NUL}] if NUL in request.path else []
    for name, value in request.args.items(multi=True):
        if NUL in name + value:
            problems.append({"path": "query" if NUL in name else f"query.{name}", "message": NO_NUL})
    if request.is_json and _holds_nul(request.get_json(silent=True)):
        problems.append({"path": "body", "message": NO_NUL})
    if request.mimetype == "multipart/form-data":
        # The uploads' file names are kept too (conversations.attachments).
        texts = [*request.form.values(), *(upload.filename or "" for upload in request.files.values())]
        problems += [{"path": "body", "message": NO_NUL}] if any(NUL in text for text in texts) else []
    if problems:
        raise Invalid(problems)


def _holds_nul(value: Any) -> bool:
    # A walk with its own stack (bodies are at most 64 levels deep, see json_provider.py).
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str) and NUL in node:
            return True
        if isinstance(node, dict):
            pending += [*node.keys(), *node.values()]
        elif isinstance(node, list):
            pending += node
    return False
