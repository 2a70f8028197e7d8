"""The tasks that failed lately, kept in the queue's own storage so the operator can see and retry them.

Huey keeps no list of failed tasks. A signal handler notes each failure (its task, arguments and
error kind) under one key of the queue's storage: SQLite in the appliance (so it survives a
restart), Redis on the platform (so every node sees the same list). The list is bounded; the oldest
entries fall off. Two workers failing at the same instant may each drop the other's note: the task
itself is unaffected, only this view of it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from huey import Huey
from huey.signals import SIGNAL_ERROR

FAILED_KEY = "ebanista:failed-tasks"
KEEP = 50
_lock = threading.Lock()


def watch_failures(huey: Huey) -> None:
    """Note every failure of a task run by ``huey`` (each attempt; ``retries_left`` says if more follow)."""

    @huey.signal(SIGNAL_ERROR)
    def note(_signal: str, task: Any, exc: BaseException | None = None) -> None:
        entry = {
            "id": task.id,
            "task": task.name,
            "args": list(task.args or ()),
            "kwargs": dict(task.kwargs or {}),
            "error": type(exc).__name__ if exc else "Error",
            "retries_left": int(task.retries or 0),
            "failed_at": datetime.now(UTC).isoformat(),
        }
        with _lock:
            kept = [e for e in failed_tasks(huey) if e["id"] != task.id]
            huey.put(FAILED_KEY, [entry, *kept][:KEEP])


def failed_tasks(huey: Huey) -> list[dict[str, Any]]:
    """Return the noted failures, newest first."""
    return list(huey.get(FAILED_KEY, peek=True) or [])


def take_failure(huey: Huey, task_id: str) -> dict[str, Any] | None:
    """Remove the failure of ``task_id`` from the list and return it (None when unknown)."""
    with _lock:
        entries = failed_tasks(huey)
        found = next((e for e in entries if e["id"] == task_id), None)
        if found is not None:
            huey.put(FAILED_KEY, [e for e in entries if e["id"] != task_id])
        return found
