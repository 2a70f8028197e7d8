"""What the bot says on its own about dates, times and home visits (merged into texts.SYSTEM).

Kept apart from texts.py so the sentences of booking live beside each other; same placeholders and
the same formal-override rule as texts_formal.
"""

from __future__ import annotations

BOOKING_TEXTS: dict[str, dict[str, str]] = {
    "wish_slots": {
        "es": "Estas son las horas libres más cercanas a lo que pides:",
        "ca": "Aquestes són les hores lliures més properes al que demanes:",
        "pt": "Estes são os horários livres mais próximos do que pediu:",
        "en": "These are the free times closest to what you asked for:",
    },
    "nearest_days": {
        "es": "Ese día no nos queda hueco a esa hora. Te propongo las horas libres más cercanas:",
        "ca": "Aquell dia no ens queda lloc a aquella hora. Et proposo les hores lliures més properes:",
        "pt": "Nesse dia já não temos vaga a essa hora. Proponho os horários livres mais próximos:",
        "en": "We have nothing free at that time that day. Here are the closest free times:",
    },
    "past_day": {
        "es": "Esa fecha ya ha pasado. Te propongo las horas libres más cercanas:",
        "ca": "Aquesta data ja ha passat. Et proposo les hores lliures més properes:",
        "pt": "Essa data já passou. Proponho os horários livres mais próximos:",
        "en": "That date has already passed. Here are the closest free times:",
    },
    "past_time": {
        "es": "Esa hora de hoy ya ha pasado. Te propongo las horas libres más cercanas:",
        "ca": "Aquesta hora d'avui ja ha passat. Et proposo les hores lliures més properes:",
        "pt": "Essa hora de hoje já passou. Proponho os horários livres mais próximos:",
        "en": "That time today has already passed. Here are the closest free times:",
    },
    "no_slots_soon": {
        "es": "Ahora mismo no tenemos horas libres en las próximas semanas. Lo anotamos y te contactaremos para buscar una fecha.",
        "ca": "Ara mateix no tenim hores lliures les properes setmanes. Ho anotem i et contactarem per buscar una data.",
        "pt": "De momento não temos horários livres nas próximas semanas. Fica anotado e entraremos em contacto para marcar uma data.",
        "en": "We have no free times in the coming weeks right now. We've noted it and will contact you to find a date.",
    },
    "call_us": {
        "es": "Si lo prefieres, llámanos al {phone}.",
        "ca": "Si ho prefereixes, truca'ns al {phone}.",
        "pt": "Se preferir, ligue-nos para o {phone}.",
        "en": "If you prefer, call us on {phone}.",
    },
    "not_address": {
        "es": "Necesito tu dirección completa para ir a medir: calle, número, piso y población. Por ejemplo: Calle Mayor 12, 3º B, Valencia.",
        "ca": "Necessito la teva adreça completa per venir a prendre mides: carrer, número, pis i població. Per exemple: Carrer Major 12, 3r 2a, València.",
        "pt": "Preciso da morada completa para irmos medir: rua, número, andar e localidade. Por exemplo: Rua Augusta 120, 2.º Esq., Lisboa.",
        "en": "I need the full address to come and measure: street, number, floor and town. For example: 12 High Street, Flat 3, Valencia.",
    },
    "not_postal_code": {
        "es": "Ese código postal no parece válido. Escríbelo así: {example}.",
        "ca": "Aquest codi postal no sembla vàlid. Escriu-lo així: {example}.",
        "pt": "Esse código postal não parece válido. Escreva-o assim: {example}.",
        "en": "That postcode doesn't look valid. Please write it like this: {example}.",
    },
}

BOOKING_FORMAL: dict[str, dict[str, str]] = {
    "wish_slots": {
        "es": "Estas son las horas libres más cercanas a lo que nos pide:",
        "ca": "Aquestes són les hores lliures més properes al que ens demana:",
        "en": "These are the free times closest to what you have asked for:",
    },
    "nearest_days": {
        "es": "Ese día no nos queda hueco a esa hora. Le propongo las horas libres más cercanas:",
        "ca": "Aquell dia no ens queda lloc a aquella hora. Li proposo les hores lliures més properes:",
        "en": "We have nothing free at that time on that day. These are the closest free times:",
    },
    "past_day": {
        "es": "Esa fecha ya ha pasado. Le propongo las horas libres más cercanas:",
        "ca": "Aquesta data ja ha passat. Li proposo les hores lliures més properes:",
    },
    "past_time": {
        "es": "Esa hora de hoy ya ha pasado. Le propongo las horas libres más cercanas:",
        "ca": "Aquesta hora d'avui ja ha passat. Li proposo les hores lliures més properes:",
    },
    "no_slots_soon": {
        "es": "En este momento no tenemos horas libres en las próximas semanas. Lo anotamos y nos pondremos en contacto con usted para buscar una fecha.",
        "ca": "En aquest moment no tenim hores lliures les properes setmanes. Ho anotem i ens posarem en contacte amb vostè per buscar una data.",
        "en": "We have no free times in the coming weeks at the moment. We have noted it and will contact you to find a date.",
    },
    "call_us": {
        "es": "Si lo prefiere, llámenos al {phone}.",
        "ca": "Si ho prefereix, truqui'ns al {phone}.",
        "en": "If you prefer, you can call us on {phone}.",
    },
    "not_address": {
        "es": "Necesito su dirección completa para ir a medir: calle, número, piso y población. Por ejemplo: Calle Mayor 12, 3º B, Valencia.",
        "ca": "Necessito la seva adreça completa per venir a prendre mides: carrer, número, pis i població. Per exemple: Carrer Major 12, 3r 2a, València.",
    },
    "not_postal_code": {
        "es": "Ese código postal no parece válido. ¿Podría escribirlo así: {example}?",
        "ca": "Aquest codi postal no sembla vàlid. El podria escriure així: {example}?",
        "pt": "Esse código postal não parece válido. Poderia escrevê-lo assim: {example}?",
        "en": "That postcode does not look valid. Could you write it like this: {example}?",
    },
}
