"""j — the scheduler's jobs: how often each runs, when it last ran and when it runs next."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable

from tui.client import AdminClient
from tui.format import every, until, when
from tui.screens.base import ConsoleScreen, refill


class JobsScreen(ConsoleScreen):
    """The scheduled jobs, soonest first."""

    HINT = "r refresh · no jobs means no scheduler (worker) has reported lately"

    def body(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="jobs", cursor_type="row")
        table.add_columns("job", "every", "last run (UTC)", "next run")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        return client.get("/admin/jobs")["jobs"]

    def show(self, data: Any) -> None:
        now = self.now()
        rows = [
            (j["name"], (j["name"], every(j["interval_seconds"]), when(j["last_run"]), until(j["next_run"], now)))
            for j in data
        ]
        refill(self.query_one(DataTable), rows)
