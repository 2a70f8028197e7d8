"""Prefixed, time-ordered identifiers such as ``l_01JD3...`` for leads.

The prefix tells a reader what an id names; the time-ordered body (48 bits of milliseconds, then
80 random bits, in Crockford base32, like a ULID) lets lists page by id without an extra column.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
BODY_LENGTH = 26


def new_id(prefix: str) -> str:
    """Return a new id that starts with ``prefix_`` and sorts by creation time."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(BODY_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(reversed(chars))}"
