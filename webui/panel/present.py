"""Words for what the services return: statuses, temperatures, projects, the score in sentences.

The leads service already names its values in the four languages (appliance.leads.labels); the
panel reuses those words so the PDF, the CSV readers and the panel never disagree."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from appliance.core.flows.summary import budget, square_metres
from appliance.core.flows.texts import PROJECTS, STYLES, URGENCIES
from appliance.core.scoring import FACTORS
from appliance.leads.labels import label, value_word
from appliance.leads.summary import facts_in_words


def word(kind: str, value: object, lang: str) -> str:
    """Return the word for a lead status, temperature, appointment status, role, channel or language."""
    return value_word(kind, value, lang)


def project_word(value: object, lang: str) -> str:
    """Return the project type in words ("cocina"), or the raw value for a project the store invented."""
    if not isinstance(value, str):
        return ""
    return PROJECTS.get(value, {}).get(lang, value)


def project_choices(lang: str) -> list[tuple[str, str]]:
    """Return the project types offered in the leads filter, as (value, words)."""
    return [(key, names.get(lang, key).capitalize()) for key, names in PROJECTS.items()]


def score_in_words(weights: dict[str, int], lead: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Explain a lead's score factor by factor: the points out of the factor's weight (the store's
    ``weights``), and what the visitor said."""
    said = _what_was_said(lead["fields"], lead["channel"], lang)
    rows = []
    for factor in FACTORS:
        points = float(lead["score_breakdown"].get(factor) or 0)
        weight = weights.get(factor, 0)
        sentence = _(
            "%(factor)s: %(points)s of %(weight)s points (%(said)s).",
            factor=label(factor, lang),
            points=format(points, "g"),
            weight=weight,
            said=said[factor] or _("not given"),
        )
        rows.append({"factor": factor, "sentence": sentence, "share": round(100 * points / weight) if weight else 0})
    return rows


def _what_was_said(fields: dict[str, Any], channel: str, lang: str) -> dict[str, str | None]:
    low, high = _number(fields.get("budget_min_eur")), _number(fields.get("budget_max_eur"))
    area, style, urgency = _number(fields.get("area_m2")), fields.get("style"), fields.get("urgency")
    style_words = label("undecided", lang) if style == "undecided" else STYLES.get(style, {}).get(lang, style)
    return {
        "budget": budget(low, high, lang) if low or high else None,
        "urgency": URGENCIES[urgency].get(lang, urgency) if urgency in URGENCIES else None,
        "area": square_metres(area, lang) if area else None,
        "style": style_words if isinstance(style, str) and style else None,
        "origin": value_word("channel", channel, lang),
    }


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def facts(fields: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """Return what the visitor asked for as (label, words) pairs, in a fixed order, skipping the unknown."""
    return [(fact["label"], fact["value"]) for fact in facts_in_words(fields, lang)]
