"""t — the stores: search, pause or activate, maintenance with a message, rotate the widget key,
impersonate (the token is shown and copied). Every change asks first."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input

from tui.client import AdminClient
from tui.dialogs import AskText, ShowSecret
from tui.format import clip
from tui.screens.base import ConsoleScreen, refill, selected_key

MAX_PAGES = 10
# Wide enough for most names, narrow enough that the row fits in 80 columns.
NAME_WIDTH = 24


class TenantsScreen(ConsoleScreen):
    """Every store, searchable by name or slug."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", show=False),
        Binding("p", "pause", "Pause/activate", show=False),
        Binding("m", "maintenance", "Maintenance", show=False),
        Binding("k", "rotate_key", "Rotate key", show=False),
        Binding("i", "impersonate", "Impersonate", show=False),
    ]
    HINT = "/ search  p pause/activate  m maintenance  k new key  i impersonate  r refresh"

    def __init__(self) -> None:
        super().__init__()
        self.stores: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        yield Input(placeholder="/ search by name or slug", id="search", compact=True)
        table: DataTable[str] = DataTable(id="tenants", cursor_type="row", zebra_stripes=True)
        table.add_columns("slug", "name", "status", "plan", "maint", "conv 30d", "leads 30d")
        yield table

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self.query_one(DataTable).focus()

    def fetch(self, client: AdminClient) -> Any:
        stores, cursor = [], None
        for _ in range(MAX_PAGES):
            page = client.get("/admin/tenants", limit=200, cursor=cursor)
            stores += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        return stores

    def show(self, data: Any) -> None:
        self.stores = data
        self.fill()

    def fill(self) -> None:
        words = self.query_one(Input).value.strip().lower()
        shown = [s for s in self.stores if not words or words in f"{s['slug']} {s['name']}".lower()]
        refill(self.query_one(DataTable), [(s["id"], _row(s)) for s in shown])

    def on_input_changed(self) -> None:
        self.fill()

    def on_input_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def selected(self) -> dict[str, Any] | None:
        key = selected_key(self.query_one(DataTable))
        store = next((s for s in self.stores if s["id"] == key), None)
        if store is None:
            self.notify("No store selected.", severity="warning")
        return store

    def action_pause(self) -> None:
        if store := self.selected():
            to = "active" if store["status"] == "paused" else "paused"
            verb = "Activate" if to == "active" else "Pause"
            self.confirm_then(
                f"{verb} {store['slug']}?",
                lambda c: c.patch(f"/admin/tenants/{store['id']}", {"status": to}),
                lambda _: f"{store['slug']} is {to}.",
            )

    def action_maintenance(self) -> None:
        if not (store := self.selected()):
            return
        if store["maintenance"].get("enabled"):
            self.confirm_then(
                f"End maintenance of {store['slug']}? Visitors can chat again.",
                lambda c: c.put(f"/admin/tenants/{store['id']}/maintenance", {"enabled": False}),
                lambda _: f"{store['slug']} is open again.",
            )
            return

        def with_message(message: str | None) -> None:
            if message:
                body = {"enabled": True, "message": dict.fromkeys(store["languages"], message)}
                self.confirm_then(
                    f"Close {store['slug']}'s chat for visitors with this message?\n“{message}”",
                    lambda c: c.put(f"/admin/tenants/{store['id']}/maintenance", body),
                    lambda _: f"{store['slug']} is in maintenance.",
                )

        self.ask(AskText(f"Maintenance of {store['slug']}: the message visitors see", "Back soon"), with_message)

    def action_rotate_key(self) -> None:
        if store := self.selected():
            self.confirm_then(
                f"Give {store['slug']} a new widget key? The old one stops at once: its website must be updated.",
                lambda c: c.post(f"/admin/tenants/{store['id']}/widget-key/rotate"),
                lambda answer: f"New widget key of {store['slug']}: {answer['widget_key']}",
            )

    def action_impersonate(self) -> None:
        if store := self.selected():
            self.confirm_then(
                f"Act as {store['slug']}'s owner for 15 minutes? Every request is audited.",
                lambda c: c.post(f"/admin/impersonate/{store['id']}"),
                lambda answer: self._show_token(store["slug"], answer["token"]),
            )

    def _show_token(self, slug: str, token: str) -> str:
        self.ask(ShowSecret(f"Token acting as {slug}'s owner (15 minutes):", token))
        return f"Impersonating {slug}: token copied."


def _row(store: dict[str, Any]) -> tuple[Any, ...]:
    usage = store.get("usage") or {}
    return (
        store["slug"],
        clip(store["name"], NAME_WIDTH),
        store["status"],
        store["plan"],
        "on" if store["maintenance"].get("enabled") else "",
        usage.get("conversations_30d", 0),
        usage.get("leads_30d", 0),
    )
