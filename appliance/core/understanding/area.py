"""Read the surface of the space the project is for, in square metres.

"12 m2", "12,5 metros cuadrados" and "7.5 sq m" are areas; "3x4 metros", "3 por 4" and
"2,5 per 3 metres" multiply; a single length ("2,5 mts de largo", "4 metros lineales")
is not an area. The surface of the whole house is not the project's either.
"""

from __future__ import annotations

import re
from itertools import pairwise

from .numbers import Quantity, scan

_SQUARE_AFTER = re.compile(
    r"\s?(?:m2|m²|m\^2|mts?2|mts?²|mq|metros? ?2|metros? cuadrados?|mts? cuadrados?|m cuadrados?|"
    r"metres? quadrats?|m quadrats?|mts? quadrats?|metros? quadrados?|m quadrados?|mts? quadrados?|"
    r"square met(?:re|er)s?|square m|sq\.? ?m(?:et(?:re|er)s?|t?rs?)?|sqm|cuadrados|quadrats|quadrados)(?![a-z\d])"
)
_DIMENSION_GAP = re.compile(r"^\s*(?:m|mts?|metros?|metres?|meters?|cm)?\.?\s*(?:x|\*|por|per|by)\s*$")
_LENGTH_UNIT = re.compile(r"^\s*(cm|mm|m(?![a-z²\d])|mts?(?![a-z²\d])|metros?|metres?|meters?)(?![a-z²])")
_RANGE_GAP = re.compile(r"^\s*(?:-|a|y|i|e|and|to|o|ou|or)\s*$")
_HOUSE = (
    r"(?<![a-z])(?:piso|pisos|casa|vivienda|apartamento|apartament|pis|habitatge|moradia|flat|house|home|"
    r"apartment|chalet|xalet|atico|duplex|local|terreno|parcela|finca|solar|nave|t[0-4])(?! de banho)(?![a-z])"
)
# "un piso de 90 m2", "the flat is about 80 sqm": the size of the home, not of the project's room.
_HOUSE_BEFORE = re.compile(
    _HOUSE + r"\s+(?:(?:de|del|of|is|es|tiene|tem|te|has|with|com|amb|fa|mide|mede|measures|que|which|that|d')\s*)+"
    r"(?:unos |uns |umas |about |around |approx |approximately |cerca de |mas o menos |aprox )?$"
)
_HOUSE_AFTER = re.compile(r"\s*(?:de )?" + _HOUSE)


def find_area(text: str) -> float | None:
    """Return the project's area in m² from prepared folded text, or None when none is given."""
    quantities = scan(text)
    dimension = _find_dimensions(text, quantities)
    if dimension is not None:
        return dimension
    for index, quantity in enumerate(quantities):
        unit = _SQUARE_AFTER.match(text, quantity.end)
        if not unit or _HOUSE_AFTER.match(text, unit.end()):
            continue
        if _HOUSE_BEFORE.search(text[max(0, quantity.start - 40) : quantity.start]):
            continue
        value = quantity.value
        previous = quantities[index - 1] if index else None
        if previous and _RANGE_GAP.match(text[previous.end : quantity.start]):
            # "entre 10 y 12 m2": the midpoint stands for the approximate size.
            value = (previous.value + value) / 2
        return _tidy(value)
    return None


def _find_dimensions(text: str, quantities: list[Quantity]) -> float | None:
    """Return the product of the first "A x B" pair of room dimensions, or None."""
    for first, second in pairwise(quantities):
        gap = text[first.end : second.start]
        if not _DIMENSION_GAP.match(gap) or first.multiplied or second.multiplied:
            continue
        rest = text[second.end :]
        if re.match(r"^\s*(?:m|mts?|metros?|metres?|cm)?\.?\s*(?:x|\*|por|per|by)\s*\d", rest):
            return None  # three dimensions describe a piece of furniture, not a room
        unit = _LENGTH_UNIT.match(rest) or _LENGTH_UNIT.match(gap)
        scale = _scale(unit.group(1) if unit else None, first.value, second.value)
        return _tidy(first.value * scale * second.value * scale)
    return None


def _scale(unit: str | None, a: float, b: float) -> float:
    """Return the factor that turns the dimensions into metres."""
    if unit == "cm" or (unit is None and a >= 100 and b >= 100):
        return 0.01
    if unit == "mm":
        return 0.001
    return 1.0


def _tidy(value: float) -> float | int:
    """Return the area rounded to 2 decimals, as an int when it is whole."""
    value = round(value, 2)
    return int(value) if value == int(value) else value
