"""Reading a visitor's reply as the answer to one block: validated and normalised, or rejected
with the reason the bot explains to them."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers

from appliance.core.agenda.places import normal_postal_code, plausible_address, postal_code_example
from appliance.core.flows.schema import ButtonsBlock, DateBlock, InputBlock, MediaBlock, Question, RangeBlock

MAX_TEXT = 500
_EMAIL = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?")
# A dot, comma or space between digits followed by exactly three more is a thousands separator.
_THOUSANDS = re.compile(r"(?<=\d)[.,\s\u00a0\u202f](?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Reply:
    """What the visitor sent: free text, an option id, a typed value, a skip, or nothing (start)."""

    kind: str  # "start" | "text" | "choice" | "value" | "skip"
    value: Any = None


SlotSource = Callable[[str], Sequence[dict[str, str]]]
# A search for other slots: {"after": iso start} pages forward, {"day": "YYYY-MM-DD", "part": ...}
# asks for one day (part: morning, afternoon or evening), {"after_day": "YYYY-MM-DD"} for days after.
SlotSearch = Callable[[str, dict[str, Any]], Sequence[dict[str, str]]]


@dataclass(frozen=True)
class Context:
    """What the engine may know beyond the flow: the store's country, its free slots, uploads.

    Slots come from a function of the service, asked only when a date block is reached (the
    engine, not the caller, knows which block comes next) and at most once per service and turn.
    """

    country: str = "ES"
    slot_source: SlotSource | None = None
    attachments: frozenset[str] = frozenset()
    store: dict[str, Any] = field(default_factory=dict)
    # Languages in which the store addresses visitors formally (usted, vostè, o senhor).
    formal: frozenset[str] = frozenset()
    # Whether a chosen slot is booked: step() then stops with a BookSlot intent for the caller to
    # carry out, and resume() confirms the visit or offers fresh slots. Otherwise it is only noted.
    book_slots: bool = False
    slot_search: SlotSearch | None = None
    # The day (and part of day) a visitor's free text asked for, read by the caller: {"day", "part"}.
    day_wish: dict[str, Any] | None = None
    # Variables the caller works out from the answers so far (e.g. whether a postal code is served).
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    _slots: dict[str, tuple[dict[str, str], ...]] = field(default_factory=dict, repr=False)

    def forget_slots(self, service: str) -> None:
        """Drop the slots read this turn (one was just taken: offer fresh ones)."""
        for key in [k for k in self._slots if k == service or k.startswith(f"{service}:")]:
            del self._slots[key]

    def slots_for(self, service: str, query: dict[str, Any] | None = None) -> tuple[dict[str, str], ...]:
        """Return the slots offered for ``service`` ({"start", "end"} in ISO 8601), or those a query asks for."""
        key = service if not query else f"{service}:{sorted(query.items())}"
        if key not in self._slots:
            if query and self.slot_search:
                self._slots[key] = tuple(self.slot_search(service, query))
            else:
                self._slots[key] = tuple(self.slot_source(service)) if self.slot_source else ()
        return self._slots[key]


@dataclass(frozen=True)
class Rejection:
    """Why a reply does not answer the block: a key of the system texts and its values."""

    reason: str
    params: dict[str, Any] = field(default_factory=dict)


Answer = dict[str, Any]  # the variables the answer sets


def read_answer(
    block: Question, reply: Reply, ctx: Context, slot_query: dict[str, Any] | None = None
) -> Answer | Rejection:
    """Return the variables ``reply`` sets as the answer to ``block``, or why it cannot.

    ``slot_query`` is the search whose slots a date block is showing (see Context.slots_for).
    """
    if isinstance(block, ButtonsBlock):
        return _choice(block, reply)
    if reply.kind not in {"text", "value"}:
        return Rejection("required")
    if isinstance(block, InputBlock):
        return _typed(block, reply.value, ctx)
    if isinstance(block, RangeBlock):
        return _range(block, reply.value)
    if isinstance(block, DateBlock):
        return _slot(block, reply.value, ctx, slot_query)
    if isinstance(block, MediaBlock):
        return _media(block, reply.value, ctx)
    return Rejection("required")


def _set(block: Question, value: Any) -> Answer:
    return {block.variable or block.id: value}


def _choice(block: ButtonsBlock, reply: Reply) -> Answer | Rejection:
    ids = [o.id for o in block.options]
    if reply.kind == "choice" and reply.value in ids:
        return _set(block, reply.value)
    if reply.kind == "text" and isinstance(reply.value, str):
        chosen = match_option(block, reply.value)
        if chosen:
            return _set(block, chosen)
    return Rejection("choose_option")


def match_option(block: ButtonsBlock, text: str) -> str | None:
    """Return the option a typed reply names: its number (1, 2...), its id or a label in any language."""
    said = simplify(text)
    if said.isdigit() and 1 <= int(said) <= len(block.options):
        return block.options[int(said) - 1].id
    exact = [o.id for o in block.options if said in {simplify(o.id), *map(simplify, o.label.values())}]
    if exact:
        return exact[0]
    inside = [o.id for o in block.options if any(_contains(said, simplify(label)) for label in o.label.values())]
    return inside[0] if len(set(inside)) == 1 else None


def _contains(said: str, label: str) -> bool:
    if not label or not said:
        return False
    # A short reply counts only as a label's first word ("si" for "Si, de acuerdo"), never inside it.
    return (
        f" {label} " in f" {said} "
        or f"{label} ".startswith(f"{said} ")
        or (len(said) >= 3 and f" {said} " in f" {label} ")
    )


def simplify(text: str) -> str:
    """Lowercase, drop accents, emojis and punctuation, squeeze spaces: for lenient matching."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _typed(block: InputBlock, value: Any, ctx: Context) -> Answer | Rejection:
    if block.kind == "number":
        return _number(block, value)
    if not isinstance(value, str) or not value.strip():
        return Rejection("required")
    text = value.strip()
    if len(text) > MAX_TEXT:
        return Rejection("too_long", {"max": MAX_TEXT})
    checks = {"email": _email, "phone": _phone, "postal_code": normal_postal_code, "address": _address}
    if block.kind in checks:
        normalised = checks[block.kind](text, ctx.country)
        if normalised:
            return _set(block, normalised)
        # A mistyped postal code is re-asked with an example in the shape of the store's country.
        example = {"example": postal_code_example(ctx.country)} if block.kind == "postal_code" else {}
        return Rejection(f"not_{block.kind}", example)
    return _set(block, text)


def to_number(value: Any) -> float | None:
    """Return the finite number in a reply (12, "12", "12,5 m2"), or None."""
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _float(value)
    elif isinstance(value, str):
        found = _NUMBER.search(value.replace("\u00a0", " "))
        number = _float(found.group(0).replace(",", ".")) if found else None
    # Infinity or NaN would be stored as a variable that JSON and the database cannot hold.
    return number if number is not None and math.isfinite(number) else None


def _float(value: int | float | str) -> float | None:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return None


def _number(block: InputBlock, value: Any) -> Answer | Rejection:
    number = to_number(value)
    if number is None:
        return Rejection("not_a_number")
    low = block.min if block.min is not None else float("-inf")
    high = block.max if block.max is not None else float("inf")
    if not low <= number <= high:
        return Rejection("number_range", {"min": block.min, "max": block.max, "unit": _unit(block.unit)})
    return _set(block, int(number) if number.is_integer() else number)


def _unit(unit: str | None) -> str:
    return f" {unit.replace('m2', 'm²')}" if unit else ""


def _email(text: str, _country: str) -> str | None:
    address = text.strip(" .,;:<>()[]").lower()
    return address if _EMAIL.match(address) else None


def _phone(text: str, country: str) -> str | None:
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _address(text: str, _country: str) -> str | None:
    return plausible_address(text)


def _range(block: RangeBlock, value: Any) -> Answer | Rejection:
    pair = _pair(value)
    if pair is None:
        return Rejection("not_a_number")
    low, high = sorted(pair)
    if low < block.min or high > block.max:
        return Rejection(
            "number_range", {"min": _plain(block.min), "max": _plain(block.max), "unit": _unit(block.unit)}
        )
    answer = _set(block, _plain(high))
    if block.variable_min:
        answer[block.variable_min] = _plain(low)
    return answer


def _pair(value: Any) -> tuple[float, float] | None:
    if isinstance(value, dict):
        value = [value.get("min"), value.get("max")]
    if isinstance(value, list) and len(value) == 2:
        numbers = [to_number(v) for v in value]
        return (numbers[0], numbers[1]) if None not in numbers else None  # type: ignore[return-value]
    if isinstance(value, str):
        # Unsigned, so the dash of "8000-12000" is read as a range and not as a minus sign.
        found = [to_number(n) for n in _AMOUNT.findall(_THOUSANDS.sub("", value))][:2]
        if found and None not in found:
            return (found[0], found[-1])  # type: ignore[return-value]
    number = to_number(value)
    return None if number is None else (number, number)


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _slot(block: DateBlock, value: Any, ctx: Context, query: dict[str, Any] | None) -> Answer | Rejection:
    for slot in ctx.slots_for(block.service, query) + ctx.slots_for(block.service):
        if value == slot["start"]:
            return _set(block, {"start": slot["start"], "end": slot["end"], "service": block.service})
    # A real time that is not offered (any more): say so, and offer the free ones.
    return Rejection("slot_unavailable" if _is_time(value) else "pick_slot")


def _is_time(value: Any) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _media(block: MediaBlock, value: Any, ctx: Context) -> Answer | Rejection:
    if isinstance(value, str) and value in ctx.attachments:
        return _set(block, value)
    return Rejection("upload_file")
