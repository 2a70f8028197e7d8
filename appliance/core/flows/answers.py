"""Reading a visitor's reply as the answer to one block: validated and normalised, or rejected
with the reason the bot explains to them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers

from appliance.core.agenda.places import normal_postal_code, plausible_address, postal_code_example
from appliance.core.flows.choices import choose, listed, option_labels
from appliance.core.flows.schema import ButtonsBlock, DateBlock, InputBlock, MediaBlock, Question, RangeBlock
from appliance.core.understanding.contact import find_email, read_phone
from appliance.core.understanding.names import read_name
from appliance.core.understanding.replies import says_dont_know

MAX_TEXT = 500
# A text question whose variable is this asks for the visitor's name, which is read as a name.
NAME_VARIABLE = "name"
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
    block: Question,
    reply: Reply,
    ctx: Context,
    slot_query: dict[str, Any] | None = None,
    *,
    language: str = "es",
    facts: dict[str, Any] | None = None,
) -> Answer | Rejection:
    """Return the variables ``reply`` sets as the answer to ``block``, or why it cannot.

    ``slot_query`` is the search whose slots a date block is showing (see Context.slots_for);
    ``language`` is the conversation's and ``facts`` what understanding read in a free-text reply.
    A reply that only says the visitor does not know is Rejection("dont_know").
    """
    answer = _read(block, reply, ctx, slot_query, language, facts)
    # The widget sends what is typed in a text, e-mail or phone box as a value, in other boxes as text.
    typed = reply.kind in {"text", "value"} and isinstance(reply.value, str)
    if isinstance(answer, Rejection) and typed and says_dont_know(reply.value):
        return Rejection("dont_know")
    return answer


def _read(
    block: Question,
    reply: Reply,
    ctx: Context,
    slot_query: dict[str, Any] | None,
    language: str,
    facts: dict[str, Any] | None,
) -> Answer | Rejection:
    if isinstance(block, ButtonsBlock):
        return _choice(block, reply, language, facts)
    if reply.kind not in {"text", "value"}:
        return Rejection("required")
    if isinstance(block, InputBlock):
        return _typed(block, reply.value, ctx, language)
    if isinstance(block, RangeBlock):
        return _range(block, reply.value)
    if isinstance(block, DateBlock):
        return _slot(block, reply.value, ctx, slot_query)
    if isinstance(block, MediaBlock):
        return _media(block, reply.value, ctx)
    return Rejection("required")


def _set(block: Question, value: Any) -> Answer:
    return {block.variable or block.id: value}


def _choice(block: ButtonsBlock, reply: Reply, language: str, facts: dict[str, Any] | None) -> Answer | Rejection:
    ids = [o.id for o in block.options]
    if reply.kind == "choice" and reply.value in ids:
        return _set(block, reply.value)
    if reply.kind != "text" or not isinstance(reply.value, str):
        return Rejection("choose_option")
    found = choose(block, reply.value, facts)
    if found.chosen:
        return _set(block, found.chosen)
    if found.tied:
        return Rejection("which_option", {"options": option_labels(block, found.tied, language)})
    return Rejection("choose_from", {"options": option_labels(block, ids, language)})


def _typed(block: InputBlock, value: Any, ctx: Context, language: str) -> Answer | Rejection:
    if block.kind == "number":
        return _number(block, value)
    if not isinstance(value, str) or not value.strip():
        return Rejection("required")
    text = value.strip()
    if len(text) > MAX_TEXT:
        return Rejection("too_long", {"max": MAX_TEXT})
    if block.kind == "phone":
        return _phone_answer(block, text, ctx.country, language)
    if block.kind == "text" and (block.variable or block.id) == NAME_VARIABLE:
        name = read_name(text)
        return _set(block, name) if name else Rejection("not_a_name")
    checks = {"email": _email, "postal_code": normal_postal_code, "address": _address}
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
    if not _EMAIL.match(address):
        # "mi correo es ana@x.es": the address inside the sentence.
        address = find_email(text)[0] or ""
    return address if _EMAIL.match(address) else None


def _phone_answer(block: InputBlock, text: str, country: str, language: str) -> Answer | Rejection:
    """Read a phone number in the conversation's language and the store's country; ask when it could be two."""
    found = read_phone(text, language, country)
    if len(found) == 1:
        return _set(block, found[0])
    if not found:
        return Rejection("not_phone")
    prefixes = ["+" + str(phonenumbers.parse(n).country_code) for n in found]
    return Rejection("phone_ambiguous", {"prefixes": listed(prefixes, language)})


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
    """Accept one uploaded file of this conversation, or a list of up to ``max_files`` distinct ones."""
    if isinstance(value, str) and value in ctx.attachments:
        return _set(block, value)
    if (
        isinstance(value, list)
        and 0 < len(value) <= block.max_files
        and len(set(value)) == len(value)
        and all(isinstance(v, str) and v in ctx.attachments for v in value)
    ):
        return _set(block, list(value))
    return Rejection("upload_file")
