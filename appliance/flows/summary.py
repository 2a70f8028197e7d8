"""A short description of what the bot has understood, in the visitor's language."""

from __future__ import annotations

import math
from typing import Any

from appliance.flows.texts import BUDGET_WORDS, PROJECTS, STYLES, URGENCIES, fill

# The variables a summary describes, in the order people say them.
SUMMARY_FIELDS = ("project_type", "area_m2", "budget_min_eur", "budget_max_eur", "style", "urgency")


def euros(amount: float, language: str) -> str:
    """Format an amount of euros as people of ``language`` write it (15.000 €, 15 000 €, €15,000)."""
    whole = f"{round(amount):,}"
    if language == "en":
        return f"€{whole}"
    separator = "\u00a0" if language == "pt" else "."
    return f"{whole.replace(',', separator)}\u00a0€"


def square_metres(area: float, language: str) -> str:
    """Format an area (12 m², 10,5 m² or 10.5 m²)."""
    text = f"{area:g}"
    return f"{text if language == 'en' else text.replace('.', ',')}\u00a0m²"


def budget(low: float | None, high: float | None, language: str) -> str | None:
    """Describe a budget that may be exact, a range, or one-sided."""
    if low is not None and high is not None:
        return euros(low, language) if low == high else f"{euros(low, language)} – {euros(high, language)}"
    if high is not None:
        return fill(BUDGET_WORDS["up_to"][language], {"max": euros(high, language)})
    if low is not None:
        return fill(BUDGET_WORDS["from"][language], {"min": euros(low, language)})
    return None


def describe(values: dict[str, Any], language: str) -> str:
    """Return "cocina · 12 m² · 10.000 € – 15.000 € · lo antes posible" for the known values."""
    area = _number(values.get("area_m2"))
    parts = [
        _word(PROJECTS, values.get("project_type"), language),
        square_metres(area, language) if area else None,
        budget(_number(values.get("budget_min_eur")), _number(values.get("budget_max_eur")), language),
        _word(STYLES, values.get("style"), language),
        _word(URGENCIES, values.get("urgency"), language),
    ]
    return " · ".join(p for p in parts if p)


# A store's flow may store anything under these names (budget buttons with option ids, say):
# what is not a known word or a plain number is left out of the summary rather than break it.
def _word(words: dict[str, dict[str, str]], value: Any, language: str) -> str | None:
    return words.get(value, {}).get(language) if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return value if is_number and math.isfinite(value) else None
