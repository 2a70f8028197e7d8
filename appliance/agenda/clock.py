"""The agenda's clock: the one "now" that offering, reading and booking slots agree on.

Every agenda decision (which slots are free, whether a day has passed, whether a start is still
offered) reads ``now()`` from here, so a test pins the agenda's time in one place without moving
the clocks that sign tokens or stamp rows.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from appliance.core.moments import utcnow


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return utcnow()


def local_now(timezone: str) -> datetime:
    """Return the store's local wall-clock time, without its offset."""
    return now().astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
