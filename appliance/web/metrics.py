"""GET /metrics (Prometheus text format) and the counting of every request by route and status.

Who may scrape: platform staff with an operator api token, or a client whose address is in
EBANISTA_METRICS_ALLOW (loopback by default). Anyone else gets 403 in the error envelope; the
numbers carry no personal data, but they do tell about the platform's traffic.
"""

from __future__ import annotations

import time
from ipaddress import ip_address

from flask import Flask, Response, g, request

from appliance.errors import AppError, Forbidden
from appliance.infra import metrics
from appliance.infra.runtime import current_runtime
from appliance.infra.settings import parse_networks
from appliance.operator.alerts import forget_booking_failure
from appliance.operator.levels import PlatformLevels
from appliance.web.api.auth import bearer_token_or_none, current_operator

PATH = "/metrics"
UNMATCHED = "<unmatched>"  # every unknown address in one series, so scans cannot explode the label set


def init_metrics(app: Flask) -> None:
    """Count every request (route template, status, latency) and serve /metrics."""
    app.before_request(_start)
    app.after_request(_count)
    app.add_url_rule(PATH, "metrics", scrape, methods=["GET"])


def _start() -> None:
    g.metrics_started = time.perf_counter()
    forget_booking_failure()


def _count(response: Response) -> Response:
    started = g.get("metrics_started")
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    metrics.REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    if started is not None:
        metrics.LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return response


def scrape() -> Response:
    """Return every metric in the Prometheus text format, to allowed callers only."""
    rt = current_runtime()
    _allow_scrape(rt.settings.metrics_allow)
    body = metrics.render([PlatformLevels(rt)])
    return Response(body, mimetype=None, content_type=metrics.CONTENT_TYPE)


def _allow_scrape(allow: str) -> None:
    if bearer_token_or_none() is not None:
        try:
            current_operator("admin.read")
            return
        except AppError:
            raise Forbidden("Only platform operators may read the metrics.", code="metrics_forbidden") from None
    try:
        client = ip_address(request.remote_addr or "")
    except ValueError:
        client = None
    if client is None or not any(client in network for network in parse_networks(allow)):
        raise Forbidden("Metrics are not served to this address.", code="metrics_forbidden")
