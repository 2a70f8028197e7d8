"""The queue that runs background tasks: huey in memory (tests), SQLite (appliance) or Redis (platform).

Each app builds its own huey instance and wraps the registered tasks in it, so tests, the appliance
and the platform share one definition. A task may run twice; each one claims its rows with
conditional updates or is harmless to repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from appliance.infra.private import create_private_file, make_private_folder
from appliance.infra.settings import Settings
from appliance.jobs.registry import TaskFunction


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

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Queue the task ``name`` (it runs at once in immediate mode)."""
        self._tasks[name](*args, **kwargs)

    def ping(self) -> None:
        """Raise if the queue's storage does not answer."""
        self.huey.pending_count()


def _in_app(app: Flask, fn: TaskFunction, runtime: Callable[[], Any]) -> TaskFunction:
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():
            return fn(runtime(), *args, **kwargs)

    run.__name__ = fn.__name__
    return run
