"""Snapshots of the console's screens at 80×24, fed from recorded answers of the admin API (as dolphie
tests its screens), with a fixed clock and no blinking cursor.

pytest-textual-snapshot pins a syrupy that refuses our pytest, so the comparison is our own: the SVG
of ``export_screenshot()`` against tests/snapshots/console/<screen>.svg. After a deliberate change of
the screens, regenerate them with ``UPDATE_CONSOLE_SNAPSHOTS=1 .venv/bin/pytest tests/test_console_snapshots.py``
and look at the SVGs (any browser shows them) before committing.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.backends import PLATFORM
from tests.console import SIZE, in_own_loop, run_console, settle, text_of
from tui.app import ConsoleApp
from tui.client import ApiError

pytestmark = pytest.mark.skipif(PLATFORM, reason="recorded answers, no server: the backend does not matter")
HERE = Path(__file__).parent / "snapshots" / "console"
RECORDED = json.loads((HERE / "recorded.json").read_text(encoding="utf-8"))
CLOCK = datetime(2026, 12, 6, 20, 29, tzinfo=UTC)
# Not an EBANISTA_ variable: the suite clears those so that no setting leaks into a test.
UPDATE = os.environ.get("UPDATE_CONSOLE_SNAPSHOTS") == "1"


class RecordedClient:
    """Answers the console's reads from recorded.json; the snapshots make no changes."""

    base_url = "http://127.0.0.1:8000"

    def get(self, path: str, **_query: Any) -> Any:
        return RECORDED[path]


def screenshot(key: str, light: bool = False) -> str:
    async def main() -> str:
        app = ConsoleApp(RecordedClient(), clock=lambda: CLOCK, light=light)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            return app.export_screenshot(title="ebanista console")

    return in_own_loop(main)


@pytest.mark.parametrize(
    ("key", "name"),
    [("o", "overview"), ("t", "tenants"), ("l", "live"), ("q", "queue"), ("j", "jobs"), ("e", "errors"),
     ("a", "audit"), ("b", "backups")],
)  # fmt: skip
def test_the_screen_looks_as_recorded_at_80_by_24(key: str, name: str, tmp_path: Path) -> None:
    compare(screenshot(key), name, tmp_path)


def test_the_light_overview_looks_as_recorded(tmp_path: Path) -> None:
    compare(screenshot("o", light=True), "overview-light", tmp_path)


def compare(found: str, name: str, tmp_path: Path) -> None:
    expected = HERE / f"{name}.svg"
    if UPDATE:
        expected.write_text(found, encoding="utf-8")
    elif not expected.exists():
        pytest.fail(f"no snapshot {expected}: write it with UPDATE_CONSOLE_SNAPSHOTS=1")
    if found != expected.read_text(encoding="utf-8"):
        (tmp_path / f"{name}.svg").write_text(found, encoding="utf-8")
        pytest.fail(f"{name} differs from {expected}; this run's screen is {tmp_path / f'{name}.svg'}")


class DatabaseDownClient(RecordedClient):
    """Answers as a server whose database is down: the admin API fails, /v1/health says 503 and why."""

    def get(self, path: str, **_query: Any) -> Any:
        raise ApiError("internal_error", "Something went wrong on our side.", 500)

    def health(self) -> dict[str, Any]:
        return {"status": "down", "checks": {"database": "down", "cache": "ok", "queue": "ok", "storage": "ok"}}


def test_the_overview_still_says_which_part_is_down_when_the_server_cannot_count() -> None:
    async def script(pilot: Pilot[None]) -> None:
        shown = text_of(pilot, "#overview")
        assert "Health  down" in shown
        assert "database down   cache ok" in shown
        assert "No numbers: Something went wrong on our side. (internal_error)" in shown

    run_console(DatabaseDownClient(), script)
