"""What anyone can load: the widget script a store pastes into its website, and the demo page."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from flask import Blueprint, Response, render_template, request

from appliance.errors import NotFound
from appliance.infra.runtime import current_runtime
from appliance.tenants.demo import demo_widget_key

public = Blueprint("public", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")

# The demo page allows only its own origin for everything: the widget must work under a strict CSP.
DEMO_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
WIDGET_CACHE = "public, max-age=300, must-revalidate"


@dataclass(frozen=True)
class Script:
    """The built widget, compressed once, with its ETag."""

    plain: bytes
    compressed: bytes
    etag: str


@cache
def widget_script() -> Script:
    """Return the widget script shipped as package data."""
    path = resources.files("appliance") / "static" / "widget.js"
    if not path.is_file():
        raise NotFound("The widget is not built in this installation.", code="widget_missing")
    plain = path.read_bytes()
    return Script(plain, gzip.compress(plain, 9, mtime=0), hashlib.sha256(plain).hexdigest()[:20])


@public.get("/widget.js")
def widget() -> Response:
    """Serve the widget: cached by browsers, revalidated by ETag, gzipped when the browser takes it."""
    script = widget_script()
    if request.if_none_match.contains(script.etag):
        response = Response(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(script.compressed, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(script.plain, mimetype="text/javascript")
    response.set_etag(script.etag)
    response.headers["Cache-Control"] = WIDGET_CACHE
    response.vary.add("Accept-Encoding")
    return response


@public.get("/demo")
def demo() -> Response:
    """Show a studio's landing page with the chat widget on it, as a store's website would."""
    response = Response(render_template("demo.html", widget_key=demo_widget_key(current_runtime())))
    response.headers["Content-Security-Policy"] = DEMO_CSP
    return response
