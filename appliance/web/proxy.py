"""Trust a fixed number of reverse proxies for the client's address and scheme.

Without EBANISTA_TRUSTED_PROXIES the client is the socket peer: behind a proxy every visitor would
then share the proxy's address (and rate limit). With N, werkzeug's ProxyFix takes the N-th address
from the right of X-Forwarded-For and the scheme from X-Forwarded-Proto; headers a client sends past
those N hops are ignored, so they cannot be forged. X-Forwarded-Host is not trusted: links are built
from EBANISTA_PUBLIC_URL.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from appliance.infra.settings import Settings


def trust_proxies(app: Flask, settings: Settings) -> None:
    """Wrap ``app`` so request.remote_addr and request.scheme are the client's behind trusted proxies."""
    hops = settings.trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
