"""The queue that runs background tasks: huey in memory (tests), SQLite (appliance) or Redis (platform).

Each app builds its own huey instance and wraps the registered tasks in it, so tests, the appliance
and the platform share one definition. A task may run twice; each one claims its rows with
conditional updates or is harmless to repeat.

Tasks are enqueued after their business transaction committed (a booking, an invitation). When the
queue's storage (Redis on the platform) does not answer, the task is dropped with an error log that
names it: the committed work stands and the request answers as usual, since refusing it then would
tell the client that something failed which in fact happened (and a retry would book twice or be
replayed without the task anyway).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

import redis
import structlog
from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from appliance.infra.private import create_private_file, make_private_folder
from appliance.infra.settings import Settings
from appliance.infra.store_scope import store_scope
from appliance.infra.task_failures import watch_failures
from appliance.jobs.registry import TaskFunction

log = structlog.get_logger(__name__)
# The arguments logged with a dropped task: our ids ("apt_01J..."), never free text.
ID_SHAPE = re.compile(r"[a-z]{1,12}_[0-9A-Za-z]{8,40}")


def make_huey(settings: Settings) -> Huey:
    """Return the queue of this mode: in memory and immediate for tests, SQLite or Redis otherwise."""
    if settings.tasks_immediate:
        return MemoryHuey("ebanista", immediate=True)
    if settings.redis_url:
        return RedisHuey("ebanista", url=settings.redis_url)
    make_private_folder(settings.data_dir)
    # The queued tasks carry ids and addresses: created private, like the main database.
    create_private_file(settings.data_dir / "tasks.db")
    return SqliteHuey("ebanista", filename=str(settings.data_dir / "tasks.db"))


class TaskQueue:
    """The tasks bound to one app and one huey instance; each runs with the app's runtime."""

    def __init__(self, app: Flask, huey: Huey, tasks: Mapping[str, TaskFunction], runtime: Callable[[], Any]) -> None:
        self.huey = huey
        self._tasks: dict[str, TaskWrapper] = {
            name: huey.task(name=name, retries=2, retry_delay=30)(_in_app(app, fn, runtime))
            for name, fn in tasks.items()
        }
        watch_failures(huey)  # the operator console lists and retries failed tasks

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> bool:
        """Queue the task ``name`` (it runs at once in immediate mode); tell whether it was queued.

        When Redis does not answer, the task is dropped and an error names it, with the arguments
        that are ids (so the operator can redo it), never an address or other free text.
        """
        try:
            self._tasks[name](*args, **kwargs)
        except redis.RedisError as exc:
            ids = [a for a in args if isinstance(a, str) and ID_SHAPE.fullmatch(a)]
            log.error("task_dropped", task=name, ids=ids, error_type=type(exc).__name__, note="queue unreachable")
            return False
        return True

    def ping(self) -> None:
        """Raise if the queue's storage does not answer."""
        self.huey.pending_count()


def _in_app(app: Flask, fn: TaskFunction, runtime: Callable[[], Any]) -> TaskFunction:
    # A task that carries a ``tenant_id`` works for that store alone, and row-level security holds
    # it to it (appliance.infra.store_scope); any other task spans stores, as the scheduler's do.
    # Either way it never inherits the store of a request that ran it at once (immediate mode).
    signature = inspect.signature(fn)
    takes_store = "tenant_id" in signature.parameters

    def run(*args: Any, **kwargs: Any) -> Any:
        store = _task_store(signature, args, kwargs) if takes_store else None
        with app.app_context(), store_scope(store):
            return fn(runtime(), *args, **kwargs)

    run.__name__ = fn.__name__
    return run


def _task_store(signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    try:
        bound = signature.bind_partial(None, *args, **kwargs)  # None stands for the runtime
    except TypeError:
        return None  # the call itself will say what is wrong with its arguments
    store = bound.arguments.get("tenant_id")
    return store if isinstance(store, str) and store else None
