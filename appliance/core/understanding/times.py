"""Read the time of day a visitor asks for when offered appointment slots ("a las 5 de la tarde").

Read only while a conversation waits on a date block, never by understand(): the time of a visit
is not the urgency of a project (see eval/LABELS.md), so none of these words reach the lead's fields.

The rules, chosen for how people in Spain and Portugal talk about opening hours:

- Written clock times are read as they are: "17:00", "17h", "17h30", "17.30 h", "5pm", "5:30 p.m.".
- A bare hour needs a word that makes it a time: "a las 5", "sobre las 6", "a les cinc", "às 5",
  "at 5", "5 o'clock", or a part of the day after it ("10 de la mañana", "5 de la tarda").
- Hours 1 to 7 with no part of the day are in the afternoon (a shop's "a las 5" is 17:00), 8 to 11 in
  the morning, 12 is noon; "de la tarde", "da noite", "pm" and the like move 1-11 to the afternoon.
- Halves and quarters: "y media", "i mitja", "e meia", "half past", "y cuarto", "menos cuarto",
  "quarter to", and the Catalan quarters "dos quarts de sis" (5:30).
- "Sobre", "hacia", "tipo", "cap a", "por volta de", "around", "about", "-ish" make the time approximate:
  the nearest free times are as good as the time itself, so none is booked without the visitor's pick.
- A time in a clause that turns it down ("a las 10 no puedo") is skipped, like a day is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalise import clean, fold


@dataclass(frozen=True)
class TimeWish:
    """Describe the local time a visitor means, in minutes after midnight."""

    minute: int
    approximate: bool


HOUR_WORDS: dict[str, int] = {
    # es
    "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12,
    # ca (dos, tres, once are shared)
    "dues": 2, "quatre": 4, "cinc": 5, "sis": 6, "set": 7, "vuit": 8, "nou": 9, "deu": 10, "onze": 11, "dotze": 12,
    # pt
    "um": 1, "uma": 1, "duas": 2, "dois": 2, "quatro": 4, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "doze": 12,
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
MINUTE_WORDS: dict[str, int] = {
    "media": 30, "mitja": 30, "meia": 30, "cuarto": 15, "quart": 15, "quarto": 15, "um quarto": 15,
    "quince": 15, "quinze": 15, "fifteen": 15, "veinte": 20, "vint": 20, "vinte": 20, "twenty": 20,
    "treinta": 30, "trenta": 30, "trinta": 30, "thirty": 30, "cuarenta y cinco": 45, "quarenta e cinco": 45,
    "forty five": 45, "forty-five": 45, "diez": 10, "deu": 10, "dez": 10, "ten": 10,
}  # fmt: skip

_HOUR = rf"(?P<h>\d{{1,2}}|{'|'.join(sorted(HOUR_WORDS, key=len, reverse=True))})"
_MINUTE_WORD = "|".join(sorted(MINUTE_WORDS, key=len, reverse=True))
# A part of the day right after the hour says which half of the clock it is.
_AFTERNOON_AFTER = (
    r"(?:de|da|del|de la|in the|a la|por la|pela)\s+(?:tarde|tarda|noche|noite|nit|vespre|afternoon|evening|night)|"
    r"p\.?\s?m\.?(?![a-z])"
)
_MORNING_AFTER = r"(?:de|da|del|de la|in the)\s+(?:manana|manha|mati|morning|madrugada)|a\.?\s?m\.?(?![a-z])"
_NOON_AFTER = r"(?:del|do|de)\s+(?:mediodia|migdia|meio dia|meio-dia)"
_APPROX_BEFORE = (
    r"sobre|hacia|tipo|eso de|cap a|entorno a|al voltant de|por volta de|por volta|perto de|"
    r"around|about|approximately|roughly|circa"
)
# Words that make the next number an hour; a bare article ("las 5") only when nothing but a time follows.
_MARKER = (
    rf"(?:(?P<approx>{_APPROX_BEFORE})\s+(?:(?:las|les|as|das|the)\s+)?"
    r"|(?:a\s+las|a\s+la|a\s+les|para\s+las|desde\s+las|de\s+las|pelas|at|from|by)\s+"
    r"|(?P<art>las|les|as)\s+)"
)
# After "las 5", these may follow and it is still a time ("las 5 mejor", "les 5 si pot ser").
_AFTER_BARE = re.compile(
    r"\s*(?:$|[^a-z\s]|(?:mejor|millor|melhor|better|please|por favor|porfa|pf|si us plau|si pot ser|se possivel|"
    r"vale|ok|va bien|me va|em va|ok|estaria|seria|o asi|mas o menos|aprox)(?![a-z]))"
)
_MINUTES_AFTER = (
    rf"(?:\s*(?::|h|\.)\s*(?P<mm>[0-5]\d)|\s+(?:y|i|e|and)\s+(?P<mw>{_MINUTE_WORD}|\d{{1,2}})"
    rf"|\s+(?:menos|menys|to)\s+(?P<minus>cuarto|quart|um quarto|quarto|quarter|\d{{1,2}})"
    rf"|\s+(?P<en>fifteen|thirty|forty[- ]five|\d{{2}}))?"
)
_TAIL = (
    rf"(?:\s*(?:h|hs|hrs?|horas?|hores|o'?clock)(?![a-z]))?"
    rf"(?:\s*(?:(?P<pm>{_AFTERNOON_AFTER})|(?P<am>{_MORNING_AFTER})|(?P<noon>{_NOON_AFTER})))?"
    r"(?P<ish>\s*-?ish)?"
)
# "17:00", "17h30", "5pm", "5:30 p.m.", "10 de la mañana": times with no marker word before them.
_CLOCK_RE = re.compile(
    r"(?<![\d:/.,\-])(?P<h>[01]?\d|2[0-3])(?:(?::|h\s?)(?P<mm>[0-5]\d)(?:\s*h(?:s|rs?)?)?|\s?h(?:s|rs?)?|"
    rf"\s*o'?clock|(?P<pmonly>\s*(?:{_AFTERNOON_AFTER}))|(?P<amonly>\s*(?:{_MORNING_AFTER})))(?![\d:/a-z])"
)
_CLOCK_MINUTES_RE = re.compile(r"(?<![\d:/.,\-])(?P<h>[01]?\d|2[0-3])[:h](?P<mm>[0-5]\d)(?![\d:/.,])")
# "Dos quarts de sis": Catalan counts quarters towards the coming hour.
_CATALAN_QUARTERS_RE = re.compile(
    rf"(?<![a-z])(?:(?P<approx>{_APPROX_BEFORE})\s+)?(?:a\s+)?(?:(?P<q>un|1|dos|2|tres|3)\s+quarts?\s+(?:de\s+|d'\s?)"
    rf"(?P<h>\d{{1,2}}|{'|'.join(HOUR_WORDS)}))(?![a-z\d])"
)
# "Half past five", "quarter past 5", "quarter to six".
_ENGLISH_PAST_RE = re.compile(
    r"(?<![a-z])(?:(?P<approx>around|about)\s+)?(?:at\s+)?(?P<what>half|quarter|\d{1,2})\s+(?P<dir>past|to)\s+"
    rf"(?P<h>\d{{1,2}}|{'|'.join(HOUR_WORDS)})(?![a-z\d])"
)
# What follows an hour-looking number that makes it a quantity instead: "las 3 puertas", "a 5 km".
_NOT_A_TIME_AFTER = re.compile(
    r"\s*(?:m2|m²|m|metros?|metres?|mts?|cm|km|€|eur|euros?|%|k|mil|x|semanas?|setmanes|weeks?|dias?|dies|days?|"
    r"mes(?:es|os)?|months?|anos|anys|years?|minutos|minuts|minutes|personas|persones|pessoas|people|puertas|"
    r"portas|doors|cajones|calaixos|gavetas|drawers|de (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|gener|febrer|marc|maig|juny|juliol|agost|setembre|octubre|novembre|"
    r"desembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro))(?![a-z])"
)
_CANT_RE = re.compile(
    r"(?<![a-z])(?:no (?:puedo|podemos|puc|podem|posso|me va|em va|es posible)|nao (?:posso|podemos|da)|"
    r"can'?t|cannot|not (?:available|possible|good)|busy|ocupad[oa]s?)(?![a-z])"
)
_CLAUSE_RE = re.compile(
    r"[.;!?\n,]|\s(?:pero|but|mas|sino|mejor|millor|melhor|better|instead|prefiero|prefereixo|prefiro|prefer)\s"
)


@lru_cache(maxsize=1)
def _marked_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z\d]){_MARKER}{_HOUR}{_MINUTES_AFTER}{_TAIL}(?![a-z\d])")


def find_time(text: str, language: str) -> TimeWish | None:
    """Return the first time of day the message asks for and does not turn down, or None."""
    del language  # the hour words of the four languages do not clash with each other's times
    folded = fold(clean(text or ""))[:2000]
    refused = _refused(folded)
    found = [t for t in _readings(folded) if not any(a <= t[0] <= b for a, b in refused)]
    if not found:
        return None
    _start, minute, approximate = min(found)
    return TimeWish(minute, approximate)


def part_of(minute: int) -> str:
    """Return the part of the day a time falls in, as the agenda's offers name them."""
    if minute < 12 * 60:
        return "morning"
    if minute < 20 * 60:
        return "afternoon"
    return "evening"


def _refused(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end, after in [(m.start(), m.end()) for m in _CLAUSE_RE.finditer(text)] + [(len(text), len(text))]:
        if _CANT_RE.search(text, start, end):
            spans.append((start, end))
        start = after
    return spans


def _readings(text: str) -> list[tuple[int, int, bool]]:
    """Return (position, minute of the day, approximate) for every time in the folded text."""
    found: list[tuple[int, int, bool]] = []
    for m in _CATALAN_QUARTERS_RE.finditer(text):
        hour = _hour_value(m["h"])
        if hour is not None:
            quarters = {"un": 1, "1": 1, "dos": 2, "2": 2, "tres": 3, "3": 3}[m["q"]]
            found.append((m.start(), _clock(hour - 1, 15 * quarters, None), bool(m["approx"])))
    for m in _ENGLISH_PAST_RE.finditer(text):
        hour, amount = _hour_value(m["h"]), {"half": 30, "quarter": 15}.get(m["what"]) or int(m["what"])
        if hour is not None and amount < 60:
            found.append((m.start(), _clock(hour, amount if m["dir"] == "past" else -amount, None), bool(m["approx"])))
    for m in _marked_re().finditer(text):
        if (reading := _marked(text, m)) is not None:
            found.append((m.start(), *reading))
    for pattern in (_CLOCK_MINUTES_RE, _CLOCK_RE):
        for m in pattern.finditer(text):
            half = "pm" if m.groupdict().get("pmonly") else "am" if m.groupdict().get("amonly") else None
            hour = int(m["h"])
            said = half or m["mm"] is not None or pattern is _CLOCK_MINUTES_RE or "clock" in m.group(0)
            if 0 < hour <= 23 and (hour >= 7 or said):
                found.append((m.start(), _clock(hour, int(m["mm"] or 0), half), False))
    return found


def _marked(text: str, m: re.Match[str]) -> tuple[int, bool] | None:
    """Return (minute, approximate) of "a las 5 y media de la tarde", or None when it is no time."""
    hour = _hour_value(m["h"])
    if hour is None or not 0 < hour <= 23:
        return None
    plain = not (m["mm"] or m["mw"] or m["minus"] or m["en"] or m["pm"] or m["am"] or m["noon"])
    if plain and _NOT_A_TIME_AFTER.match(text, m.end()):
        return None  # "at 5 km", "from 5 days": a quantity, not a time
    if plain and m["art"] and not _AFTER_BARE.match(text, m.end()):
        return None  # "las dos opciones", "les tres portes": an article and a number, not a time
    minutes = 0
    if m["mm"]:
        minutes = int(m["mm"])
    elif m["mw"]:
        minutes = int(m["mw"]) if m["mw"].isdigit() else MINUTE_WORDS[m["mw"]]
    elif m["minus"]:
        minutes = -(15 if not m["minus"].isdigit() else int(m["minus"]))
    elif m["en"]:
        minutes = int(m["en"]) if m["en"].isdigit() else MINUTE_WORDS[m["en"].replace("-", " ")]
    if minutes >= 60:
        return None
    half = "pm" if m["pm"] else "am" if m["am"] else "noon" if m["noon"] else None
    return _clock(hour, minutes, half), bool(m["approx"] or m["ish"])


def _hour_value(word: str) -> int | None:
    return int(word) if word.isdigit() else HOUR_WORDS.get(word)


def _clock(hour: int, minutes: int, half: str | None) -> int:
    """Return minutes after midnight for a spoken hour, choosing its half of the clock by the rules above."""
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    elif (half == "noon" and hour < 6) or (half is None and 1 <= hour <= 7):
        hour += 12
    return (hour * 60 + minutes) % (24 * 60)
