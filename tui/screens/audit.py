"""a — the audit log: who did what, to which store, newest first."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable

from tui.client import AdminClient
from tui.format import clip, when
from tui.screens.base import ConsoleScreen, refill

# So that a row fits in 80 columns; the full actor is in /admin's audit log.
WHO_WIDTH = 22


class AuditScreen(ConsoleScreen):
    """The latest audit entries."""

    HINT = "r refresh · the full trail, filtered, is in /admin and GET /v1/admin/audit"

    def body(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="audit", cursor_type="row")
        table.add_columns("time (UTC)", "action", "store", "who")
        yield table

    def fetch(self, client: AdminClient) -> Any:
        slugs = {s["id"]: s["slug"] for s in client.get("/admin/tenants", limit=200)["items"]}
        items = client.get("/admin/audit", limit=100)["items"]
        return [{**a, "store": slugs.get(a["tenant_id"] or "", a["tenant_id"] or "—")} for a in items]

    def show(self, data: Any) -> None:
        rows = [(a["id"], (when(a["created_at"]), a["action"], a["store"], _who(a["actor"]))) for a in data]
        refill(self.query_one(DataTable), rows)


def _who(actor: dict[str, Any]) -> str:
    label = actor.get("label") or actor.get("user_id") or "—"
    return clip(f"{label} (impersonating)" if actor.get("impersonated") else label, WHO_WIDTH)
