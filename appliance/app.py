"""The one composition root: build the Flask application from settings, middleware, the API and the panels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from appliance.infra.observability import configure_logging, init_request_logging
from appliance.infra.runtime import init_runtime
from appliance.infra.settings import load_settings
from appliance.jobs import catalogue
from appliance.web.api import register_api
from appliance.web.api.docs import make_openapi_app
from appliance.web.errors import register_error_handlers
from appliance.web.headers import init_security_headers
from appliance.web.limits import init_rate_limits
from appliance.web.metrics import init_metrics
from appliance.web.proxy import trust_proxies
from webui import register_webui

MAX_BODY_BYTES = 6 * 1024 * 1024  # a 5 MB attachment plus its multipart envelope


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application from the environment (and ``overrides``, which win)."""
    settings = load_settings(overrides=overrides)
    configure_logging(settings)
    app = make_openapi_app(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    secure = settings.public_url.startswith("https://")
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure)
    trust_proxies(app, settings)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented key order
    init_runtime(app, settings, catalogue.tasks())
    init_request_logging(app)
    init_metrics(app)
    init_rate_limits(app)
    init_security_headers(app, settings)
    register_error_handlers(app)
    register_api(app)
    register_webui(app)
    return app
