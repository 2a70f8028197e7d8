"""A short description of what the bot has understood, in the visitor's language."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from appliance.core.flows.texts import BUDGET_WORDS, PROJECTS, STYLES, URGENCIES, fill
from appliance.core.lead_fields import PROJECT_FIELDS

# The variables a summary describes: the project's, never the contact's; describe() says them in
# the order people do.
SUMMARY_FIELDS = PROJECT_FIELDS


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


_WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "ca": ("dilluns", "dimarts", "dimecres", "dijous", "divendres", "dissabte", "diumenge"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "ca": "gener febrer març abril maig juny juliol agost setembre octubre novembre desembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "en": "January February March April May June July August September October November December",
}


def when(iso: str, language: str) -> str:
    """Say a local date and time as people of ``language`` do ("martes 2 de diciembre a las 10:30")."""
    moment = datetime.fromisoformat(iso)
    day, clock = _WEEKDAYS[language][moment.weekday()], moment.strftime("%H:%M")
    month = _MONTHS[language].split()[moment.month - 1]
    if language == "ca":
        # Catalan elides "de" before a vowel: "d'abril", "d'agost", "d'octubre".
        of_month = f"d'{month}" if month[0] in "aeiou" else f"de {month}"
        return f"el {day} {moment.day} {of_month} a les {clock}"
    if language == "pt":
        return (
            f"na {day}, {moment.day} de {month}, às {clock}"
            if day.endswith("feira")
            else (f"no {day}, {moment.day} de {month}, às {clock}")
        )
    if language == "en":
        return f"{day} {moment.day} {month} at {clock}"
    return f"{day} {moment.day} de {month} a las {clock}"
