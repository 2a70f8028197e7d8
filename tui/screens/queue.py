"""q — the task queue: tasks waiting now and scheduled, and the failed ones, which y queues again."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui.client import AdminClient
from tui.format import plain, when
from tui.screens.base import ConsoleScreen, refill, selected_key


class QueueScreen(ConsoleScreen):
    """Pending, scheduled and failed background tasks."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "retry", "Retry", show=False)]
    HINT = "y retry the selected failed task · r refresh"

    def body(self) -> ComposeResult:
        yield Static("Loading…", id="queue-summary", classes="summary")
        table: DataTable[str] = DataTable(id="failed", cursor_type="row")
        table.add_columns("failed (UTC)", "task", "error", "retries left")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        return client.get("/admin/queue")

    def show(self, data: Any) -> None:
        waiting = ", ".join(sorted({t["task"] for t in data["waiting"]})) or "none"
        self.query_one("#queue-summary", Static).update(
            f"[b]Pending[/b] {data['pending']}   [b]scheduled[/b] {data['scheduled']}"
            f"   [b]failed[/b] {len(data['failed'])}\nwaiting: {plain(waiting)}"
        )
        rows = [(f["id"], (when(f["failed_at"]), f["task"], f["error"], f["retries_left"])) for f in data["failed"]]
        refill(self.query_one(DataTable), rows)

    def action_retry(self) -> None:
        task_id = selected_key(self.query_one(DataTable))
        if task_id is None:
            self.notify("No failed task to retry.", severity="warning")
            return
        self.confirm_then(
            "Queue this failed task again with the same arguments?",
            lambda c: c.post(f"/admin/queue/failed/{task_id}/retry"),
            lambda answer: f"{answer['task']} queued again." if answer["queued"] else "The queue did not take it.",
        )
