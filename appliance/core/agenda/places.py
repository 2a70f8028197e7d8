"""Where a home visit happens: the postal code and the street address a visitor types.

A postal code is *well formed* when it has the shape of a code of some country, and *served* when
the store's service area includes it (availability.in_service_area). The two are apart on purpose:
a Portuguese "1000-001" typed to a Spanish store is a real code the store does not cover yet, so
the visitor hears "we do not visit your area yet" and is offered the showroom, never "invalid".

- Spain: five digits, 01 to 52 first ("28001"). Portugal: four digits, a dash, three ("1000-001";
  "1000 001" and "1000001" are the same code). Either is recognised by any store.
- Other countries' codes are kept as typed (upper case, single spaces) when they look like one:
  3 to 10 letters and digits with at least two digits ("75001", "SW1A 1AA", "10115").
- Anything else ("abc", "12", a phone number) is malformed, and re-asked with an example in the
  shape of the store's own country.

A street address is free text; it is *plausible* when it has a word of at least two letters and a
number (or "s/n", "sin número", "sem número"), between 6 and 200 characters, and is neither an
e-mail nor a bare number.
"""

from __future__ import annotations

import re

_ES = re.compile(r"(?:0[1-9]|[1-4]\d|5[0-2])\d{3}")
_PT = re.compile(r"(\d{4})[-\s]?(\d{3})")
# Letters and digits, as in the United Kingdom, the Netherlands or Canada ("SW1A 1AA", "1011 AB").
_OTHER = re.compile(r"(?=(?:\D*\d){2})(?=.*[A-Z])[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,5})?")
EXAMPLES = {"ES": "28001", "PT": "1000-001"}

_WORD = re.compile(r"[^\W\d_]{2,}")
_NUMBER = re.compile(
    r"\d|(?<![^\W_])(?:s/n|s\.n\.|sn|sin numero|sin número|sense numero|sense número|sem numero|sem número)(?![^\W_])",
    re.I,
)
_EMAIL = re.compile(r"\S+@\S+")
MIN_ADDRESS, MAX_ADDRESS = 6, 200


def normal_postal_code(text: str, country: str) -> str | None:
    """Return the postal code written the usual way, or None when it has the shape of no code."""
    code = " ".join(text.strip().upper().split()).strip(".,;")
    squeezed = code.replace(" ", "")
    if _ES.fullmatch(squeezed):
        return squeezed
    if m := _PT.fullmatch(code):
        return f"{m[1]}-{m[2]}"
    if squeezed.isdigit():
        # In a Spanish store five digits outside Spain's 01-52 are a typo far more often than a
        # French or Italian code; elsewhere they are such a code. In a Spanish or Portuguese store
        # fewer or more digits are a typo; in other countries 4 to 6 digits are codes too.
        if len(squeezed) == 5:
            return squeezed if country != "ES" else None
        return squeezed if country not in EXAMPLES and 4 <= len(squeezed) <= 6 else None
    return code if _OTHER.fullmatch(code) else None


def postal_code_example(country: str) -> str:
    """Return a postal code in the shape of the store's country, to show a visitor who mistyped one."""
    return EXAMPLES.get(country, "28001")


def plausible_address(text: str) -> str | None:
    """Return the street address tidied (single spaces), or None when it cannot be one."""
    address = " ".join(text.split()).strip(" ,.;")
    if not MIN_ADDRESS <= len(address) <= MAX_ADDRESS or _EMAIL.search(address):
        return None
    if not _WORD.search(address) or not _NUMBER.search(address):
        return None
    return address
