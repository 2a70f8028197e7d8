"""Checks on the values a tenant is created or edited with; each returns a problem or None."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers

LANGUAGES = ("es", "ca", "pt", "en")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# scheme://host[:port], where host may start with "*." and port may be "*".
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9.-]+(:(\d{1,5}|\*))?$")


def slugify(name: str) -> str:
    """Return a URL-safe slug made from a store's name ("Cuina & Fusta" -> "cuina-fusta")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:63].strip("-")


def slug_problem(slug: str) -> str | None:
    """Say what is wrong with ``slug``, if anything."""
    if not _SLUG.match(slug):
        return "use 1-63 lowercase letters, digits and dashes, not starting or ending with a dash"
    return None


def language_problem(language: str) -> str | None:
    """Say what is wrong with a language code, if anything."""
    return None if language in LANGUAGES else f"must be one of {', '.join(LANGUAGES)}"


def country_problem(country: str) -> str | None:
    """Say what is wrong with a store's country (ISO 3166 alpha-2, read for phone numbers), if anything."""
    return None if country in phonenumbers.SUPPORTED_REGIONS else "must be a two-letter country code such as ES or PT"


def timezone_problem(name: str) -> str | None:
    """Say what is wrong with an IANA time zone name, if anything."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone such as Europe/Madrid"
    return None if name in _zones() or name == "UTC" else "must be an IANA time zone"


@cache
def _zones() -> frozenset[str]:
    # Listing the zones reads the whole tz database (tens of ms); it does not change while we run.
    return frozenset(available_timezones())


def parse_origins(text: str) -> list[str]:
    """Return the allowed origins typed in a box: one per line, or separated by commas or spaces;
    trailing slashes and repeats dropped (the store panel and the operator's panel read it alike)."""
    found: list[str] = []
    for part in text.replace(",", " ").split():
        origin = part.strip().rstrip("/")
        if origin and origin not in found:
            found.append(origin)
    return found


def origin_problem(origin: str) -> str | None:
    """Say what is wrong with an allowed-origin pattern, if anything."""
    if not _ORIGIN.match(origin):
        return "must look like https://www.store.es, https://*.store.es or http://localhost:*"
    return None


def email_problem(email: str) -> str | None:
    """Say what is wrong with an e-mail address, if anything."""
    return None if _EMAIL.match(email) and len(email) <= 254 else "is not an e-mail address"
