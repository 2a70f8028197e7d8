"""Which staff notification an event makes for one person, what it says, and quiet hours (pure).

A person chooses new leads ("all", "hot" and above, or "off"), appointments (booked, moved,
cancelled) and photos on or off. A lead that becomes hot during the conversation is worth telling
of even after its "new lead" notice, since that is when a store wants to call at once.
"""

from __future__ import annotations

from datetime import time
from typing import Any

HOT = frozenset({"hot", "premium"})
APPOINTMENT_KINDS = {"moved": "appointment_moved", "cancelled": "appointment_cancelled"}
DEFAULT_PREFS: dict[str, Any] = {
    "new_lead": "all",
    "appointments": True,
    "photos": True,
    "email": "immediate",
    "quiet_start": None,
    "quiet_end": None,
}

TITLES: dict[str, dict[str, str]] = {
    "new_lead": {
        "es": "Nuevo contacto ({temperature})",
        "ca": "Nou contacte ({temperature})",
        "pt": "Novo contacto ({temperature})",
        "en": "New lead ({temperature})",
    },
    "hot_lead": {
        "es": "Contacto caliente: {score} puntos",
        "ca": "Contacte calent: {score} punts",
        "pt": "Contacto quente: {score} pontos",
        "en": "Hot lead: {score} points",
    },
    "appointment_booked": {
        "es": "Cita reservada: {start}",
        "ca": "Cita reservada: {start}",
        "pt": "Marcação feita: {start}",
        "en": "Appointment booked: {start}",
    },
    "appointment_moved": {
        "es": "Cita cambiada: {start}",
        "ca": "Cita canviada: {start}",
        "pt": "Marcação alterada: {start}",
        "en": "Appointment moved: {start}",
    },
    "appointment_cancelled": {
        "es": "Cita cancelada: {start}",
        "ca": "Cita cancel·lada: {start}",
        "pt": "Marcação cancelada: {start}",
        "en": "Appointment cancelled: {start}",
    },
    "lead_photos": {
        "es": "Un contacto ha enviado fotos",
        "ca": "Un contacte ha enviat fotos",
        "pt": "Um contacto enviou fotos",
        "en": "A lead sent photos",
    },
}
TEMPERATURES = {
    "cold": {"es": "frío", "ca": "fred", "pt": "frio", "en": "cold"},
    "warm": {"es": "templado", "ca": "tebi", "pt": "morno", "en": "warm"},
    "hot": {"es": "caliente", "ca": "calent", "pt": "quente", "en": "hot"},
    "premium": {"es": "prémium", "ca": "prèmium", "pt": "premium", "en": "premium"},
}
DIGEST_SUBJECT = {
    "es": "{store}: {count} novedades",
    "ca": "{store}: {count} novetats",
    "pt": "{store}: {count} novidades",
    "en": "{store}: {count} updates",
}
OPEN_LINE = {"es": "Ver en el panel", "ca": "Veure al tauler", "pt": "Ver no painel", "en": "Open in the panel"}
FOOTER = {
    "es": "Puedes cambiar qué avisos recibes en {url}",
    "ca": "Pots canviar quins avisos reps a {url}",
    "pt": "Pode mudar os avisos que recebe em {url}",
    "en": "You can change which notices you get at {url}",
}


def notice_kind(name: str, data: dict[str, Any], prefs: dict[str, Any]) -> str | None:
    """Return the kind of notification event ``name`` makes for a person with ``prefs``, or None."""
    lead = data.get("lead") or {}
    if name == "lead.created":
        if prefs["new_lead"] == "all":
            return "new_lead"
        return "hot_lead" if prefs["new_lead"] == "hot" and lead.get("temperature") in HOT else None
    if name == "lead.updated":
        became_hot = lead.get("temperature") in HOT and data.get("previous_temperature") not in HOT
        return "hot_lead" if prefs["new_lead"] != "off" and became_hot else None
    if name == "lead.photos_added":
        return "lead_photos" if prefs["photos"] else None
    if not prefs["appointments"]:
        return None
    if name == "appointment.booked":
        return "appointment_booked"
    if name == "appointment.changed":
        return APPOINTMENT_KINDS.get(str(data.get("change")))
    return None


def title(kind: str, language: str, facts: dict[str, Any]) -> str:
    """Return the notification's one-line text in ``language`` (English if unknown)."""
    words = TITLES[kind]
    temperature = TEMPERATURES.get(str(facts.get("temperature")), {})
    values = {
        "temperature": temperature.get(language, facts.get("temperature") or ""),
        "score": facts.get("score") if facts.get("score") is not None else "",
        "start": facts.get("start") or "",
    }
    return words.get(language, words["en"]).format(**values)


def in_quiet_hours(local: time, start: str | None, end: str | None) -> bool:
    """Tell whether the local time falls in quiet hours ``start``-``end`` ("HH:MM"; may span midnight)."""
    if not start or not end or start == end:
        return False
    begins, ends = time.fromisoformat(start), time.fromisoformat(end)
    if begins < ends:
        return begins <= local < ends
    return local >= begins or local < ends


def text(table: dict[str, str], language: str) -> str:
    """Return the text of ``table`` in ``language``, English if the language is unknown."""
    return table.get(language, table["en"])
