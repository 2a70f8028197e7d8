"""Read the day, and the part of the day, a visitor asks for when offered appointment slots.

The rules, chosen to match how people in Spain and Portugal talk and kept deliberately simple:

- A bare weekday ("el martes", "dijous", "friday") is the first such day strictly after today, so
  on a Tuesday "el martes" is next week's Tuesday (today is "hoy"). "Próximo", "que viene", "que ve",
  "que vem" and "next" change nothing: "el próximo martes" is the same first Tuesday after today.
- "Este/esta/aquest/this" before a weekday includes today: "este martes" said on a Tuesday is today.
- A weekday in the same sentence as "la semana que viene", "la setmana que ve", "a semana que vem",
  "next week" (and their synonyms) is that weekday of the next calendar week, weeks starting Monday.
- "Este fin de semana"/"this weekend" is the coming Saturday, or today on a Saturday or Sunday;
  "el próximo fin de semana"/"next weekend" is the first Saturday strictly after today.
- A date without a year is its next occurrence on or after today (this year or the next; a 29th of
  February waits for a leap year), unless it fell within the last RECENT_PAST_DAYS: nobody books a
  visit a year ahead, so "el 1 de diciembre" said on the 15th is a day that has passed. A past day
  is no day for find_day; read_day returns it so the bot can say it has passed. A date that does not
  exist (31 de febrero) is no day at all.
- "dd/mm" is read day first; English alone reads "3/15" as month/day, and only when the second
  number cannot be a month. "15-03" needs a two-digit month and "15.03" a year, so ranges and
  decimals ("3-4 semanas", "12.5 m2") are not dates.
- "El día 15", "dia 15", "the 15th" or a weekday with a number ("el viernes 15") is the next 15th on
  or after today; when weekday and number disagree, the number wins, like a written date does.
- When several days are named, the first one wins, but a day in a clause that turns it down
  ("mañana no puedo", "dimarts no", "except Monday") is skipped. Overlapping readings of the same
  words prefer the most explicit (a written date over a day number over a weekday).
- The part of the day is the first one said at or after the chosen day, else the last one before it.
  "Mañana" after "la"/"de" is the morning, so "por la mañana" alone names no day and gives None.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from . import date_words as words
from .normalise import clean, fold
from .numbers import prepare

# A date without a year this many days past is read as past, not as next year's (see the docstring).
RECENT_PAST_DAYS = 62


@dataclass(frozen=True)
class DayWish:
    """Describe the local date a visitor means and, when said, the part of that day."""

    day: date
    part: str | None  # "morning" | "midday" | "afternoon" | "evening" | None for the whole day


@dataclass(frozen=True)
class _Candidate:
    """Describe one reading of a day in the message: where it is, how explicit, which date."""

    start: int
    end: int
    rank: int  # 3: a written date, 2: a day number, 1: a named day
    day: date | None


def _group(prefix: str, patterns: tuple[str, ...] | list[str]) -> str:
    """Return an alternation with one named group per pattern (prefix0, prefix1, ...)."""
    return "|".join(f"(?P<{prefix}{i}>{pattern})" for i, pattern in enumerate(patterns))


def _index(match: re.Match[str], prefix: str) -> int:
    """Return the number of the named group (prefix0, prefix1, ...) that matched."""
    return next(
        int(name[len(prefix) :]) for name, value in match.groupdict().items() if name.startswith(prefix) and value
    )


_ANY_WEEKDAY = "|".join(words.WEEKDAYS)
_LEAD = r"(?:(?:el|o|no|on|the|dia|day|del|de)\s+){0,3}"
_ORDINAL = r"(?:st|nd|rd|th|º|ª|o|r|er)?"
_NOT_DAY = rf"(?!{words.NOT_A_DAY_AFTER})"
# "El viernes 10 a 12", "sábado 10 de la mañana": hours, not a day of the month.
_HOUR_AFTER = (
    r"(?!\s*(?:a|-|to|y|i|e|hasta|fins|ate)\s*\d)"
    r"(?!\s*(?:(?:de la|da|del|de les) (?:manana|tarde|noche|manha|noite|mati|tarda|vespre|nit)|"
    r"in the (?:morning|afternoon|evening)|o'?clock)(?![a-z]))"
)
_MONTH_DATE_RE = re.compile(
    rf"(?<![a-z\d.,/])(?:(?:{_ANY_WEEKDAY})\s*,?\s*)?{_LEAD}(?P<d>\d{{1,2}}){_ORDINAL}\s*(?:(?:de|del|of)\s+|d')?"
    rf"(?:{_group('m', words.MONTHS)})\.?(?![a-z])(?:\s*,?\s*(?:(?:de|del|of)\s+)?(?P<y>\d{{4}}))?(?!\d)"
)
_MONTH_FIRST_RE = re.compile(
    rf"(?<![a-z])(?:{_group('m', words.MONTHS)})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?!\d|[:.,/]\d|[a-z]){_NOT_DAY}(?:\s*,?\s*(?P<y>\d{{4}}))?(?!\d)"
)
_NUMERIC_RE = re.compile(
    r"(?<![\d/.,\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?![\d/\-]|[.,]\d)"
)
_ISO_RE = re.compile(r"(?<![\d/.,\-])(?P<y>\d{4})-(?P<b>\d{1,2})-(?P<a>\d{1,2})(?![\d/\-])")
_DAY_OF_MONTH_RE = re.compile(
    rf"(?<![a-z\d])(?:(?:{_ANY_WEEKDAY})\s*,?\s*{_LEAD}|(?:(?:el|o|no|on)\s+)?dia\s+|(?:on\s+)?the\s+(?=\d+(?:st|nd|rd|th)))"
    rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th|º|ª)?(?!\d|[:.,/\-]\d|[a-z]){_NOT_DAY}{_HOUR_AFTER}"
)
_RELATIVE_RE = re.compile(rf"(?<![a-z])(?:{_group('r', [pattern for _, pattern in words.RELATIVE_DAYS])})(?![a-z])")
_WEEKEND_RE = re.compile(
    rf"(?<![a-z])(?:(?:{words.ARTICLES}|{words.THIS_MARKERS}|(?P<next>{words.NEXT_MARKERS}))\s+){{0,3}}"
    rf"(?:{words.WEEKEND})(?:\s+(?P<after>{words.NEXT_MARKERS}))?(?![a-z])"
)
_NEXT_WEEK_RE = re.compile(rf"(?<![a-z]){words.NEXT_WEEK}(?![a-z])")
_GREETING_RE = re.compile(rf"(?<![a-z])(?:{words.GREETINGS})(?![a-z])")
_CANT_RE = re.compile(rf"(?<![a-z])(?:{words.CANT})(?![a-z])")
_CANT_AT_END_RE = re.compile(words.CANT_AT_END)
_CLAUSE_RE = re.compile(words.CLAUSE_BREAK)
_SENTENCE_RE = re.compile(r"[.;!?\n]")
_HOURS_BEFORE_RE = re.compile(words.HOURS_BEFORE)
_NOT_DAY_RE = re.compile(words.NOT_A_DAY_AFTER)
_RANGE_BEFORE_RE = re.compile(r"(?<![a-z])(?:de|del|from)\s*$")


@lru_cache(maxsize=8)
def _weekday_re(language: str) -> re.Pattern[str]:
    """Return the weekday pattern for the language (Portuguese also reads "sexta" without "-feira")."""
    names = list(words.WEEKDAYS)
    if language == "pt":
        for i, bare in enumerate(words.PT_BARE_WEEKDAYS):
            names[i] += rf"|{bare}(?!\s+(?:{words.PT_ORDINAL_NOUNS})(?![a-z]))"
    modifiers = rf"(?:(?:{words.ARTICLES}|{words.NEXT_MARKERS}|(?P<this>{words.THIS_MARKERS}))\s+){{0,3}}"
    return re.compile(
        rf"(?<![a-z\d]){modifiers}(?:{_group('w', names)})(?![a-z])(?:\s+(?:{words.NEXT_MARKERS})(?![a-z]))?"
    )


@lru_cache(maxsize=8)
def _part_re(language: str) -> re.Pattern[str]:
    """Return the part-of-day pattern for the language, with one group per table row."""
    rows = words.PARTS + (words.CATALAN_PARTS if language == "ca" else ())
    return re.compile(rf"(?<![a-z])(?:{_group('p', [pattern for _, pattern in rows])})(?![a-z])")


def find_day(text: str, language: str, today: date) -> DayWish | None:
    """Return the day (and part of the day) the message asks for, or None when it names no day.

    today is the store's local date; nothing here reads the clock.
    """
    prepared = prepare(_GREETING_RE.sub(lambda m: " " * len(m.group(0)), fold(clean(text or ""))), language)
    try:
        chosen = _choose(prepared, _candidates(prepared, language, today))
    except (ValueError, OverflowError):
        return None
    if chosen is None or chosen.day is None or chosen.day < today:
        return None
    return DayWish(chosen.day, _part(prepared, language, chosen))


def read_day(text: str, language: str, today: date) -> tuple[date | None, str | None]:
    """Return the day the message names, even a past one, and the part of the day, either may be None.

    Unlike find_day, a part of the day said without a day ("por la tarde") is returned alone.
    """
    prepared = prepare(_GREETING_RE.sub(lambda m: " " * len(m.group(0)), fold(clean(text or ""))), language)
    try:
        chosen = _choose(prepared, _candidates(prepared, language, today))
    except (ValueError, OverflowError):
        chosen = None
    if chosen is None or chosen.day is None:
        return None, _part(prepared, language, _Candidate(0, 0, 0, None))
    return chosen.day, _part(prepared, language, chosen)


def _candidates(text: str, language: str, today: date) -> list[_Candidate]:
    """Return every reading of a day in the prepared text, in no particular order."""
    found: list[_Candidate] = []
    for pattern in (_MONTH_DATE_RE, _MONTH_FIRST_RE):
        for m in pattern.finditer(text):
            found.append(_Candidate(m.start(), m.end(), 3, _dated(today, _index(m, "m") + 1, int(m["d"]), m["y"])))
    for pattern in (_NUMERIC_RE, _ISO_RE):
        found += [c for m in pattern.finditer(text) if (c := _numeric(text, m, language, today))]
    for m in _DAY_OF_MONTH_RE.finditer(text):
        found.append(_Candidate(m.start(), m.end(), 2, _day_of_month(today, int(m["d"]))))
    for m in _RELATIVE_RE.finditer(text):
        offset = words.RELATIVE_DAYS[_index(m, "r")][0]
        found.append(_Candidate(m.start(), m.end(), 1, today + timedelta(days=offset)))
    next_week = _flagged(_SENTENCE_RE, text, _NEXT_WEEK_RE.search)
    for m in _weekday_re(language).finditer(text):
        day = _weekday(today, _index(m, "w"), bool(m["this"]), _inside(next_week, m.start()))
        found.append(_Candidate(m.start(), m.end(), 1, day))
    for m in _WEEKEND_RE.finditer(text):
        found.append(_Candidate(m.start(), m.end(), 1, _weekend(today, bool(m["next"] or m["after"]))))
    return found


def _choose(text: str, found: list[_Candidate]) -> _Candidate | None:
    """Return the first reading not turned down, preferring the most explicit of overlapping ones."""
    refused = _flagged(_CLAUSE_RE, text, lambda clause: _CANT_RE.search(clause) or _CANT_AT_END_RE.search(clause))
    kept = sorted((c for c in found if not _inside(refused, c.start)), key=lambda c: (c.start, -c.end))
    if not kept:
        return None
    overlapping = [c for c in kept if c.start < kept[0].end]
    return max(overlapping, key=lambda c: (c.rank, c.end - c.start))


def _flagged(breaks: re.Pattern[str], text: str, test: Callable[[str], object]) -> list[tuple[int, int]]:
    """Return the (start, end) of each stretch between breaks (clause, sentence) that the test holds for."""
    flagged: list[tuple[int, int]] = []
    start = 0
    for end, after in [(m.start(), m.end()) for m in breaks.finditer(text)] + [(len(text), len(text))]:
        if test(text[start:end]):
            flagged.append((start, end))
        start = after
    return flagged


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Tell whether the position falls in one of the sorted, disjoint spans."""
    i = bisect_right(spans, position, key=lambda span: span[0]) - 1
    return i >= 0 and position <= spans[i][1]


def _numeric(text: str, m: re.Match[str], language: str, today: date) -> _Candidate | None:
    """Return the reading of "15/3", "15-03", "15.03.2027" or "2027-03-15", or None when it is no date."""
    first, second, sep, year = int(m["a"]), int(m["b"]), m.groupdict().get("sep", "-"), m["y"]
    before = text[max(0, m.start() - 12) : m.start()]
    if not year and (sep == "." or (sep == "-" and (len(m["b"]) < 2 or _RANGE_BEFORE_RE.search(before)))):
        return None  # "12.5 m2", "3-4 semanas", "de 10-12": decimals and ranges, not dates
    if m.group(0) == "24/7" or _NOT_DAY_RE.match(text, m.end()) or _HOURS_BEFORE_RE.search(before):
        return None  # "24/7", "1/2 hora", "a las 10/11": not days
    day, month = (first, second)
    if language == "en" and m.re is _NUMERIC_RE and second > 12 >= first:
        day, month = second, first
    return _Candidate(m.start(), m.end(), 3, _dated(today, month, day, year))


def _dated(today: date, month: int, day: int, year: str | None) -> date | None:
    """Return the date, in the given year or else the next year it exists and is not past."""
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _valid(full, month, day)
    recent = _valid(today.year, month, day) or _valid(today.year - 1, month, day)
    if recent and recent > today:
        recent = _valid(today.year - 1, month, day)
    if recent and 0 < (today - recent).days <= RECENT_PAST_DAYS:
        return recent
    for ahead in range(9):  # a 29th of February may be up to eight years away
        candidate = _valid(today.year + ahead, month, day)
        if candidate and candidate >= today:
            return candidate
    return None


def _day_of_month(today: date, day: int) -> date | None:
    """Return the next date on or after today that falls on that day of the month."""
    year, month = today.year, today.month
    for _ in range(12):
        candidate = _valid(year, month, day)
        if candidate and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _valid(year: int, month: int, day: int) -> date | None:
    """Return the date, or None when no such day exists."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(today: date, target: int, this: bool, next_week: bool) -> date:
    """Return the date of the weekday by the rules in the module docstring."""
    if next_week:
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + target)
    ahead = (target - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead or this else 7)


def _weekend(today: date, coming: bool) -> date:
    """Return the Saturday of "this weekend" (today when already in it) or of "next weekend"."""
    if today.weekday() >= 5 and not coming:
        return today
    return _weekday(today, 5, this=False, next_week=False)


def _part(text: str, language: str, chosen: _Candidate) -> str | None:
    """Return the part of the day said nearest after the chosen day, else the last one before it."""
    rows = words.PARTS + (words.CATALAN_PARTS if language == "ca" else ())
    spans = [(m.start(), rows[_index(m, "p")][0]) for m in _part_re(language).finditer(text)]
    after = [label for start, label in spans if start >= chosen.start]
    before = [label for start, label in spans if start < chosen.start]
    return after[0] if after else (before[-1] if before else None)
