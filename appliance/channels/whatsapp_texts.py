"""The few words the WhatsApp channel says itself (list buttons, skip, short dates), in every language."""

from __future__ import annotations

from datetime import datetime

TEXTS: dict[str, dict[str, str]] = {
    "see_options": {"es": "Ver opciones", "ca": "Veure opcions", "pt": "Ver opções", "en": "See options"},
    "see_times": {"es": "Ver horas", "ca": "Veure hores", "pt": "Ver horários", "en": "See times"},
    "free_times": {"es": "Horas libres", "ca": "Hores lliures", "pt": "Horários livres", "en": "Free times"},
    "options": {"es": "Opciones", "ca": "Opcions", "pt": "Opções", "en": "Options"},
    "skip": {"es": "Saltar", "ca": "Ometre", "pt": "Saltar", "en": "Skip"},
    "media_refused": {
        "es": "No he podido recibir ese archivo. Envía una foto (JPG o PNG) o un PDF de hasta 5 MB, por favor.",
        "ca": "No he pogut rebre aquest fitxer. Envia una foto (JPG o PNG) o un PDF de fins a 5 MB, si us plau.",
        "pt": "Não consegui receber esse ficheiro. Envie uma foto (JPG ou PNG) ou um PDF até 5 MB, por favor.",
        "en": "I couldn't receive that file. Please send a photo (JPG or PNG) or a PDF of up to 5 MB.",
    },
}
WEEKDAYS = {
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
    "ca": ("dl.", "dt.", "dc.", "dj.", "dv.", "ds.", "dg."),
    "pt": ("seg", "ter", "qua", "qui", "sex", "sáb", "dom"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def say(key: str, language: str) -> str:
    """Return the channel's sentence ``key`` in ``language`` (English when the language is unknown)."""
    texts = TEXTS[key]
    return texts.get(language) or texts["en"]


def short_slot(start: str, language: str) -> str:
    """Return a slot's start as a list row shows it (at most 24 characters): "mar 08/12 · 10:00"."""
    moment = datetime.fromisoformat(start)
    day = WEEKDAYS.get(language, WEEKDAYS["en"])[moment.weekday()]
    return f"{day} {moment:%d/%m} · {moment:%H:%M}"
