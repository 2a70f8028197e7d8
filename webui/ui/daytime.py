"""Days and times typed in the panels, read and written the same way whatever the browser's language.

A browser's own date and time inputs follow the browser's locale ("mm/dd/yyyy", "09:30 AM") even in
a Spanish panel, so the panels use text fields: a day is written day/month/year (as in Spain and
Portugal) and read in that order or as ISO 8601; a time is written on the 24-hour clock.
"""

from __future__ import annotations

import re
from datetime import date

_DAY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(?:h)?\s*$", re.IGNORECASE)


def read_day(text: str | None) -> date | None:
    """Return the day in ``text`` ("25/12/2026", "25-12-26", "2026-12-25"), or None when it is none."""
    if not text:
        return None
    try:
        if found := _ISO_DAY.match(text):
            year, month, day = (int(part) for part in found.groups())
            return date(year, month, day)
        if found := _DAY.match(text):
            day, month, year = (int(part) for part in found.groups())
            return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    return None


def day_text(value: date | str | None) -> str:
    """Write a day as the panels show it in their day fields ("25/12/2026")."""
    if not value:
        return ""
    day = value if isinstance(value, date) else read_day(str(value)[:10])
    return day.strftime("%d/%m/%Y") if day else str(value)


def read_clock(text: str | None) -> str | None:
    """Return "HH:MM" for a time typed as "9", "9:30", "09.30" or "17h30", or None when it is none."""
    found = _CLOCK.match(text or "")
    if not found:
        return None
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"
