"""A flow's validation problems said in the staff member's language, each at its block and field.

The core reports every problem with a path (``blocks[3].options[1].label.en``), a code and its
params (appliance.core.flows.validation.explain_flow). Here the code becomes a sentence of the
panel's catalogue, and the path the name of the form field it concerns (``b3.o1.label.en``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LANGUAGE_NAMES = {"es": _l("Spanish"), "ca": _l("Catalan"), "pt": _l("Portuguese"), "en": _l("English")}
# Whole sentences, as a language's name is written differently inside one (español, not Español).
MISSING_TEXT = {
    "es": _l("Write this text in Spanish."),
    "ca": _l("Write this text in Catalan."),
    "pt": _l("Write this text in Portuguese."),
    "en": _l("Write this text in English."),
}
_STEP = re.compile(r"^blocks\[(\d+)\]|\.options\[(\d+)\]")


@dataclass(frozen=True)
class PlacedProblem:
    """One problem as the editor shows it: its sentence, the form field it is about, and its block."""

    message: str
    field: str
    block: int | None


def _messages() -> dict[str, Callable[[dict[str, Any]], str]]:
    # Built per request, so each sentence is in the language of the person reading it.
    return {
        "missing_translation": lambda p: str(MISSING_TEXT.get(p.get("language", ""), _("Write this text."))),
        "undeclared_language": lambda p: _(
            "This text is in a language the flow does not speak (%(code)s).", code=p.get("language", "")
        ),
        "unknown_block": lambda p: _("There is no block called “%(name)s”.", name=p.get("target", "")),
        "dead_end": lambda _p: _("Choose where the conversation goes next, or finish it with an ending."),
        "options_dead_end": lambda _p: _(
            "Some answers lead nowhere: choose where each one goes, or where the block goes next."
        ),
        "condition_without_next": lambda _p: _("Choose where to go when no condition holds."),
        "duplicate_block": lambda p: _("Another block already has the name “%(name)s”.", name=p.get("id", "")),
        "duplicate_option": lambda p: _("Another answer of this block already saves “%(name)s”.", name=p.get("id", "")),
        "consent_option_missing": lambda _p: _("The answer that gives consent is not one of the answers."),
        "max_not_above_min": lambda _p: _("The maximum must be greater than the minimum."),
        "synonym_empty": lambda _p: _("A synonym needs letters or digits."),
        "synonym_taken": lambda p: _(
            "“%(word)s” already names the answer “%(option)s”: one word can lead to one answer only.",
            word=p.get("word", ""),
            option=p.get("option", ""),
        ),
        "unreachable": lambda _p: _(
            "No path leads to this block: choose it as the next step of another one, or remove it."
        ),
        "silent_loop": lambda _p: _(
            "These blocks go round in a loop without asking anything: the assistant would never stop."
        ),
        "default_language_not_declared": lambda _p: _("The main language must be one of the flow's languages."),
        "missing": lambda _p: _("This is required."),
        "string_too_short": lambda _p: _("This cannot be empty."),
        "too_short": lambda p: _("Add at least %(count)s.", count=p.get("min_length", 1)),
        "string_too_long": lambda p: _(
            "This is too long (at most %(count)s characters).", count=p.get("max_length", "")
        ),
        "too_long": lambda p: _("There are too many (at most %(count)s).", count=p.get("max_length", "")),
        "string_pattern_mismatch": lambda _p: _(
            "Use lower-case letters without accents, digits and “_”, starting with a letter."
        ),
        "float_parsing": lambda _p: _("Write a number."),
        "float_type": lambda _p: _("Write a number."),
        "int_parsing": lambda _p: _("Write a whole number."),
        "greater_than": lambda p: _("This must be greater than %(limit)s.", limit=p.get("gt", "")),
        "less_than_equal": lambda p: _("This must be at most %(limit)s.", limit=p.get("le", "")),
        "literal_error": lambda p: _("“%(value)s” is not one of the values allowed here.", value=p.get("value", "")),
        "union_tag_invalid": lambda p: _("“%(value)s” is not a kind of block.", value=p.get("value", "")),
        "extra_forbidden": lambda _p: _("This setting does not exist here (edit it in the JSON)."),
    }


def say(problem: dict[str, Any]) -> str:
    """Return a problem's sentence in the current language (a general one for a code we do not know)."""
    if problem.get("path") == "blocks" and problem.get("code") == "too_short":
        return _("Add at least one block.")
    found = _messages().get(problem.get("code", ""))
    return found(problem.get("params") or {}) if found else _("This value is not valid here.")


def field_of(path: str) -> tuple[str, int | None]:
    """Return the form field a problem's path names, and its block's position (None: the flow itself).

    ``blocks[3].options[1].label.en`` is field ``b3.o1.label.en`` of block 3; ``start`` is the flow's field.
    """
    found = re.match(r"^blocks\[(\d+)\]", path)
    field = _STEP.sub(lambda m: f"b{m.group(1)}" if m.group(1) else f".o{m.group(2)}", path)
    # One field holds all of a language's synonyms: a problem with the third word is that field's.
    field = re.sub(r"(\.synonyms\.[a-z]{2})\.\d+$", r"\1", field)
    return field, int(found.group(1)) if found else None


def place(problems: list[dict[str, Any]]) -> list[PlacedProblem]:
    """Return every problem said in the current language, at its field and block."""
    return [PlacedProblem(say(p), *field_of(p.get("path", ""))) for p in problems]
