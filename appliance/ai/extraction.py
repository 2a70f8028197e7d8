"""Reading a visitor's message with a model: the request, the check of every answer, and the merge.

The model is asked for the keys of ``ebanista nlu --json`` through a JSON schema, but servers that
ignore the schema (local ones often do) answer 200 with prose: every value is checked here, and an
answer that is not an object of those keys is ignored for the turn. The model only fills what the
rules left empty; where the rules found a value they win, and the e-mail and phone it was never
shown (masked) are never taken from it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from appliance.core.flows.texts import URGENCIES
from appliance.core.scoring import STYLES

NLU_KEYS = (
    "language",
    "project_type",
    "budget_min_eur",
    "budget_max_eur",
    "area_m2",
    "style",
    "urgency",
    "email",
    "phone",
    "name",
)
LANGUAGES = ("es", "ca", "pt", "en")
PROJECTS = ("kitchen", "wardrobe", "furniture")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_PHONE = re.compile(r"^\+\d{8,15}$")
_NAME = re.compile(r"^[^\d@\[\]{}<>]{2,60}$")


def schema() -> dict[str, Any]:
    """Return the response_format that asks for exactly the nlu keys, each possibly null."""

    def nullable(kind: str, **more: Any) -> dict[str, Any]:
        return {"type": [kind, "null"], **more}

    properties = {
        "language": nullable("string", enum=[*LANGUAGES, None]),
        "project_type": nullable("string", enum=[*PROJECTS, None]),
        "budget_min_eur": nullable("number"),
        "budget_max_eur": nullable("number"),
        "area_m2": nullable("number"),
        "style": nullable("string", enum=[*STYLES, None]),
        "urgency": nullable("string", enum=[*URGENCIES, None]),
        "email": nullable("string"),
        "phone": nullable("string"),
        "name": nullable("string"),
    }
    body = {"type": "object", "properties": properties, "required": list(NLU_KEYS), "additionalProperties": False}
    return {"type": "json_schema", "json_schema": {"name": "nlu", "strict": True, "schema": body}}


INSTRUCTION = (
    "You read one message a visitor wrote to a kitchen, wardrobe and custom-furniture studio. "
    "Answer only with a JSON object with exactly these keys, null where the message does not say: "
    + ", ".join(NLU_KEYS)
    + ". project_type is kitchen, wardrobe or furniture; style is one of "
    + ", ".join(STYLES)
    + "; urgency is one of "
    + ", ".join(URGENCIES)
    + "; amounts are euros and square metres as numbers; phone in E.164. "
    "Placeholders such as [NAME] or [EMAIL] hide personal data: never guess what they hide."
)


def request_body(model: str, text: str, language: str, *, temperature: float, max_tokens: int) -> dict[str, Any]:
    """Return the /chat/completions body that asks ``model`` to read ``text``."""
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": INSTRUCTION + f" The conversation's language so far: {language}."},
            {"role": "user", "content": text},
        ],
        "response_format": schema(),
        "temperature": temperature,
        "max_tokens": max_tokens,
    }


def checked(answer: str) -> dict[str, Any] | None:
    """Return the valid facts of a model's answer (each bad value dropped), or None to ignore it."""
    try:
        found = json.loads(answer)
    except ValueError:
        return None
    if not isinstance(found, dict) or not set(found) & set(NLU_KEYS):
        return None
    return {key: _valid(key, found.get(key)) for key in NLU_KEYS}


def _valid(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in {"budget_min_eur", "budget_max_eur", "area_m2"}:
        return _number(key, value)
    allowed = {"language": LANGUAGES, "project_type": PROJECTS, "style": STYLES, "urgency": tuple(URGENCIES)}
    if key in allowed:
        return value if value in allowed[key] else None
    pattern = {"email": _EMAIL, "phone": _PHONE, "name": _NAME}[key]
    return value.strip() if isinstance(value, str) and pattern.match(value.strip()) else None


def _number(key: str, value: Any) -> int | float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    ceiling = 2000 if key == "area_m2" else 10_000_000
    if not 0 < value <= ceiling:
        return None
    return int(value) if key != "area_m2" or float(value).is_integer() else float(value)


# The rules are certain of these when they read them; the model never saw masked contacts at all.
_RULES_ONLY_WHEN_MASKED = ("email", "phone")


def merged(rules: dict[str, Any], model: dict[str, Any] | None, *, masked: bool) -> dict[str, Any]:
    """Return the rules' facts with the empty ones filled from the model's checked facts."""
    if not model:
        return rules
    result = dict(rules)
    for key in NLU_KEYS:
        if key == "language" or (masked and key in _RULES_ONLY_WHEN_MASKED):
            continue
        if result.get(key) is None and model.get(key) is not None:
            result[key] = model[key]
    low, high = result.get("budget_min_eur"), result.get("budget_max_eur")
    if low is not None and high is not None and low > high:
        # Two halves from two readers that disagree: keep the rules' half alone.
        result["budget_min_eur"], result["budget_max_eur"] = rules.get("budget_min_eur"), rules.get("budget_max_eur")
    return result
