"""Health of the whole platform for the operator: every service with its latency, in under a second.

Each probe runs in its own thread with its own timeout, all at once, and the report waits for
them at most ``BUDGET_SECONDS``: a probe still running then is reported "down" (timed out), so a
hanging service can slow the report by no more than the budget (its p95 stays under one second).
A scheduled task runs the same check and raises the ``health_down`` alert.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

import structlog
from sqlalchemy import text

from appliance.infra import http
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.operator import alerts
from appliance.version import __version__

log = structlog.get_logger(__name__)
BUDGET_SECONDS = 0.8
PROBE_TIMEOUT_SECONDS = 0.7
# Shared by every report: a probe stuck past the budget keeps its thread, never the request.
_POOL = ThreadPoolExecutor(max_workers=12, thread_name_prefix="health")
Probe = Callable[[], object]


def platform_health(rt: Runtime) -> dict[str, object]:
    """Return {"status", "version", "mode", "checked_in_ms", "services": {name: {"status", "latency_ms", "error"?}}}."""
    started = time.perf_counter()
    probes = probes_of(rt)
    futures = {name: _POOL.submit(_timed, probe) for name, probe in probes.items()}
    wait(futures.values(), timeout=BUDGET_SECONDS)
    services = {name: _outcome(future) for name, future in futures.items()}
    down = [name for name, found in services.items() if found["status"] != "ok"]
    status = "down" if "database" in down else ("degraded" if down else "ok")
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return {
        "status": status,
        "version": __version__,
        "mode": rt.settings.mode,
        "checked_in_ms": elapsed,
        "services": services,
    }


def probes_of(rt: Runtime) -> dict[str, Probe]:
    """Return the probes of the services this installation uses (mail and AI only when configured)."""
    probes: dict[str, Probe] = {
        "database": lambda: _ping_database(rt),
        "cache": rt.cache.ping,
        "queue": rt.queue.ping,
        "storage": rt.storage.check,
    }
    if rt.settings.smtp_url:
        probes["mail"] = lambda: _ping_smtp(str(rt.settings.smtp_url))
    if rt.settings.ai_base_url:
        probes["ai"] = lambda: _ping_http(f"{rt.settings.ai_base_url}/models", rt.settings.ai_api_key)
    return probes


def _timed(probe: Probe) -> float:
    started = time.perf_counter()
    probe()
    return round((time.perf_counter() - started) * 1000, 1)


def _outcome(future: Future[float]) -> dict[str, object]:
    if not future.done():
        return {"status": "down", "latency_ms": None, "error": "timed out"}
    exc = future.exception()
    if exc is not None:
        # The type only: messages of drivers may quote URLs with credentials.
        return {"status": "down", "latency_ms": None, "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": future.result()}


def _ping_database(rt: Runtime) -> None:
    with rt.transaction() as db:
        db.connection().execute(text("SELECT 1"))


def _ping_smtp(url: str) -> None:
    parts = urlsplit(url)
    port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
    make = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with make(parts.hostname or "localhost", port, timeout=PROBE_TIMEOUT_SECONDS) as smtp:
        code, _ = smtp.noop()
        if code != 250:
            raise ConnectionError(f"SMTP answered {code}")


def _ping_http(url: str, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = http.request("GET", url, timeout=PROBE_TIMEOUT_SECONDS, headers=headers, max_bytes=256 * 1024)
    if answer.status >= 500:
        raise ConnectionError(f"answered {answer.status}")


@task
def watch_platform_health(rt: Runtime) -> list[str]:
    """Check every service and raise the ``health_down`` alert when any is down; return those down."""
    report = platform_health(rt)
    services: dict[str, dict[str, object]] = report["services"]  # type: ignore[assignment]
    down = sorted(name for name, found in services.items() if found["status"] != "ok")
    if down:
        log.warning("platform_unhealthy", down=down)
        alerts.raise_alert(rt, "health_down", detail=", ".join(down), send_now=True)
    return down
