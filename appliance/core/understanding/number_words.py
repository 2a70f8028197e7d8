"""Turn numbers written in words ("quince mil", "vint-i-cinc", "twenty thousand") into digits."""

from __future__ import annotations

import re
from functools import lru_cache

_SPANISH = {
    "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiun": 21,
    "veintiuno": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
    "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500,
    "seiscientos": 600, "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800,
    "ochocientas": 800, "novecientos": 900, "novecientas": 900,
}  # fmt: skip
_CATALAN = {
    "zero": 0, "dos": 2, "dues": 2, "tres": 3, "quatre": 4, "cinc": 5, "sis": 6, "set": 7, "vuit": 8,
    "nou": 9, "deu": 10, "onze": 11, "dotze": 12, "tretze": 13, "catorze": 14, "quinze": 15, "setze": 16,
    "disset": 17, "divuit": 18, "dinou": 19, "vint": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50,
    "seixanta": 60, "setanta": 70, "vuitanta": 80, "noranta": 90, "cent": 100,
}  # fmt: skip
_PORTUGUESE = {
    "zero": 0, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7, "oito": 8,
    "nove": 9, "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quatorze": 14, "quinze": 15,
    "dezasseis": 16, "dezesseis": 16, "dezassete": 17, "dezessete": 17, "dezoito": 18, "dezanove": 19,
    "dezenove": 19, "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60,
    "setenta": 70, "oitenta": 80, "noventa": 90, "cem": 100, "cento": 100, "duzentos": 200, "duzentas": 200,
    "trezentos": 300, "trezentas": 300, "quatrocentos": 400, "quatrocentas": 400, "quinhentos": 500,
    "quinhentas": 500, "seiscentos": 600, "seiscentas": 600, "setecentos": 700, "setecentas": 700,
    "oitocentos": 800, "oitocentas": 800, "novecentos": 900, "novecentas": 900,
}  # fmt: skip
_ENGLISH = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_TABLES = {"es": _SPANISH, "ca": _CATALAN, "pt": _PORTUGUESE, "en": _ENGLISH}

# Words that are numbers in one language but ordinary words in another ("dos" is "of the"
# in Portuguese, "set" and "once" are English words), so only their own language reads them.
_RISKY = frozenset({"dos", "set", "nou", "deu", "once", "cent", "one", "sis", "ten", "zero", "tres"})

# Multiply what comes before them; "hundred"/"cents" multiply the small number before them too.
_HUNDREDS = {"hundred": 100, "hundreds": 100, "cents": 100, "centes": 100}
_SCALES = {
    "mil": 1000, "thousand": 1000, "thousands": 1000, "millon": 1_000_000, "millones": 1_000_000,
    "milio": 1_000_000, "milions": 1_000_000, "milhao": 1_000_000, "milhoes": 1_000_000,
    "million": 1_000_000, "millions": 1_000_000,
}  # fmt: skip
_JOINERS = frozenset({"y", "i", "e", "and"})
# Articles read as "one" only right before a scale ("a thousand", "un millón").
_ONE_BEFORE_SCALE = frozenset({"a", "un", "una", "um", "uma", "one"})

_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*|\d+|[^\sa-z\d]")


@lru_cache(maxsize=4)
def _table(language: str) -> dict[str, int]:
    """Return the number words to read for a message in the language."""
    merged: dict[str, int] = {}
    for other, table in _TABLES.items():
        if other != language:
            merged.update({w: v for w, v in table.items() if w not in _RISKY})
    merged.update(_TABLES.get(language, {}))
    return merged


def words_to_digits(text: str, language: str) -> str:
    """Return the folded text with every run of number words replaced by its value in digits.

    "dos mil quinientos euros" → "2500 euros"; "8 mil e quinhentos" → "8 mil e 500" (a run
    never starts with a bare scale word after digits, so the digits keep their multiplier).
    """
    table = _table(language)
    pieces: list[str] = []
    last = 0
    matches = list(_WORD_RE.finditer(text))
    i = 0
    while i < len(matches):
        end = _run_end(matches, i, table)
        if end == i or _starts_with_scale_after_digits(matches, i):
            i += 1
            continue
        words = [p for m in matches[i:end] for p in m.group(0).split("-")]
        pieces += [text[last : matches[i].start()], str(_value(words, table))]
        last = matches[end - 1].end()
        i = end
    pieces.append(text[last:])
    return "".join(pieces)


def _is_number_word(word: str, table: dict[str, int]) -> bool:
    """Tell whether a (possibly hyphenated) word is made only of number words."""
    parts = word.split("-")
    return all(p in table or p in _SCALES or p in _HUNDREDS or p in _JOINERS for p in parts) and not all(
        p in _JOINERS for p in parts
    )


def _run_end(matches: list[re.Match[str]], start: int, table: dict[str, int]) -> int:
    """Return the index just past the run of number words starting at start (start if none)."""
    i = start
    if matches[i].group(0) in _ONE_BEFORE_SCALE:
        if i + 1 < len(matches) and matches[i + 1].group(0) in {**_SCALES, **_HUNDREDS}:
            i += 1
        else:
            return start
    end = start
    while i < len(matches):
        word = matches[i].group(0)
        if word in _JOINERS and end > start and i + 1 < len(matches):
            nxt = matches[i + 1].group(0)
            if _is_number_word(nxt, table) and _can_join(matches[i - 1].group(0), nxt, table):
                i += 1
                continue
            break
        if not _is_number_word(word, table) or word in _JOINERS:
            break
        i += 1
        end = i
    return end


def _can_join(before: str, after: str, table: dict[str, int]) -> bool:
    """Tell whether "before y/e/i after" is one number ("treinta y cinco") and not two ("diez y quince")."""
    high = before.split("-")[-1]
    low = after.split("-")[0]
    if low in _SCALES or low in _HUNDREDS or low not in table:
        return False
    if high in _SCALES:
        return True
    if high in _HUNDREDS:
        return table[low] < 100
    value = table.get(high, 0)
    if value >= 100:
        return value % 100 == 0 and table[low] < 100
    return 20 <= value < 100 and value % 10 == 0 and table[low] < 10


def _starts_with_scale_after_digits(matches: list[re.Match[str]], i: int) -> bool:
    """Tell whether the run starts with "mil"/"thousand" right after a number in digits."""
    return matches[i].group(0) in _SCALES and i > 0 and matches[i - 1].group(0).isdigit()


def _value(words: list[str], table: dict[str, int]) -> int:
    """Return the value of a run of number words."""
    total = current = 0
    for word in words:
        if word in _JOINERS:
            continue
        if word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word in _HUNDREDS:
            current = max(current, 1) * _HUNDREDS[word]
        elif word in _ONE_BEFORE_SCALE:
            current += 1
        else:
            current += table[word]
    return total + current
