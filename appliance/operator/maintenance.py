"""Maintenance mode as the operator switches it: a store's chat closes for visitors with a message
per language, while its staff keep working.

This module checks and shapes the switch; appliance.tenants.maintenance refuses the visitors while
it is on (503 ``maintenance`` with the message in the visitor's language, which the widget shows).
"""

from __future__ import annotations

from typing import Any

from appliance.errors import Invalid
from appliance.infra.db import utcnow
from appliance.tenants.validation import LANGUAGES

MAX_MESSAGE_LENGTH = 500


def maintenance_state(enabled: bool, message: Any) -> dict[str, Any]:
    """Return the stored form of a maintenance switch, or raise Invalid listing every problem."""
    if message is None:
        message = {}
    if not isinstance(message, dict):
        raise Invalid([{"path": "message", "message": "must be an object of language code to text"}])
    problems = [
        {"path": f"message.{lang}", "message": problem}
        for lang, text in message.items()
        if (problem := _message_problem(lang, text))
    ]
    if problems:
        raise Invalid(problems)
    cleaned = {lang: text.strip() for lang, text in message.items() if text.strip()}
    return {"enabled": bool(enabled), "message": cleaned, "updated_at": utcnow().isoformat()}


def _message_problem(lang: str, text: Any) -> str | None:
    if lang not in LANGUAGES:
        return f"the language must be one of {', '.join(LANGUAGES)}"
    if not isinstance(text, str):
        return "must be text"
    return f"must have at most {MAX_MESSAGE_LENGTH} characters" if len(text) > MAX_MESSAGE_LENGTH else None
