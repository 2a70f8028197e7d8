"""b — backups (appliance only): the copies made and their schedule; n makes one now."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui.client import AdminClient, ApiError
from tui.format import plain, size, when
from tui.screens.base import ConsoleScreen, refill

PLATFORM_NOTE = "Backups are made by the appliance; on the platform the database and storage have their own."


class BackupsScreen(ConsoleScreen):
    """The appliance's backups, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("n", "backup_now", "Back up now", show=False)]
    HINT = "n make a backup now · r refresh"

    def body(self) -> ComposeResult:
        yield Static("Loading…", id="backups-summary", classes="summary")
        table: DataTable[str] = DataTable(id="backups", cursor_type="row")
        table.add_columns("created (UTC)", "name", "size", "sha256")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        try:
            return client.get("/admin/backups")
        except ApiError as exc:
            # The platform answers 409 appliance_only: that is a state to show, not a failure.
            if exc.code == "appliance_only":
                return {"backups": [], "schedule": None, "note": PLATFORM_NOTE}
            raise

    def show(self, data: Any) -> None:
        schedule = data.get("schedule")
        copies = f"[b]Copies[/b] {len(data['backups'])}"
        note = data.get("note") or f"[b]Schedule[/b] {plain(_schedule(schedule))}\n{copies}"
        self.query_one("#backups-summary", Static).update(note)
        rows = [
            (b["name"], (when(b["created_at"]), b["name"], size(b["size_bytes"]), (b.get("sha256") or "")[:12]))
            for b in sorted(data["backups"], key=lambda b: b["created_at"], reverse=True)
        ]
        refill(self.query_one(DataTable), rows)

    def action_backup_now(self) -> None:
        self.confirm_then(
            "Make a backup of the database and files now?",
            lambda c: c.post("/admin/backups"),
            lambda answer: f"Backup {answer['backup']['name']} made ({size(answer['backup']['size_bytes'])}).",
        )


def _schedule(schedule: dict[str, Any] | None) -> str:
    if not schedule or not schedule.get("enabled"):
        return "nightly backups off"
    return f"nightly, the last {schedule['keep']} kept, next {when(schedule.get('next_run'))} UTC"
