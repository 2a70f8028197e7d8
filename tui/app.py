"""The console app: it only wires the screens to their keys and the command palette (posting's shape).

Each screen is a mode, so switching keeps its place (its search, its cursor) and reloads its data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.client import AdminClient
from tui.screens.audit import AuditScreen
from tui.screens.backups import BackupsScreen
from tui.screens.errors import ErrorsScreen
from tui.screens.jobs import JobsScreen
from tui.screens.live import LiveScreen
from tui.screens.overview import OverviewScreen
from tui.screens.queue import QueueScreen
from tui.screens.tenants import TenantsScreen


@dataclass(frozen=True)
class Place:
    """A screen of the console: its key, its mode name, its title and what it shows."""

    key: str
    mode: str
    title: str
    help: str
    screen: Callable[[], Screen[None]]


PLACES = (
    Place("o", "overview", "Overview", "Health, the last hour, AI spend", OverviewScreen),
    Place("t", "tenants", "Tenants", "Stores: search, pause, maintenance, keys, impersonate", TenantsScreen),
    Place("l", "live", "Live", "The latest conversation turns, masked", LiveScreen),
    Place("q", "queue", "Queue", "Pending and failed tasks; retry", QueueScreen),
    Place("j", "jobs", "Jobs", "Scheduler jobs and their next runs", JobsScreen),
    Place("e", "errors", "Errors", "Recent failed requests, by store", ErrorsScreen),
    Place("a", "audit", "Audit", "Who did what, newest first", AuditScreen),
    Place("b", "backups", "Backups", "The appliance's backups; make one", BackupsScreen),
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConsoleApp(App[None]):
    """The operator's console over the admin API of one server."""

    TITLE = "Ebanista console"
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {place.mode: place.screen for place in PLACES}
    BINDINGS: ClassVar[list[BindingType]] = [Binding(p.key, f"show('{p.mode}')", p.title) for p in PLACES]

    def __init__(
        self, client: AdminClient, *, clock: Callable[[], datetime] = utc_now, notice: str = "", light: bool = False
    ) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.notice = notice
        # Textual paints every cell from its theme, so the screens read the same on a light or a dark
        # terminal; --light is for people who prefer a light console all the same.
        self.theme = "textual-light" if light else "textual-dark"

    def on_mount(self) -> None:
        self.sub_title = self.client.base_url
        self.switch_mode("overview")
        if self.notice:
            self.notify(self.notice, timeout=10)

    def action_show(self, mode: str) -> None:
        """Switch to the screen called ``mode``."""
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for place in PLACES:
            yield SystemCommand(f"{place.title} ({place.key})", place.help, partial(self.switch_mode, place.mode))
        yield from super().get_system_commands(screen)


def run_console(url: str, token: str, notice: str = "", light: bool = False) -> None:
    """Run the console against the server at ``url`` with ``token`` until the operator quits."""
    ConsoleApp(AdminClient(url, token), notice=notice, light=light).run()
