"""Find the numbers in a folded message and read their formats and multipliers.

"15.000", "15 000", "15,000", "15.000,50", "12,5", "7.5", "15k", "15 mil", "8 mil e 500" and
"fifteen thousand" all become one Quantity with its value and where it sits in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .number_words import words_to_digits

# One number literal; thousands groups of exactly three digits, decimals of one or two.
_LITERAL_RE = re.compile(
    r"(?<![a-wyz\d_.,])"  # not inside a word or another number; "3x4" is two numbers
    r"(?:\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"  # 15.000 / 15.000,50
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"  # 15,000 / 15,000.50
    r"|\d{1,3}(?: \d{3})+"  # 15 000
    r"|\d+(?:[.,]\d+)?)"  # 15000 / 12,5 / 7.5
    r"(?!\d)(?![.,]\d)"
)
_MULTIPLIER_RE = re.compile(
    r"\s?(k(?![a-z])|mil(?![a-z])|thousand(?![a-z])|grand(?![a-z])|millon(?:es)?|milions?|milh(?:ao|oes)|millions?)"
)
_ADDEND_RE = re.compile(r"\s(?:y |e |i |and )?(\d{1,3})(?!\d)(?![.,]\d)(?!\s?(?:k|mil|thousand)(?![a-z]))")
_SCALE = {"k": 1000, "mil": 1000, "thousand": 1000, "grand": 1000}


@dataclass(frozen=True)
class Quantity:
    """Describe one number in the message: its value, its span and whether a multiplier followed."""

    value: float
    start: int
    end: int
    multiplied: bool
    literal: str


def prepare(folded: str, language: str) -> str:
    """Return the folded text with number words turned into digits, ready for scan()."""
    return words_to_digits(folded, language)


def scan(text: str) -> list[Quantity]:
    """Return every number in the prepared text, left to right, with multipliers applied."""
    found: list[Quantity] = []
    for match in _LITERAL_RE.finditer(text):
        found.append(_with_multiplier(text, match.group(0), match.start(), match.end()))
    return _drop_overlaps(found)


def parse_literal(literal: str) -> float:
    """Return the value of one number literal in any of the four languages' formats."""
    literal = literal.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", literal):
        return float(literal.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", literal):
        return float(literal.replace(",", ""))
    return float(literal.replace(",", "."))


def _with_multiplier(text: str, literal: str, start: int, end: int) -> Quantity:
    """Return the Quantity for a literal, applying a following k/mil/thousand and its addend."""
    value = parse_literal(literal)
    multiplier = _MULTIPLIER_RE.match(text, end)
    if not multiplier:
        return Quantity(value, start, end, multiplied=False, literal=literal)
    word = multiplier.group(1)
    value *= _SCALE.get(word, 1_000_000)
    end = multiplier.end()
    addend = _ADDEND_RE.match(text, end) if word == "mil" else None
    if addend and (int(addend.group(1)) >= 100 or addend.group(0).startswith((" y", " e", " i"))):
        # "7 mil 500", "8 mil e 500": the hundreds belong to the same amount.
        value += int(addend.group(1))
        end = addend.end()
    return Quantity(round(value, 2), start, end, multiplied=True, literal=literal)


def _drop_overlaps(found: list[Quantity]) -> list[Quantity]:
    """Return the quantities without any that overlap an earlier one."""
    kept: list[Quantity] = []
    for quantity in found:
        if not kept or quantity.start >= kept[-1].end:
            kept.append(quantity)
    return kept
