"""l — live conversations: the latest turns across stores, contact details masked by the server.

Each read is audited (it shows what visitors say), so the tail follows only when asked: f."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable

from tui.client import AdminClient
from tui.format import when
from tui.screens.base import ConsoleScreen, refill

FOLLOW_SECONDS = 5


class LiveScreen(ConsoleScreen):
    """A tail of conversation turns, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f", "follow", "Follow", show=False)]
    HINT = "f follow (every 5 s)  r refresh  · newest first, contact details masked"

    def __init__(self) -> None:
        super().__init__()
        self.timer: Timer | None = None

    def body(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="live", cursor_type="row")
        table.add_columns("time (UTC)", "store", "who", "text")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        return client.get("/admin/live", limit=100)["items"]

    def show(self, data: Any) -> None:
        rows = [(m["id"], (when(m["created_at"]), m["tenant"], m["role"], _line(m["text"]))) for m in data]
        refill(self.query_one(DataTable), rows)

    def action_follow(self) -> None:
        if self.timer is None:
            self.timer = self.set_interval(FOLLOW_SECONDS, self.load)
            self.notify("Following the conversations (f to stop).")
        else:
            self.timer.stop()
            self.timer = None
            self.notify("Stopped following.")

    def on_screen_suspend(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None


def _line(text: str) -> str:
    return " ".join(text.split())[:200]
