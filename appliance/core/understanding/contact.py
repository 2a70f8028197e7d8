"""Find the visitor's email address and phone number, the phone in E.164."""

from __future__ import annotations

import re

import phonenumbers

_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_PHONE_RE = re.compile(r"(?<![\w@.,/])(?:\+|00)?\s?\(?\d[\d\s().\-]{6,20}\d(?![\d\w])")
# Words after which a long number is a reference, not a phone.
_REFERENCE_RE = re.compile(
    r"(pedido|encomenda|comanda|order|ref|referencia|referencia|factura|fatura|invoice|nif|dni|nie|cif|"
    r"iban|cuenta|conta|compte|tracking|seguimiento|expediente|cp|codigo postal|zip)\W{0,4}"
    r"(n[ºo°.]?\W{0,3}|numero\W{0,3}|number\W{0,3}|de\W{0,3})?$"
)
_SPAIN_LANGUAGES = frozenset({"es", "ca"})
_HINTING_LANGUAGES = frozenset({"es", "ca", "pt"})
# The countries whose visitors the four languages bring most, read when the language tells none.
_NEIGHBOURS = ("ES", "PT")


def find_email(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """Return the first email address in the text, lowercased, and where it is."""
    match = _EMAIL_RE.search(text)
    if not match:
        return None, None
    address = match.group(0).rstrip(".-_").strip(".").lower()
    return address, match.span()


def find_phone(text: str, language: str, default_country: str) -> tuple[str | None, tuple[int, int] | None]:
    """Return the first phone number in the text in E.164 form (None if its country is unsure), and where it is."""
    for match in _PHONE_RE.finditer(text):
        if _REFERENCE_RE.search(text[max(0, match.start() - 30) : match.start()].lower()):
            continue
        found = phone_candidates(match.group(0), language, default_country)
        if found:
            # A number that could be in two countries is still a phone (not a budget): its span
            # is returned so other readers skip it, without a number to keep.
            return (found[0] if len(found) == 1 else None), match.span()
    return None, None


def to_e164(raw: str, language: str, default_country: str = "ES") -> str | None:
    """Return a written phone number in E.164, or None when it is no number or could be two."""
    found = phone_candidates(raw, language, default_country)
    return found[0] if len(found) == 1 else None


def phone_candidates(raw: str, language: str, default_country: str = "ES") -> list[str]:
    """Return the E.164 numbers a written phone number may be, choosing the country as people do.

    An explicit "+" or "00" prefix wins. Without one, a Spanish or Catalan message means Spain,
    a Portuguese one means Portugal for nine digits and Brazil when the area code (DDD) is there
    (LABELS.md §1.8), and otherwise the store's country. A language that tells no country (English)
    leaves every country the number is valid in among the store's and Spain's and Portugal's: more
    than one means the visitor must be asked.
    """
    digits = re.sub(r"\D", "", raw)
    stripped = raw.strip()
    if stripped.startswith("+") or (stripped.startswith("00") and len(digits) > 11):
        number = _parse("+" + digits.removeprefix("00") if stripped.startswith("00") else "+" + digits, None)
        return [number] if number else []
    if not 9 <= len(digits) <= 13:
        return []
    hinted = _hinted(digits, language)
    if hinted:
        return [hinted]
    if len(digits) >= 11 and (with_code := _parse("+" + digits, None)):
        return [with_code]
    regions = [default_country.upper()]
    if language not in _HINTING_LANGUAGES:
        regions += list(_NEIGHBOURS)
    return list(dict.fromkeys(n for region in dict.fromkeys(regions) if (n := _parse(digits, region))))


def read_phone(text: str, language: str, default_country: str = "ES") -> list[str]:
    """Return the numbers a reply to "what is your phone?" may be (several: ask which country)."""
    found = phone_candidates(text, language, default_country)
    if found:
        return found
    # Other countries' shapes (eight digits, brackets): as the store's country writes them.
    try:
        number = phonenumbers.parse(text, default_country.upper())
    except phonenumbers.NumberParseException:
        return []
    valid = phonenumbers.is_valid_number(number)
    return [phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)] if valid else []


def _hinted(digits: str, language: str) -> str | None:
    """Return the number in the country its language points to, when it does."""
    if len(digits) == 9 and language in _SPAIN_LANGUAGES and digits[0] in "6789":
        return _parse(digits, "ES")
    if len(digits) == 9 and language == "pt" and digits[0] in "92":
        return _parse(digits, "PT")
    if language == "pt" and len(digits) in (10, 11):
        return _parse(digits, "BR")
    return None


def _parse(raw: str, region: str | None) -> str | None:
    """Return the E.164 form when phonenumbers accepts the number, else None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    # Explicitly international numbers only need to be possible (fictional UK ranges are
    # still a visitor's number); national ones must be valid to tell them from other digits.
    ok = phonenumbers.is_possible_number(number) if region is None else phonenumbers.is_valid_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if ok else None
