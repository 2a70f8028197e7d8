"""Driving the terminal console in tests: an app on a live server, and waiting until it has settled."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from appliance.infra.runtime import Runtime
from appliance.infra.task_failures import FAILED_KEY
from appliance.jobs.registry import task
from tui.app import ConsoleApp
from tui.client import AdminClient

ATTEMPTS: list[str] = []


@task
def console_test_always_fails(_rt: Runtime, lead_id: str) -> None:
    """Fail every time, for the queue's failed list (registered when tests import this module,
    before the app is built)."""
    ATTEMPTS.append(lead_id)
    raise RuntimeError("this task always fails")


def fail_a_task(rt: Runtime, lead_id: str, retries: int = 0) -> None:
    """Start from an empty failed list (the test queue outlives each test), then fail one task
    that huey retries ``retries`` more times (none: it has failed for good)."""
    rt.queue.huey.delete(FAILED_KEY)
    ATTEMPTS.clear()
    rt.queue.enqueue("console_test_always_fails", lead_id, retries=retries)


def run_now(scheduler: BackgroundScheduler, job_id: str) -> None:
    """Start ``scheduler`` with ``job_id`` due now, wait until that run is reported, and stop it."""
    done = threading.Event()
    scheduler.add_listener(lambda event: event.job_id == job_id and done.set(), EVENT_JOB_EXECUTED)
    scheduler.start(paused=True)
    try:
        scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
        scheduler.resume()
        assert done.wait(10), f"{job_id} did not run"
    finally:
        scheduler.shutdown(wait=True)


T = TypeVar("T")
SIZE = (80, 24)
FIXED_NOW = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)


def run_console(client: Any, script: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    """Run the console at 80×24 with a fixed clock and play ``script`` on it."""

    async def main() -> None:
        app = ConsoleApp(client, clock=lambda: FIXED_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await script(pilot)

    in_own_loop(main)


def in_own_loop(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` to its end on a new event loop in a thread of its own.

    Browser tests earlier in the run keep Playwright's loop running in the main thread, where
    asyncio.run() refuses to start another.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def console_of(url: str, token: str) -> AdminClient:
    return AdminClient(url, token)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the screen's API calls (thread workers) are answered and shown."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` one by one, letting each one's API calls finish."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def text_of(pilot: Pilot[None], selector: str) -> str:
    """Return the plain text a Static shows."""
    return pilot.app.screen.query_one(selector, Static).visual.plain  # type: ignore[union-attr]


def rows_of(pilot: Pilot[None], selector: str = "DataTable") -> list[list[str]]:
    """Return a table's rows as text."""
    table: DataTable[Any] = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notices(pilot: Pilot[None]) -> list[str]:
    """Return the notifications shown so far, as text."""
    return [str(n.message) for n in pilot.app._notifications]
