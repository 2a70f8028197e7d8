"""e — recent errors (failed requests), newest first; s shows only the selected row's store."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.client import AdminClient
from tui.format import when
from tui.screens.base import ConsoleScreen, refill, selected_key


class ErrorsScreen(ConsoleScreen):
    """Failed requests, of every store or of one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "by_store", "By store", show=False)]
    HINT = "s only this store / all stores · r refresh"

    def __init__(self) -> None:
        super().__init__()
        self.store: str | None = None
        self.items: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="errors", cursor_type="row")
        table.add_columns("time (UTC)", "store", "status", "code", "request")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        slugs = {s["id"]: s["slug"] for s in client.get("/admin/tenants", limit=200)["items"]}
        items = client.get("/admin/errors", tenant_id=self.store, limit=100)["items"]
        return [{**e, "store": slugs.get(e["tenant_id"] or "", "—")} for e in items]

    def show(self, data: Any) -> None:
        self.items = data
        rows = [
            (e["id"], (when(e["created_at"]), e["store"], e["status"], e["code"] or "", f"{e['method']} {e['path']}"))
            for e in data
        ]
        refill(self.query_one(DataTable), rows)
        self.sub_title = f"errors of {data[0]['store']}" if self.store and data else "errors of every store"

    def action_by_store(self) -> None:
        if self.store is not None:
            self.store = None
        else:
            key = selected_key(self.query_one(DataTable))
            chosen = next((e for e in self.items if e["id"] == key), None)
            if chosen is None or not chosen["tenant_id"]:
                self.notify("Select an error of a store first.", severity="warning")
                return
            self.store = chosen["tenant_id"]
        self.load()
