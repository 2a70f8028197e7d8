"""How a conversation ends when the visitor refuses consent: politely, with what the store offers
that needs no personal data (its phone, opening hours and address), and without asking anything more.

Pure. The engine calls ``refuses_contact`` after storing a consent answer, for every store's flow:
without consent to keep contact details there is no lead to prepare, so asking about the project
would only take the visitor's time. The store's details come from the turn's ``Context.store``
(``phone`` and ``address`` from its branding, ``weekly`` from its agenda).
"""

from __future__ import annotations

from typing import Any

from appliance.core.flows.schema import ButtonsBlock, Question
from appliance.core.flows.texts import fill

# Each sentence of the ending, informal then formal, in the order they are said; a sentence whose
# placeholder the store has not set is left out.
PARTS: dict[str, dict[str, tuple[str, str]]] = {
    "refused": {
        "es": ("Entendido: no guardaremos ningún dato tuyo.", "Entendido: no guardaremos ningún dato suyo."),
        "ca": ("Entesos: no guardarem cap dada teva.", "Entesos: no guardarem cap dada seva."),
        "pt": ("Entendido: não guardaremos nenhum dado seu.", "Compreendido: não guardaremos quaisquer dados seus."),
        "en": ("Understood: we won't keep any of your details.", "Understood: we will not keep any of your details."),
    },
    "phone": {
        "es": ("Si quieres, llámanos al {phone}.", "Si lo desea, puede llamarnos al {phone}."),
        "ca": ("Si vols, truca'ns al {phone}.", "Si ho desitja, pot trucar-nos al {phone}."),
        "pt": ("Se quiser, ligue-nos para o {phone}.", "Se o desejar, poderá contactar-nos pelo {phone}."),
        "en": ("If you like, call us on {phone}.", "Should you wish, you are welcome to call us on {phone}."),
    },
    "address": {
        "es": ("Estamos en {address}.", "Nos encontrará en {address}."),
        "ca": ("Som a {address}.", "Ens trobarà a {address}."),
        "pt": ("Estamos em {address}.", "Encontramo-nos em {address}."),
        "en": ("You'll find us at {address}.", "You will find us at {address}."),
    },
    "hours": {
        "es": ("Horario: {hours}.", "Nuestro horario: {hours}."),
        "ca": ("Horari: {hours}.", "El nostre horari: {hours}."),
        "pt": ("Horário: {hours}.", "O nosso horário: {hours}."),
        "en": ("Opening hours: {hours}.", "Our opening hours: {hours}."),
    },
    "thanks": {
        "es": ("¡Gracias por tu visita!", "Muchas gracias por su visita."),
        "ca": ("Gràcies per la visita!", "Moltes gràcies per la seva visita."),
        "pt": ("Obrigado pela visita!", "Muito obrigado pela sua visita."),
        "en": ("Thanks for stopping by!", "Thank you very much for your visit."),
    },
}

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "ca": ("dilluns", "dimarts", "dimecres", "dijous", "divendres", "dissabte", "diumenge"),
    "pt": ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# "Monday to Friday", and the word that joins a day's two intervals.
WORDS = {"es": ("a", "y"), "ca": ("a", "i"), "pt": ("a", "e"), "en": ("to", "and")}


def refuses_contact(block: Question, variables: dict[str, Any]) -> bool:
    """Tell whether ``block`` asked consent to keep contact details and the answer just stored refuses it."""
    if not isinstance(block, ButtonsBlock) or block.consent is None or block.consent.purpose != "lead_contact":
        return False
    return variables.get(block.variable or block.id) != block.consent.grant_option


def refusal_text(store: dict[str, Any], language: str, formal: bool) -> str:
    """Return the last message after a refusal, in ``language``: nothing kept, and how to reach the store."""
    values = {
        # A phone number is not broken across lines.
        "phone": (store.get("phone") or "").replace(" ", "\u00a0"),
        "address": store.get("address"),
        "hours": opening_hours(store.get("weekly") or {}, language),
    }
    lang = language if language in PARTS["refused"] else "en"
    sentences = []
    for part, texts in PARTS.items():
        needs = part if part in values else None
        if needs and not values[needs]:
            continue
        sentences.append(fill(texts[lang][1 if formal else 0], values))
    # One line each: the way to reach the store reads as a short list in the widget and on WhatsApp.
    return "\n".join(sentences)


def opening_hours(weekly: dict[str, Any], language: str) -> str:
    """Return the weekly opening hours in words, days with the same hours together:
    "lunes a viernes 9:30–14:00 y 16:30–20:00; sábado 10:00–14:00" ("" when none are set)."""
    lang = language if language in DAY_NAMES else "en"
    names, (until, also) = DAY_NAMES[lang], WORDS[lang]
    runs: list[tuple[int, int, str]] = []
    for index, day in enumerate(DAYS):
        spans = f" {also} ".join(f"{_clock(opens)}–{_clock(closes)}" for opens, closes in weekly.get(day) or [])
        if runs and runs[-1][2] == spans and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, spans)
        else:
            runs.append((index, index, spans))
    said = []
    for first, last, spans in runs:
        if not spans:
            continue
        days = names[first] if first == last else f"{names[first]} {until} {names[last]}"
        said.append(f"{days} {spans}")
    return "; ".join(said)


def _clock(hhmm: str) -> str:
    """Return "09:30" as "9:30": how opening hours are written in every language the bot speaks."""
    return hhmm[1:] if hhmm.startswith("0") and len(hhmm) == 5 else hhmm
