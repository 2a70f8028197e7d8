"""Security headers on every response: no sniffing, a careful referrer, no framing, CSP for the panels, HSTS.

A Content-Security-Policy a view already set (the demo page's strict one) is left alone, and so are
the frame protections then: the page has said what it allows. The widget script and the static
assets are loaded by stores' websites, so they get no frame protections (they are not documents).
"""

from __future__ import annotations

from flask import Flask, Response, request

from appliance.infra.settings import Settings

PANEL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
NO_FRAMING_CSP = "frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
EMBEDDED_PATHS = ("/widget.js",)
EMBEDDED_PREFIXES = ("/assets/",)
PANEL_PATHS = ("/panel", "/admin")
PANEL_PREFIXES = ("/panel/", "/admin/")


def init_security_headers(app: Flask, settings: Settings) -> None:
    """Add the security headers to every response of ``app``."""
    https_site = settings.public_url.startswith("https://")

    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if https_site or request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if "Content-Security-Policy" not in headers and not is_embedded(request.path):
            headers["Content-Security-Policy"] = PANEL_CSP if is_panel(request.path) else NO_FRAMING_CSP
            headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.after_request(add_headers)


def is_panel(path: str) -> bool:
    """Tell whether ``path`` is one of the web panels (staff or operator)."""
    return path in PANEL_PATHS or path.startswith(PANEL_PREFIXES)


def is_embedded(path: str) -> bool:
    """Tell whether ``path`` is loaded by stores' websites (the widget script and its assets)."""
    return path in EMBEDDED_PATHS or path.startswith(EMBEDDED_PREFIXES)
