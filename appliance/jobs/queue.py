"""Background tasks: thin, idempotent wrappers around services, run by huey.

Tasks are plain functions registered with @task; each app builds its own huey instance and wraps
them, so tests, the appliance (SQLite queue) and the platform (Redis queue) share one definition.
A task may run twice; each one claims its rows with conditional updates or is harmless to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import structlog
from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from sqlalchemy import delete, update

from appliance.infra.db import ChatSession, IdempotencyKey, utcnow
from appliance.infra.settings import Settings

if TYPE_CHECKING:
    from appliance.infra.runtime import Runtime

log = structlog.get_logger(__name__)

TaskFunction = Callable[..., Any]
_REGISTRY: dict[str, TaskFunction] = {}


def task(fn: TaskFunction) -> TaskFunction:
    """Register ``fn(runtime, *args)`` as a background task named after the function."""
    _REGISTRY[fn.__name__] = fn
    return fn


def make_huey(settings: Settings) -> Huey:
    """Return the queue of this mode: in memory and immediate for tests, SQLite or Redis otherwise."""
    if settings.tasks_immediate:
        return MemoryHuey("ebanista", immediate=True)
    if settings.redis_url:
        return RedisHuey("ebanista", url=settings.redis_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("ebanista", filename=str(settings.data_dir / "tasks.db"))


class TaskQueue:
    """The registered tasks bound to one app and one huey instance."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        self.huey = huey
        self._tasks: dict[str, TaskWrapper] = {
            name: huey.task(name=name, retries=2, retry_delay=30)(_in_app(app, fn)) for name, fn in _REGISTRY.items()
        }

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Queue the task ``name`` (it runs at once in immediate mode)."""
        self._tasks[name](*args, **kwargs)

    def ping(self) -> None:
        """Raise if the queue's storage does not answer."""
        self.huey.pending_count()


def _in_app(app: Flask, fn: TaskFunction) -> TaskFunction:
    def run(*args: Any, **kwargs: Any) -> Any:
        from appliance.infra.runtime import runtime_of

        with app.app_context():
            return fn(runtime_of(app), *args, **kwargs)

    run.__name__ = fn.__name__
    return run


@task
def purge_expired_idempotency_keys(rt: Runtime) -> int:
    """Delete idempotency records older than their 24 h window."""
    with rt.transaction() as session:
        result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < utcnow()))
    count = result.rowcount or 0
    log.info("idempotency_keys_purged", count=count)
    return count


@task
def expire_idle_sessions(rt: Runtime) -> int:
    """Mark conversations idle past their expiry as expired (a resume then starts afresh)."""
    with rt.transaction() as session:
        result = session.execute(
            update(ChatSession)
            .where(ChatSession.status != "expired", ChatSession.expires_at < utcnow())
            .values(status="expired")
        )
    count = result.rowcount or 0
    log.info("sessions_expired", count=count)
    return count


# Modules that declare tasks register them when imported; importing them here makes every TaskQueue complete.
import appliance.accounts.invitation_mail  # noqa: E402
import appliance.agenda.reminders  # noqa: E402, F401
from appliance.privacy import retention as _retention  # noqa: E402, F401
