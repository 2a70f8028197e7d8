"""The days and moments a request may name.

Python's dates stop at the years 1 and 9999, and the arithmetic around a day (its neighbours, the
UTC bounds of a local day, the same moment at another offset) steps past those ends: a request
naming a day at the edge failed inside that arithmetic (OverflowError) or in the database and was
answered 500. Every day and moment that comes from outside is checked against these bounds
instead, and refused like any other invalid value; a year of room on each side keeps any offset
and any period's arithmetic inside what Python and both databases hold.
"""

from __future__ import annotations

from datetime import date, datetime

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
OUT_OF_BOUNDS = f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def within_bounds(value: date | datetime) -> bool:
    """Tell whether the day of ``value`` (a date, or a datetime at its own offset) is within the bounds."""
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY
