"""o — the overview: health of each part, the last hour's conversations, leads and errors, AI spend."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from tui.client import AdminClient, ApiError
from tui.format import plain, state
from tui.screens.base import ConsoleScreen

PARTS = ("database", "cache", "queue", "storage")


class OverviewScreen(ConsoleScreen):
    """The platform (or the appliance) at a glance."""

    HINT = "r refresh  Ctrl+P commands  Ctrl+Q quit"

    def body(self) -> ComposeResult:
        yield Static("Loading…", id="overview", classes="summary")

    def fetch(self, client: AdminClient) -> Any:
        try:
            return client.get("/admin/overview")
        except ApiError as exc:
            # A server that fails (its database down, say) still says which part is down.
            if exc.status is None or exc.status < 500:
                raise
            return {"health_only": client.health()["checks"], "problem": str(exc)}

    def show(self, data: Any) -> None:
        self.query_one("#overview", Static).update(render_overview(data, self.now().strftime("%H:%M:%S UTC")))


def render_overview(data: dict[str, Any], at: str) -> str:
    """Return the overview as markup lines."""
    if "health_only" in data:
        return render_health_only(data["health_only"], data["problem"], at)
    health = data["health"]
    errors = data["error_rate"]
    stores = data["tenants"]
    conversations, leads = data["conversations"], data["leads"]
    lines = [
        f"[b]Health[/b]  {state(health['status'])}",
        "  " + "   ".join(f"{part} {state(health.get(part, 'down'))}" for part in PARTS),
        "",
        "[b]Last hour[/b]",
        f"  conversations {conversations.get('last_1h', 0)}   leads {leads.get('last_1h', 0)}"
        f"   errors {errors['errors']} of {errors['requests']} requests ({errors['rate']:.1%})",
        "",
        "[b]Last 24 hours[/b]",
        f"  conversations {conversations['last_24h']}   leads {leads['last_24h']}",
        "",
        "[b]Stores[/b]",
        f"  {stores['total']} in all: {stores.get('active', 0)} active, {stores.get('paused', 0)} paused,"
        f" {stores.get('maintenance', 0)} in maintenance",
        "",
        f"[b]AI spend this month[/b]  {plain(format(data['ai_spend_month_eur'], '.2f'))} €",
        "",
        f"[dim]as of {at}[/dim]",
    ]
    return "\n".join(lines)


def render_health_only(checks: dict[str, str], problem: str, at: str) -> str:
    """Return what the public health report says when the server cannot give its numbers."""
    lines = [
        f"[b]Health[/b]  {state('down' if checks.get('database') != 'ok' else 'degraded')}",
        "  " + "   ".join(f"{part} {state(checks.get(part, 'down'))}" for part in PARTS),
        "",
        f"[b]No numbers[/b]: {plain(problem)}",
        "",
        f"[dim]as of {at}[/dim]",
    ]
    return "\n".join(lines)
