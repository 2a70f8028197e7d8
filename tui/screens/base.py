"""What every console screen shares: header and footer, loading its data in a thread, and changes
that ask first, go to the API, and report the answer (or the API's error) as a notification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Protocol, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.client import AdminClient, ApiError
from tui.dialogs import Confirm

Change = Callable[[AdminClient], Any]


class Console(Protocol):
    """What the screens need of the app (tui.app.ConsoleApp), named here so that no import goes back up."""

    client: AdminClient
    clock: Callable[[], datetime]


class ConsoleScreen(Screen[None]):
    """A screen that shows what ``fetch`` returns; ``r`` loads it again."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", "Refresh", show=False)]
    DEFAULT_CSS = """
    ConsoleScreen .hint { color: $text-muted; height: 1; padding: 0 1; }
    ConsoleScreen .summary { padding: 0 1; height: auto; }
    ConsoleScreen DataTable { height: 1fr; }
    """
    HINT = ""
    in_dialog = False

    @property
    def console(self) -> Console:
        return cast(Console, self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.body()
        yield Static(self.HINT, classes="hint")
        yield Footer(compact=True, show_command_palette=False)

    def body(self) -> ComposeResult:
        """Yield the widgets between header and footer."""
        yield from ()

    def on_screen_resume(self) -> None:
        # Back from a dialog the data has not changed (a change reloads when it is done); back from
        # another screen it may have.
        if self.in_dialog:
            self.in_dialog = False
            return
        self.load()

    def ask(self, dialog: Screen[Any], answered: Callable[[Any], None] | None = None) -> None:
        """Open ``dialog`` over this screen and pass its answer to ``answered``."""
        self.in_dialog = True
        self.app.push_screen(dialog, answered)

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Fetch this screen's data from the API in a thread, then show it (or the error)."""
        try:
            data = self.fetch(self.console.client)
        except ApiError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), title="The server said", severity="error")
            return
        self.app.call_from_thread(self.show, data)

    def fetch(self, client: AdminClient) -> Any:
        """Return this screen's data (runs in a worker thread)."""
        return None

    def show(self, data: Any) -> None:
        """Put ``data`` on the screen (runs in the app's thread)."""

    def now(self) -> datetime:
        return self.console.clock()

    def confirm_then(self, question: str, change: Change, done: Callable[[Any], str]) -> None:
        """Ask ``question``; on yes run ``change`` against the API, notify ``done(answer)``, reload."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(change, done)

        self.ask(Confirm(question), answered)

    @work(thread=True, group="change")
    def change(self, change: Change, done: Callable[[Any], str]) -> None:
        """Make one change through the API in a thread; report it and reload the screen."""
        try:
            answer = change(self.console.client)
        except ApiError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), title="Not done", severity="error")
            return
        self.app.call_from_thread(self._done, done, answer)

    def _done(self, done: Callable[[Any], str], answer: Any) -> None:
        # In the app's thread: ``done`` may open a dialog (the impersonation token).
        self.notify(done(answer), title="Done")
        self.load()


def selected_key(table: DataTable[Any]) -> str | None:
    """Return the key of the table's highlighted row, or None when the table is empty."""
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def refill(table: DataTable[Any], rows: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Replace the table's rows, keeping the cursor on the same row when it is still there."""
    keep = selected_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [key for key, _ in rows]
    if keep in keys:
        table.move_cursor(row=keys.index(keep))
