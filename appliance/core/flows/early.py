"""Contact details a visitor gives before consent, and questions about what the visitor already told.

"Hola, soy Pedro Ruiz, mi móvil es 612 345 678" often comes before the consent question is
answered. Those details may not become the lead's yet, but dropping them makes the bot ask for
them again. They are held aside in the conversation's variables (under ``HELD``, a name no flow
variable can take, so they are encrypted at rest like every answer), kept when consent is given,
and discarded when it is refused.

Once known, a contact question is not asked again: the bot says briefly what it has noted instead.
"""

from __future__ import annotations

from typing import Any

from appliance.core.flows.schema import InputBlock, Question
from appliance.core.flows.texts import system
from appliance.core.flows.turn import Turn
from appliance.core.lead_fields import CONTACT_FIELDS

# Flow variable names start with a letter, so this key never collides with one.
HELD = "_before_consent"
PURPOSE = "lead_contact"


def hold(s: dict[str, Any], name: str, value: Any) -> bool:
    """Keep a contact detail said while consent is still unanswered; tell whether it was held."""
    if name not in CONTACT_FIELDS or PURPOSE in s["consent"]:
        return False
    s["vars"].setdefault(HELD, {})[name] = value
    return True


def release(s: dict[str, Any]) -> dict[str, Any]:
    """Return (and forget) the details held before consent: the caller keeps them only if it was given."""
    held = s["vars"].pop(HELD, None) or {}
    return held if s["consent"].get(PURPOSE) else {}


def already_told(block: Question, variables: dict[str, Any]) -> bool:
    """Tell whether ``block`` asks for a contact detail the visitor has already given."""
    name = block.variable or block.id
    return isinstance(block, InputBlock) and name in CONTACT_FIELDS and bool(variables.get(name))


def confirm_told(turn: Turn, block: Question, formal: bool) -> None:
    """Say what the bot has noted instead of asking ``block`` again."""
    s = turn.state
    name = block.variable or block.id
    key = f"known_{name}" if f"known_{name}" in _KNOWN_KEYS else "known_contact"
    turn.say(system(key, s["language"], formal=formal, value=s["vars"][name]), block.id)
    turn.note("skipped_known", block.id)


_KNOWN_KEYS = frozenset({"known_name", "known_email", "known_phone"})
