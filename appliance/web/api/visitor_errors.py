"""Visitors read the chat API's refusals in their conversation's language.

Installed on the widget and chat blueprints as an after-request step, it sees every error answer
of those routes, wherever it came from (the body's validation, a service's AppError, werkzeug's own
413), and rewrites only the envelope's message: the code, status and details stay as documented.
The language is the one the request asks for (``lang``), else the conversation's (from the visitor
token), else the browser's (Accept-Language), else the store's default language.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint
from werkzeug.exceptions import HTTPException

from appliance.conversations.visitors import conversation_language
from appliance.core.visitor_errors import LANGUAGES, visitor_message
from appliance.errors import AppError
from appliance.infra.runtime import current_runtime
from appliance.security.visitor import read_visitor_token
from appliance.web.api.auth import bearer_token_or_none
from appliance.web.request_store import store_read


def speak_visitors_language(api: APIBlueprint, max_text: int | None = None) -> None:
    """Say the errors of ``api``'s routes in the visitor's language; ``max_text`` is the longest
    text a body may carry, said when a 422 is about a text beyond it."""

    @api.after_request
    def _translate(response: Response) -> Response:
        if response.status_code >= 400 and response.is_json:
            _rewrite(response, max_text)
        return response


def _rewrite(response: Response, max_text: int | None) -> None:
    envelope = response.get_json(silent=True)
    error = envelope.get("error") if isinstance(envelope, dict) else None
    if not isinstance(error, dict):
        return
    body = _body_read()
    body = body if isinstance(body, dict) else {}
    key, values = error.get("code"), {}
    text = body.get("text")
    if key == "invalid" and max_text and isinstance(text, str) and len(text) > max_text:
        key, values = "too_long", {"max": max_text}
        error.setdefault("details", {})["max_length"] = max_text
    language = visitor_language(body)
    message = visitor_message(str(key), language, **values)
    if message is None:
        return
    error["message"] = message
    error.setdefault("details", {})["language"] = language
    response.set_data(response.json_module.dumps(envelope))


def _body_read() -> Any:
    """Return the request's JSON body if it can still be read: a body that broke off (a bad chunk,
    a client gone) was already answered for, and reading it again must not turn that into a 500."""
    if not request.is_json:
        return None
    try:
        return request.get_json(silent=True)
    except HTTPException:
        return None


def visitor_language(body: dict[str, Any]) -> str:
    """Return the language a visitor's error is said in (see the module's docstring)."""
    asked = body.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    spoken = _conversation_language()
    if spoken in LANGUAGES:
        return str(spoken)
    browser = request.accept_languages.best_match(LANGUAGES)
    if browser:
        return browser
    store = store_read()
    return store.default_language if store is not None and store.default_language in LANGUAGES else "es"


def _conversation_language() -> str | None:
    token = bearer_token_or_none()
    if token is None:
        return None
    rt = current_runtime()
    try:
        claims = read_visitor_token(rt.settings.secret_key or "", token)
    except AppError:
        return None
    return conversation_language(rt, claims)
