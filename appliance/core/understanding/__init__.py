"""Understand a visitor's chat message: language, project, budget, area, style, urgency, contact.

This package is pure: it imports neither Flask nor SQLAlchemy, only the standard library,
lingua (language models) and phonenumbers, so it can be tested and benchmarked alone.
"""

from __future__ import annotations

from .area import find_area
from .contact import find_email, find_phone
from .language import detect_language, warm_up
from .money import find_budget
from .names import find_name
from .normalise import clean, fold
from .numbers import prepare
from .urgency import find_urgency
from .vocabulary import TYPO_FIXER, find_project_type, find_style

__all__ = ["detect_language", "understand", "warm_up"]


def understand(text: str, default_language: str = "es", default_country: str = "ES") -> dict[str, object]:
    """Return the fields a visitor message states; anything not stated is None.

    The keys are always, in order: language, project_type, budget_min_eur, budget_max_eur,
    area_m2, style, urgency, email, phone, name (the name the visitor introduces themselves by).
    """
    text = clean(text or "")
    language = detect_language(text, default_language)
    email, email_span = find_email(text)
    phone, phone_span = find_phone(_blank(text, email_span), language, default_country)
    words = TYPO_FIXER.fix_text(fold(_blank(_blank(text, email_span), phone_span)))
    prepared = prepare(words, language)
    budget_min, budget_max = find_budget(prepared)
    return {
        "language": language,
        "project_type": find_project_type(words),
        "budget_min_eur": budget_min,
        "budget_max_eur": budget_max,
        "area_m2": find_area(prepared),
        "style": find_style(words),
        "urgency": find_urgency(prepared, language),
        "email": email,
        "phone": phone,
        "name": find_name(_blank(_blank(text, email_span), phone_span)),
    }


def _blank(text: str, span: tuple[int, int] | None) -> str:
    """Return the text with the span replaced by spaces, so other readers ignore it."""
    if span is None:
        return text
    start, end = span
    return text[:start] + " " * (end - start) + text[end:]
