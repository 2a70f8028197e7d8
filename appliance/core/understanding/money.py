"""Read the visitor's budget in euros: one amount, a range, or an upper or lower bound.

Amounts count as euros with €, eur, euros, "pavos" or no currency at all; any other
currency makes the budget unknown. Numbers that are ages, counts, addresses, years,
hours or measurements are never budgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import Quantity, scan

_EURO_BEFORE = re.compile(r"(?:€|(?<![a-z])eur|(?<![a-z])euros?)\s*$")
_EURO_AFTER = re.compile(r"^\s*(?:€|eur(?:os?)?(?![a-z])|pavos|pelas|leuros)")
_FOREIGN_BEFORE = re.compile(r"(?:\$|£|(?<![a-z])(?:r\$|us\$|usd|gbp|brl|reais))\s*$")
_FOREIGN_AFTER = re.compile(
    r"^\s*(?:\$|£|r\$|usd|gbp|brl|reais|real(?![a-z])|dolares|dolars|dollars?|bucks|libras|lliures|pounds?|quid)"
)
_NOT_MONEY_AFTER = re.compile(
    r"^\s*(?:m2|m²|mts?2?|m(?![a-z])|metros?|metres?|meters?|cm|mm|sq|sqm|square|cuadrados|quadrats|quadrados|"
    r"kg|km|h(?![a-z])|hrs?|horas?|hores|hours?|anos|anys|years?|meses|mesos|months?|semanas?|setmanes|weeks?|"
    r"dias|dies|days?|personas|persones|pessoas|people|hijos|fills|filhos|kids|children|ninos|nens|criancas|"
    r"habitaciones|habitacions|quartos|rooms|bedrooms|dormitorios|puertas|portes|portas|doors|cajones|calaixos|"
    r"gavetas|drawers|plantas|pisos|andares|floors?|%|º|ª|x(?![a-z])|por(?![a-z])|per(?![a-z])|by(?![a-z])|"
    r"o(?![a-z])|unidades|units|modulos|armarios|armaris|roupeiros|wardrobes|:|h\d|de (?:alto|ancho|largo|fondo))"
)
_NOT_MONEY_BEFORE = re.compile(
    r"(?:calle|c/|carrer|rua|avenida|avda|av|numero|num|n[º°o]|no\.|#|piso|planta|andar|pedido|encomenda|comanda|"
    r"order|ref|referencia|cp|codigo postal|zip|catalogo|cataleg|catalogue|catalog|modelo|model|a las|as|at|"
    r"de las|des de les|a les|tel|tlf|telefono|movil|mobil)\.?\s*:?\s*$"
)
_CONNECTOR = re.compile(
    r"^\s*(?:€|eur|euros?)?\s*(?:-|/|a|y|i|e|and|to|ate|ao|hasta|fins a|o|ou|or)\s*(?:€|eur)?\s*(?:unos |uns )?$"
)
_BUDGET_WORDS = re.compile(
    r"(?<![a-z])(?:presupuesto|pressupost|orcamento|budget|precio|preu|preco|price|gastar|gastarme|gastar-me|spend|"
    r"invertir|investir|invest|pagar|pay|tengo|tenemos|tenho|temos|tinc|tenim|have|got|dispongo|disponemos|"
    r"afford|limite|limit|tope|max|maximo|maxim|minimo|minim|minimum|maximum|entre|between|hasta|ate|fins|"
    r"up to|under|unos|uns|umas|about|around|ronda|cerca de|approx|aprox|aproximadamente|roughly)(?![a-z])"
)
_UPPER_BEFORE = re.compile(
    r"(?<![a-z])(?:menos de|hasta|maximo|max|como mucho|como maximo|no mas de|fins a|fins|maxim|com a molt|"
    r"com a maxim|no mes de|menys de|ate|no maximo|nao mais de|no mais de|up to|maximum|no more than|less than|"
    r"under|below|at most|not more than|tope de|limite de|limit of)(?![a-z])[^0-9]{0,14}$"
)
_LOWER_BEFORE = re.compile(
    r"(?<![a-z])(?:a partir de|minimo|min|al menos|como minimo|por lo menos|desde|com a minim|almenys|minim|"
    r"pelo menos|no minimo|at least|minimum|starting at|starting from|upwards of|from)(?![a-z])[^0-9]{0,14}$"
)
_MORE_THAN_BEFORE = re.compile(r"(?<![a-z])(?:mas de|mes de|mais de|more than|over)(?![a-z])[^0-9]{0,14}$")
_NEGATION = re.compile(r"(?<![a-z])(?:no|nao|not|don't|dont|won't|never|nunca|ni|cannot|can't)(?![a-z])")
_UPPER_AFTER = re.compile(
    r"^\s*(?:€|eur(?:os?)?)?\s*(?:max|maximo|como mucho|como maximo|tops|at most|at the most|maxim|no maximo|"
    r"a lo sumo|como muito|com a molt|as a maximum)(?![a-z])"
)
_LOWER_AFTER = re.compile(
    r"^\s*(?:€|eur(?:os?)?)?\s*(?:\+|minimo|como minimo|at least|minimum|or more|o mas|ou mais|o mes|min)(?![a-z+])"
)
_SENTENCE_END = re.compile(r"[;!?\n]|\.(?:\s|$)")


@dataclass
class Amount:
    """Describe one amount or range of money the visitor mentions."""

    low: float
    high: float
    start: int
    end: int
    multiplied: bool
    is_range: bool
    grouped: bool = False


def find_budget(text: str) -> tuple[int | None, int | None]:
    """Return (budget_min_eur, budget_max_eur) from prepared folded text."""
    bounds: list[tuple[float | None, float | None]] = []
    for amount in group_amounts(text, scan(text)):
        before, after = _context(text, amount)
        if _FOREIGN_BEFORE.search(before) or _FOREIGN_AFTER.match(after):
            return None, None
        if _is_money(amount, before, after):
            bounds.append(_bounds(before, after, amount))
    return _combine(bounds)


def group_amounts(text: str, quantities: list[Quantity]) -> list[Amount]:
    """Group the quantities into single amounts and ranges ("10-15k", "entre 8 y 12 mil")."""
    out: list[Amount] = []
    i = 0
    while i < len(quantities):
        first = quantities[i]
        second = quantities[i + 1] if i + 1 < len(quantities) else None
        if second and _CONNECTOR.match(text[first.end : second.start]):
            out.append(_range(first, second))
            i += 2
        else:
            grouped = _grouped(first)
            out.append(Amount(first.value, first.value, first.start, first.end, first.multiplied, False, grouped))
            i += 1
    return out


def _range(first: Quantity, second: Quantity) -> Amount:
    """Return the range of two quantities, sharing a multiplier written only once ("10-15k").

    The lower end borrows the thousands when it would otherwise be far too small
    ("entre 10 y 15 mil", or "entre diez y quince mil" whose words became "10 y 15000").
    """
    low, high = first.value, second.value
    if not first.multiplied and low < 1000 and high >= 1000 and low * 1000 <= high:
        low *= 1000
    elif first.multiplied and not second.multiplied and high * 1000 >= low and high < low:
        high *= 1000
    low, high = min(low, high), max(low, high)
    multiplied = first.multiplied or second.multiplied
    return Amount(low, high, first.start, second.end, multiplied, True, _grouped(first) or _grouped(second))


def _grouped(quantity: Quantity) -> bool:
    """Tell whether the number was written with thousands separators ("12.000", "12 000")."""
    return quantity.value >= 1000 and any(mark in quantity.literal for mark in ".,  ")


def _context(text: str, amount: Amount) -> tuple[str, str]:
    """Return the sentence text just before and just after the amount."""
    before = text[max(0, amount.start - 60) : amount.start]
    cut = list(_SENTENCE_END.finditer(before))
    if cut:
        before = before[cut[-1].end() :]
    after = text[amount.end : amount.end + 60]
    end = _SENTENCE_END.search(after)
    return before, after[: end.start()] if end else after


def _is_money(amount: Amount, before: str, after: str) -> bool:
    """Tell whether the amount is money rather than a count, an address, a year or a size."""
    if _EURO_BEFORE.search(before) or _EURO_AFTER.match(after):
        return True
    if _NOT_MONEY_AFTER.match(after) or _NOT_MONEY_BEFORE.search(before):
        return False
    if amount.multiplied:
        return True
    if _looks_like_year(amount) or amount.high < 100:
        return False
    # A bare "28013" is more often a postal code or an order than a budget.
    return amount.grouped or _has_money_words(before, after)


def _has_money_words(before: str, after: str) -> bool:
    """Tell whether budget words or bound words ("hasta", "como mucho", "max") surround the amount."""
    near = before[-30:]
    return bool(
        _BUDGET_WORDS.search(near)
        or _UPPER_BEFORE.search(near)
        or _LOWER_BEFORE.search(near)
        or _MORE_THAN_BEFORE.search(near)
        or _UPPER_AFTER.match(after)
        or _LOWER_AFTER.match(after)
    )


def _looks_like_year(amount: Amount) -> bool:
    """Tell whether a bare number is probably a year ("2025")."""
    return not amount.multiplied and 1900 <= amount.high <= 2100 and amount.high == int(amount.high)


def _bounds(before: str, after: str, amount: Amount) -> tuple[float | None, float | None]:
    """Return (min, max) for one money amount from the words around it."""
    if amount.is_range:
        return amount.low, amount.high
    value = amount.low
    near = before[-28:]
    if _UPPER_BEFORE.search(near) or _UPPER_AFTER.match(after):
        return None, value
    if _MORE_THAN_BEFORE.search(near):
        # "más de 3.000 € no me quiero gastar" is a ceiling; "tengo más de 3.000" a floor.
        return (None, value) if _NEGATION.search(before + " " + after) else (value, None)
    if _LOWER_BEFORE.search(near) or _LOWER_AFTER.match(after):
        return value, None
    return value, value


def _combine(bounds: list[tuple[float | None, float | None]]) -> tuple[int | None, int | None]:
    """Return one (min, max) from every money amount in the message."""
    if not bounds:
        return None, None
    lows = [low for low, _ in bounds if low is not None]
    highs = [high for _, high in bounds if high is not None]
    low = min(lows) if lows else None
    high = max(highs) if highs else None
    return _to_int(low), _to_int(high)


def _to_int(value: float | None) -> int | None:
    """Return the amount as whole euros."""
    return None if value is None else round(value)
