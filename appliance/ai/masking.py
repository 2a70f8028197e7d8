"""Personal data out of a visitor's text before it leaves for a model: names, e-mails, phones, addresses.

The rules have already read the text, so the name and contacts they found are replaced wherever
they appear; patterns catch the e-mails, phone numbers, street addresses and postal codes they did
not. What the model needs (a kitchen, 12 m², light wood) is left as it was.
"""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven or more digits, possibly grouped by spaces, dots or dashes, possibly after a +country code.
_PHONE = re.compile(r"(?<![\w.,])\+?\d[\d .-]{6,}\d(?![\w])")
_STREET_WORDS = (
    r"calle|c/|avda\.?|avenida|av\.|paseo|plaza|pl\.|carrer|passeig|pla[cç]a|travessera|ronda|camino|"
    r"rua|r\.|travessa|largo|pra[cç]a|estrada|street|st\.|road|rd\.|avenue|lane"
)
# A street word, then its name, up to the number (and floor/door) that ends an address.
_ADDRESS = re.compile(
    rf"\b(?:{_STREET_WORDS})\s+[^\d,.;\n]{{1,60}}?,?\s*(?:n[º°o.]?\s*)?\d{{1,4}}\b",
    re.IGNORECASE,
)
# A Portuguese postal code always; five digits only where they are surely one (before a town's name,
# after "CP"), since "15000" is more often a budget.
_POSTAL = re.compile(r"\b\d{4}-\d{3}\b|\b\d{5}\b(?=\s+[A-ZÁÉÍÓÚÀÈÒÇ])|(?<=[Cc][Pp] )\d{5}\b|(?<=postal )\d{5}\b")

NAME, EMAIL, PHONE, ADDRESS = "[NAME]", "[EMAIL]", "[PHONE]", "[ADDRESS]"


def mask_personal(text: str, found: dict[str, Any]) -> str:
    """Return ``text`` with names, e-mails, phones, addresses and postal codes replaced by placeholders."""
    masked = _EMAIL.sub(EMAIL, text)
    name = found.get("name")
    if isinstance(name, str) and name.strip():
        for part in sorted({name, *name.split()}, key=len, reverse=True):
            if len(part) > 1:
                masked = re.sub(rf"\b{re.escape(part)}\b", NAME, masked, flags=re.IGNORECASE)
    masked = _ADDRESS.sub(ADDRESS, masked)
    masked = _POSTAL.sub(ADDRESS, masked)
    return _PHONE.sub(PHONE, masked)
