"""The AI budget's clock: the one "now" that hours, days, months and slices of the cap are read from.

Tests pin it here (``monkeypatch.setattr(clock, "now", ...)``) to walk a month's hours without
moving the clocks that sign tokens or stamp messages.
"""

from __future__ import annotations

from datetime import datetime

from appliance.core.moments import utcnow


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return utcnow()
