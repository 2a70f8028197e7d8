"""l — live conversations: the latest turns across stores, contact details masked by the server.

The table shows one line per message; the highlighted one is shown whole below it. Each read is
audited (it shows what visitors say), so the tail follows only when asked: f."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Static

from tui.client import AdminClient
from tui.format import clip, clock_time, plain, when
from tui.screens.base import ConsoleScreen, refill

FOLLOW_SECONDS = 5
TEXT_WIDTH = 44


class LiveScreen(ConsoleScreen):
    """A tail of conversation turns, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f", "follow", "Follow", show=False)]
    HINT = "f follow (every 5 s)  r refresh  · newest first, contact details masked"
    DEFAULT_CSS = """
    LiveScreen #turn { height: 5; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.timer: Timer | None = None
        self.turns: dict[str, dict[str, Any]] = {}

    def body(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="live", cursor_type="row")
        table.add_columns("UTC", "store", "who", "text")
        yield table
        yield Static("", id="turn")

    def fetch(self, client: AdminClient) -> Any:
        return client.get("/admin/live", limit=100)["items"]

    def show(self, data: Any) -> None:
        self.turns = {m["id"]: m for m in data}
        rows = [
            (m["id"], (clock_time(m["created_at"]), m["tenant"], m["role"], clip(m["text"], TEXT_WIDTH))) for m in data
        ]
        refill(self.query_one(DataTable), rows)
        if not data:
            self.query_one("#turn", Static).update("No conversation turns yet.")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        turn = self.turns.get(event.row_key.value or "")
        if turn is not None:
            where = f"{turn['tenant']} · {turn['session_id']} · {when(turn['created_at'])}"
            self.query_one("#turn", Static).update(f"[dim]{plain(where)}[/dim]\n{plain(turn['text'])}")

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
