"""Health of the parts the program runs on, as /v1/health and the operator console report it."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from sqlalchemy import text

from appliance.infra.runtime import Runtime
from appliance.version import __version__

log = structlog.get_logger(__name__)


def check_health(rt: Runtime) -> dict[str, object]:
    """Return the health report: each check "ok" or "down", and the overall status.

    The status is "ok"; "degraded" when a non-essential part is down (Redis: cache and queue on the
    platform, where chat still works from the database; or the file storage); or "down" without a
    database, when the node cannot serve chat.
    """
    checks = {
        "database": _probe("database", lambda: _ping_database(rt)),
        "cache": _probe("cache", rt.cache.ping),
        "queue": _probe("queue", rt.queue.ping),
        "storage": _probe("storage", rt.storage.check),
    }
    if checks["database"] != "ok":
        status = "down"
    elif all(v == "ok" for v in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return {"status": status, "version": __version__, "mode": rt.settings.mode, "checks": checks}


def _ping_database(rt: Runtime) -> None:
    with rt.transaction() as db:
        db.connection().execute(text("SELECT 1"))


def _probe(name: str, check: Callable[[], object]) -> str:
    try:
        check()
    except Exception as exc:
        log.warning("health_check_failed", check=name, error_type=type(exc).__name__)
        return "down"
    return "ok"
