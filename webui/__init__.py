"""The web panels: /panel for store staff and /admin for the platform operator."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from appliance.infra.runtime import current_runtime
from appliance.version import __version__
from webui.admin import register_admin
from webui.panel import register_panel
from webui.public import public
from webui.ui import init_ui

home = Blueprint("home", __name__, template_folder="templates")


@home.get("/")
def index() -> str:
    """Show what this server is and where to go next."""
    settings = current_runtime().settings
    return render_template("home.html", mode=settings.mode, version=__version__)


def register_webui(app: Flask) -> None:
    """Attach the web interfaces to ``app``."""
    app.register_blueprint(home)
    app.register_blueprint(public)
    init_ui(app)
    register_panel(app)
    register_admin(app)
