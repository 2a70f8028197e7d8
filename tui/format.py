"""How the console writes times, sizes and states: short, in UTC, the same on every screen."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.markup import escape


def when(iso: str | None) -> str:
    """Return an ISO time as "2026-12-06 20:15" in UTC ("—" when there is none)."""
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def until(iso: str | None, now: datetime) -> str:
    """Return how long from ``now`` until an ISO time: "in 4 min", "in 2 h", "due"."""
    if not iso:
        return "—"
    seconds = (datetime.fromisoformat(iso) - now).total_seconds()
    if seconds <= 0:
        return "due"
    if seconds < 60:
        return f"in {round(seconds)} s"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    return f"in {round(seconds / 86400)} d"


def every(seconds: int) -> str:
    """Return an interval in words: "5 s", "5 min", "1 h", "1 d"."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def size(n: int) -> str:
    """Return a byte count as "12.3 MB"."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def state(value: str) -> str:
    """Return a health or status word in markup coloured by the theme (so light and dark both hold)."""
    colour = {"ok": "$success", "active": "$success", "degraded": "$warning", "paused": "$warning"}.get(value, "$error")
    return f"[{colour}]{escape(value)}[/]"


def clock_time(iso: str) -> str:
    """Return an ISO time as "20:15:07" in UTC (for the live tail, where everything is recent)."""
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(UTC).strftime("%H:%M:%S")


def clip(text: str, width: int) -> str:
    """Return ``text`` on one line, cut to ``width`` characters with an ellipsis when longer."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def plain(text: object) -> str:
    """Return any value as text safe to put in markup."""
    return escape(str(text))
