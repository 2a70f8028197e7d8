"""What the appointment emails and calendar invites say, in es, ca, pt and en (informal, short, warm).

Pure data and string filling: the callers gather the facts (store, service, local time), this module
only words them. Sentences take named fields:

- ``name``: the customer's first name ("" if unknown); ``store``: the store's name;
- ``service``: the service's name in the language; ``when``: ``flows.summary.when()`` of the local start;
- ``time``: the local start as HH:MM; ``address``: the showroom's address (or the store's name);
- ``bring``: what to bring; ``phone``: the store's phone ("" if unknown).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("es", "ca", "pt", "en")
KINDS = ("invitation", "cancellation", "reminder_24h", "reminder_2h")

SUBJECTS: dict[str, dict[str, str]] = {
    "invitation": {
        "es": "Cita confirmada con {store}",
        "ca": "Cita confirmada amb {store}",
        "pt": "Marcação confirmada com {store}",
        "en": "Your appointment with {store} is confirmed",
    },
    "cancellation": {
        "es": "Cita cancelada con {store}",
        "ca": "Cita cancel·lada amb {store}",
        "pt": "Marcação cancelada com {store}",
        "en": "Your appointment with {store} is cancelled",
    },
    "reminder_24h": {
        "es": "Recordatorio: tu cita con {store}",
        "ca": "Recordatori: la teva cita amb {store}",
        "pt": "Lembrete: a sua marcação com {store}",
        "en": "Reminder: your appointment with {store}",
    },
    "reminder_2h": {
        "es": "Hoy a las {time}: tu cita con {store}",
        "ca": "Avui a les {time}: la teva cita amb {store}",
        "pt": "Hoje às {time}: a sua marcação com {store}",
        "en": "Today at {time}: your appointment with {store}",
    },
}

INTROS: dict[str, dict[str, str]] = {
    "invitation": {
        "es": "¡Listo! Tu cita con {store} está confirmada: {service}.",
        "ca": "Fet! La teva cita amb {store} està confirmada: {service}.",
        "pt": "Está feito! A sua marcação com {store} está confirmada: {service}.",
        "en": "All set! Your appointment with {store} is confirmed: {service}.",
    },
    "cancellation": {
        "es": "Tu cita con {store} ({service}, {when}) se ha cancelado.",
        "ca": "La teva cita amb {store} ({service}, {when}) s'ha cancel·lat.",
        "pt": "A sua marcação com {store} ({service}, {when}) foi cancelada.",
        "en": "Your appointment with {store} ({service}, {when}) has been cancelled.",
    },
    "reminder_24h": {
        "es": "Un recordatorio rápido de tu cita con {store}: {service}.",
        "ca": "Un recordatori ràpid de la teva cita amb {store}: {service}.",
        "pt": "Um lembrete rápido da sua marcação com {store}: {service}.",
        "en": "A quick reminder of your appointment with {store}: {service}.",
    },
    "reminder_2h": {
        "es": "¡Ya queda poco para tu cita con {store}!",
        "ca": "Ja falta poc per a la teva cita amb {store}!",
        "pt": "Falta pouco para a sua marcação com {store}!",
        "en": "Not long now until your appointment with {store}!",
    },
}

GREETINGS = {
    "es": ("¡Hola, {name}!", "¡Hola!"),
    "ca": ("Hola, {name}!", "Hola!"),
    "pt": ("Olá, {name}!", "Olá!"),
    "en": ("Hi {name}!", "Hi!"),
}

AT_SHOWROOM = {
    "es": "Te esperamos el {when} en {address}.",
    "ca": "T'esperem {when} a {address}.",
    "pt": "Esperamos por si {when}, em {address}.",
    "en": "We'll see you on {when} at {address}.",
}

AT_HOME = {
    "es": "Iremos a tu casa el {when}.",
    "ca": "Vindrem a casa teva {when}.",
    "pt": "Vamos a sua casa {when}.",
    "en": "We'll come to you on {when}.",
}
# The same, when the customer gave their street address in the chat.
AT_HOME_ADDRESS = {
    "es": "Iremos a tu casa el {when}: {home_address}.",
    "ca": "Vindrem a casa teva {when}: {home_address}.",
    "pt": "Vamos a sua casa {when}: {home_address}.",
    "en": "We'll come to you on {when}: {home_address}.",
}

BRING_LABEL = {"es": "Qué traer", "ca": "Què portar", "pt": "O que trazer", "en": "What to bring"}
PHONE_LABEL = {"es": "Teléfono", "ca": "Telèfon", "pt": "Telefone", "en": "Phone"}

BRING = {
    "showroom": {
        "es": "fotos de la estancia, medidas aproximadas o un plano, e ideas que te gusten.",
        "ca": "fotos de l'espai, mides aproximades o un plànol, i idees que t'agradin.",
        "pt": "fotografias do espaço, medidas aproximadas ou uma planta, e ideias de que goste.",
        "en": "photos of the room, rough measurements or a floor plan, and any ideas you like.",
    },
    "home": {
        "es": "nada especial; si tienes planos o fotos, tenlos a mano, y ayuda que la zona esté despejada.",
        "ca": "res especial; si tens plànols o fotos, tingues-los a mà, i ajuda que la zona estigui lliure.",
        "pt": "nada de especial; se tiver plantas ou fotografias, tenha-as à mão, e ajuda se a zona estiver livre.",
        "en": "nothing special; if you have plans or photos, keep them handy, and it helps if the area is clear.",
    },
}

HOME_LOCATION = {
    "es": ("Tu domicilio (CP {postal_code})", "Tu domicilio"),
    "ca": ("El teu domicili (CP {postal_code})", "El teu domicili"),
    "pt": ("A sua morada (CP {postal_code})", "A sua morada"),
    "en": ("Your home (postcode {postal_code})", "Your home"),
}

ATTACHED = {
    "es": "Te adjuntamos la invitación para que la guardes en tu calendario.",
    "ca": "T'adjuntem la invitació perquè la desis al teu calendari.",
    "pt": "Segue em anexo o convite para o guardar no seu calendário.",
    "en": "The calendar invite is attached so you can add it to your calendar.",
}

# How to change a booking (or book again): by phone when the store gave one, else through the chat.
CHANGE = {
    "phone": {
        "es": "¿Necesitas cambiarla? Llámanos al {phone}.",
        "ca": "Cal canviar-la? Truca'ns al {phone}.",
        "pt": "Precisa de alterar? Ligue-nos para o {phone}.",
        "en": "Need to change it? Call us on {phone}.",
    },
    "chat": {
        "es": "¿Necesitas cambiarla? Escríbenos por el chat de la web.",
        "ca": "Cal canviar-la? Escriu-nos pel xat del web.",
        "pt": "Precisa de alterar? Escreva-nos pelo chat do site.",
        "en": "Need to change it? Message us through the chat on our website.",
    },
}

REBOOK = {
    "phone": {
        "es": "Si quieres buscar otra fecha, llámanos al {phone}.",
        "ca": "Si vols buscar una altra data, truca'ns al {phone}.",
        "pt": "Se quiser marcar outra data, ligue-nos para o {phone}.",
        "en": "If you'd like another date, call us on {phone}.",
    },
    "chat": {
        "es": "Si quieres buscar otra fecha, escríbenos por el chat de la web.",
        "ca": "Si vols buscar una altra data, escriu-nos pel xat del web.",
        "pt": "Se quiser marcar outra data, escreva-nos pelo chat do site.",
        "en": "If you'd like another date, message us through the chat on our website.",
    },
}

SIGN_OFF = {"es": "¡Hasta pronto!", "ca": "Fins aviat!", "pt": "Até breve!", "en": "See you soon!"}


def supported(language: str | None, fallback: str = "es") -> str:
    """Return ``language`` if the emails speak it, else ``fallback`` (or Spanish)."""
    if language in LANGUAGES:
        return language
    return fallback if fallback in LANGUAGES else "es"


def bring(language: str, home_visit: bool) -> str:
    """Return what the customer should have ready for a showroom or a home visit."""
    return BRING["home" if home_visit else "showroom"][language]


def home_location(language: str, postal_code: str | None, address: str | None = None) -> str:
    """Say where the customer's home is: their street address and postal code, or what is known."""
    if address:
        return f"{address}, {postal_code}" if postal_code and postal_code not in address else address
    with_code, without = HOME_LOCATION[language]
    return with_code.format(postal_code=postal_code) if postal_code else without


def description(language: str, home_visit: bool, phone: str | None) -> str:
    """Return the calendar event's description: what to bring and the store's phone."""
    lines = [f"{BRING_LABEL[language]}: {bring(language, home_visit)}"]
    if phone:
        lines.append(f"{PHONE_LABEL[language]}: {phone}")
    return "\n".join(lines)


def compose(kind: str, language: str, facts: dict[str, Any]) -> tuple[str, str]:
    """Return (subject, plain-text body) of an email of ``kind`` (see KINDS) for ``facts``."""
    subject = SUBJECTS[kind][language].format(**facts)
    blocks = [_greeting(language, facts), "\n".join(_middle(kind, language, facts)), _closing(kind, language, facts)]
    return subject, "\n\n".join(blocks) + "\n"


def _greeting(language: str, facts: dict[str, Any]) -> str:
    with_name, without = GREETINGS[language]
    return with_name.format(**facts) if facts.get("name") else without


def _middle(kind: str, language: str, facts: dict[str, Any]) -> list[str]:
    lines = [INTROS[kind][language].format(**facts)]
    if kind == "cancellation":
        return lines
    place = (AT_HOME_ADDRESS if facts.get("home_address") else AT_HOME) if facts.get("home_visit") else AT_SHOWROOM
    lines.append(place[language].format(**facts))
    lines.append(f"{BRING_LABEL[language]}: {facts['bring']}")
    if kind == "invitation":
        lines.append(ATTACHED[language])
    return lines


def _closing(kind: str, language: str, facts: dict[str, Any]) -> str:
    ways = REBOOK if kind == "cancellation" else CHANGE
    how = ways["phone" if facts.get("phone") else "chat"][language].format(**facts)
    return f"{how}\n{SIGN_OFF[language]}\n{facts['store']}"
