"""What both web panels share: sign-in session, permission checks, CSRF, languages, layout and assets.

``init_ui(app)`` runs once from ``register_webui``; each panel blueprint then calls
``webui.ui.area.setup_area`` and decorates its views with ``webui.ui.auth.require``."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from appliance.accounts.people import save_language
from appliance.infra.runtime import current_runtime, runtime_of
from webui.ui.area import setup_area
from webui.ui.auth import current_principal, safe_next
from webui.ui.filters import install_filters
from webui.ui.i18n import init_i18n, remember_language, translation_cache

# Static files of the panels (vendored libraries, panel.css, panel.js); /assets belongs to the widget pages.
ui = Blueprint(
    "ui",
    __name__,
    static_folder="../static",
    static_url_path="/static-ui",
    template_folder="../templates",
)
setup_area(ui, name="ui", nav=None, home="panel.today", login="panel.login")
csrf = CSRFProtect()


def init_ui(app: Flask) -> None:
    """Install languages, CSRF protection (checked only by the panel blueprints) and the shared routes."""
    settings = runtime_of(app).settings
    init_i18n(app, translation_cache(settings.data_dir))
    # The /v1 API uses bearer tokens, not cookies: CSRF is checked only where setup_area asks for it.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # A panel left open all afternoon must still submit; the token lives as long as the session.
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(app)
    install_filters(app)
    app.register_blueprint(ui)


@ui.post("/ui/language")
def set_language() -> Response:
    """Switch the panel's language for this session, and remember it on the person's account."""
    language = request.form.get("language", "")
    if remember_language(language):
        principal = current_principal()
        if principal is not None:
            save_language(current_runtime(), principal.user_id, language)
    return redirect(safe_next(request.form.get("next"), "/panel"))
