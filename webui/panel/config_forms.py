"""The settings pages' forms turned into configuration payloads (and the values a form starts with).

Forms carry only what a store owner edits; everything else of the current payload is kept as it
is, so a form never drops a setting it does not show (the raw JSON page edits those). The
configuration services validate the result; the checks here only turn form text into numbers and
times and say, in the panel's language, what cannot be read.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from appliance.configs.schemas import WEEKDAYS
from appliance.core.scoring import FACTORS
from webui.ui.daytime import read_clock, read_day

LANGUAGES = ("es", "ca", "pt", "en")
OPENING_ROWS = 3  # opening intervals shown per weekday (more are kept when a store has them)
Problems = list[dict[str, str]]
Form = Mapping[str, str]
# A form sent back with its problems is a page like any other (200): the browser would report an
# error status as a failed load in its console, and the problems are already on the page.
FORM_PROBLEMS = 200


def _text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def _rows(form: Form, name: str, default: int, cap: int) -> int:
    # How many rows of a repeated group the page sent (a hidden field: anything odd means the default).
    raw = _text(form, name)
    return min(int(raw), cap) if raw.isdigit() else default


def _whole(form: Form, name: str, problems: Problems, label: str) -> int | None:
    raw = _text(form, name)
    try:
        return int(raw)
    except ValueError:
        problems.append({"path": name, "message": _("%(field)s must be a whole number.", field=label)})
        return None


# --- widget & branding ------------------------------------------------------------------------------


def branding_from_form(form: Form, current: dict[str, Any]) -> dict[str, Any]:
    """Return the branding payload the widget form describes (logo and unknown keys kept)."""
    payload = copy.deepcopy(current)
    payload["store_name"] = _text(form, "store_name") or None
    payload["colors"] = {"primary": _text(form, "primary").lower(), "text": _text(form, "text_color").lower()}
    payload["position"] = _text(form, "position") or "right"
    payload["greeting"] = {lang: text for lang in LANGUAGES if (text := _text(form, f"greeting_{lang}"))}
    payload["address"] = _text(form, "address") or None
    payload["phone"] = _text(form, "phone") or None
    if form.get("remove_logo"):
        payload["logo_url"] = None
    return payload


def opening_from_form(form: Form, current: dict[str, Any]) -> dict[str, Any]:
    """Return the widget payload: whether the chat opens by itself, and after how many seconds."""
    payload = copy.deepcopy(current)
    payload["open_on_load"] = bool(form.get("open_on_load"))
    delay = _text(form, "open_delay_seconds")
    payload["open_delay_seconds"] = int(delay) if delay.isdigit() else delay or 0
    return payload


def texts_from_form(form: Form, current: dict[str, Any]) -> dict[str, Any]:
    """Return the texts payload (tone and length per language, the closing); own texts are kept."""
    payload = copy.deepcopy(current)
    payload["tone"] = {lang: _text(form, f"tone_{lang}") or "informal" for lang in LANGUAGES}
    payload["length"] = {lang: _text(form, f"length_{lang}") or "normal" for lang in LANGUAGES}
    payload["closing"] = _text(form, "closing") or "book_visit"
    return payload


# --- scoring and retention --------------------------------------------------------------------------


def scoring_from_form(form: Form, current: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """Return the scoring payload with the form's weights and thresholds, and what could not be read."""
    problems: Problems = []
    payload = copy.deepcopy(current)
    payload["weights"] = {f: _whole(form, f"weight_{f}", problems, factor_label(f)) for f in FACTORS}
    limits = {t: _whole(form, f"threshold_{t}", problems, temperature_label(t)) for t in ("warm", "hot", "premium")}
    payload["temperatures"] = limits
    weights = [w for w in payload["weights"].values() if w is not None]
    if len(weights) == len(FACTORS) and sum(weights) != 100:
        problems.append({"path": "weights", "message": weights_message(sum(weights))})
    return payload, problems


def weights_message(total: int) -> str:
    """Say that the weights must add up to 100, and what they add up to now."""
    return _("The weights add up to %(total)s%%. They must add up to exactly 100%%.", total=total)


def factor_label(factor: str) -> str:
    """Return a factor's name in the panel's language."""
    names = {
        "budget": _("Budget"),
        "urgency": _("Urgency"),
        "area": _("Size (m²)"),
        "style": _("Style"),
        "origin": _("Channel"),
    }
    return names[factor]


def temperature_label(name: str) -> str:
    """Return a temperature's name in the panel's language."""
    return {"warm": _("Warm from"), "hot": _("Hot from"), "premium": _("Premium from")}[name]


def retention_from_form(form: Form) -> tuple[dict[str, Any], Problems]:
    """Return the retention payload (days) and what could not be read."""
    problems: Problems = []
    labels = {
        "conversations_days": _("Conversations"),
        "leads_days": _("Leads"),
        "appointments_days": _("Appointments"),
        "attachments_days": _("Photos and plans without a lead"),
        "lead_files_days": _("Photos and plans of leads"),
    }
    payload = {name: _whole(form, name, problems, label) for name, label in labels.items()}
    return payload, problems


# --- agenda -----------------------------------------------------------------------------------------


def agenda_from_form(form: Form, current: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """Return the agenda payload the form describes and what could not be read."""
    problems: Problems = []
    payload = copy.deepcopy(current)
    payload["timezone"] = _text(form, "timezone") or current.get("timezone", "Europe/Madrid")
    slot = _whole(form, "slot_minutes", problems, _("Time between appointments"))
    payload["slot_minutes"] = slot
    payload["min_notice_minutes"] = _notice_minutes(form, problems)
    payload["max_days_ahead"] = _whole(form, "max_days_ahead", problems, _("How far ahead"))
    payload["weekly"] = {day: _day_hours(form, day, problems) for day in WEEKDAYS}
    payload["holidays"] = _holidays(form, problems)
    payload["closures"] = _closures(form, payload["timezone"], problems)
    payload["services"] = _services(form, current.get("services") or [], problems)
    return payload, problems


def _notice_minutes(form: Form, problems: Problems) -> int | None:
    raw = _text(form, "min_notice_hours").replace(",", ".")
    try:
        return round(float(raw) * 60)
    except ValueError:
        problems.append({"path": "min_notice_hours", "message": _("The notice must be a number of hours.")})
        return None


def _day_hours(form: Form, day: str, problems: Problems) -> list[list[str]]:
    spans = []
    for i in range(_rows(form, f"{day}_rows", OPENING_ROWS, 12)):
        opens, closes = _text(form, f"{day}_open_{i}"), _text(form, f"{day}_close_{i}")
        if not opens and not closes:
            continue
        if not opens or not closes:
            message = _("%(day)s: give both the opening and the closing time.", day=weekday_name(day))
            problems.append({"path": f"weekly.{day}", "message": message})
            continue
        clocks = read_clock(opens), read_clock(closes)
        if None in clocks:
            message = _("%(day)s: write times on the 24-hour clock, like 09:30 or 17:00.", day=weekday_name(day))
            problems.append({"path": f"weekly.{day}", "message": message})
            continue
        spans.append(list(clocks))
    return sorted(spans)


def _holidays(form: Form, problems: Problems) -> list[str]:
    found = []
    for line in (form.get("holidays") or "").split():
        day = read_day(line.strip(",;"))
        if day is None:
            message = _("%(value)s is not a day like 25/12/2026.", value=line)
            problems.append({"path": "holidays", "message": message})
        else:
            found.append(day.isoformat())
    return sorted(set(found))


def _closures(form: Form, zone: str, problems: Problems) -> list[dict[str, str]]:
    """Read closures given as whole days (first and last day closed), keeping untouched ones as they were."""
    found = []
    for i in range(_rows(form, "closure_rows", 0, 50)):
        typed = _text(form, f"closure_start_{i}"), _text(form, f"closure_end_{i}")
        if not typed[0] and not typed[1]:
            continue
        first, last = read_day(typed[0]), read_day(typed[1] or typed[0])
        if first is None or last is None:
            problems.append({"path": "closures", "message": _("Give closures as days like 10/08/2026.")})
            continue
        original = (_text(form, f"closure_original_start_{i}"), _text(form, f"closure_original_end_{i}"))
        if original[0] and closure_days(original, zone) == (first.isoformat(), last.isoformat()):
            found.append({"start": original[0], "end": original[1]})
            continue
        try:
            found.append(whole_days(first, last, zone))
        except (ValueError, KeyError):
            problems.append({"path": "closures", "message": _("Give closures as days like 10/08/2026.")})
    return found


def whole_days(first: date, last: date, zone: str) -> dict[str, str]:
    """Return a closure from the start of ``first`` to the end of ``last``, in the store's time zone."""
    tz = _zone(zone)
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return {"start": start.isoformat(), "end": end.isoformat()}


def closure_days(closure: tuple[str, str], zone: str) -> tuple[str, str]:
    """Return the first and last day a stored closure covers, in the store's time zone."""
    tz = _zone(zone)
    start = datetime.fromisoformat(closure[0]).astimezone(tz)
    end = datetime.fromisoformat(closure[1]).astimezone(tz)
    last = (end - timedelta(days=1)).date() if end.time() == time(0) and end.date() > start.date() else end.date()
    return start.date().isoformat(), last.isoformat()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A bad zone is reported by the agenda's own validation; the dates still need one.
        return ZoneInfo("Europe/Madrid")


def _services(form: Form, current: list[dict[str, Any]], problems: Problems) -> list[dict[str, Any]]:
    by_id = {s.get("id"): s for s in current}
    kept = []
    for i in range(_rows(form, "service_rows", 0, 20)):
        service_id = _text(form, f"service_id_{i}")
        names = {lang: text for lang in LANGUAGES if (text := _text(form, f"service_name_{lang}_{i}"))}
        if form.get(f"service_remove_{i}") or (not service_id and not names):
            continue
        service = copy.deepcopy(by_id.get(service_id, {}))
        label = names.get("en") or next(iter(names.values()), service_id) or _("New service")
        service["id"] = service_id or _new_id(label, [s["id"] for s in kept] + list(by_id))
        service["name"] = names
        service["duration_minutes"] = _whole(form, f"service_duration_{i}", problems, _("Length of %(s)s", s=label))
        service["capacity"] = _whole(form, f"service_capacity_{i}", problems, _("At the same time (%(s)s)", s=label))
        service["location"] = _text(form, f"service_location_{i}") or "showroom"
        buffer = _text(form, f"service_buffer_{i}")
        if buffer or "travel_buffer_minutes" in service:
            name = _("Travel time of %(s)s", s=label)
            service["travel_buffer_minutes"] = _whole(form, f"service_buffer_{i}", problems, name) if buffer else 0
        area = _service_area(form, i)
        if area:
            service["service_area"] = area
        else:
            service.pop("service_area", None)
        kept.append(service)
    return kept


def _service_area(form: Form, i: int) -> dict[str, list[str]] | None:
    """Read the postal codes (whole ones, and the starts of others) a home visit may go to."""
    codes = _listed(form.get(f"service_postcodes_{i}") or "")
    prefixes = _listed(form.get(f"service_prefixes_{i}") or "")
    return {"postal_codes": codes, "prefixes": prefixes} if codes or prefixes else None


def _listed(text: str) -> list[str]:
    # Staff paste lists in every shape: one per line, separated by commas, semicolons or spaces.
    return list(dict.fromkeys(part.strip().upper() for part in re.split(r"[\s,;]+", text) if part.strip()))


def _new_id(label: str, taken: list[str]) -> str:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    base = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:50] or "service"
    base = base if base[0].isalpha() else f"s_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def weekday_name(day: str) -> str:
    """Return a weekday's name in the panel's language."""
    names = {
        "mon": _("Monday"),
        "tue": _("Tuesday"),
        "wed": _("Wednesday"),
        "thu": _("Thursday"),
        "fri": _("Friday"),
        "sat": _("Saturday"),
        "sun": _("Sunday"),
    }
    return names[day]
