"""What the bot says on its own (not written in the flow): re-asks, and the words of summaries."""

from __future__ import annotations

import re
from typing import Any

from appliance.core.flows.texts_booking import BOOKING_FORMAL, BOOKING_TEXTS
from appliance.core.flows.texts_formal import FORMAL_OVERRIDES

SYSTEM: dict[str, dict[str, str]] = {
    "choose_option": {
        "es": "Perdona, no lo he entendido. ¿Puedes elegir una de las opciones?",
        "ca": "Perdona, no ho he entès. Pots triar una de les opcions?",
        "pt": "Desculpe, não percebi. Pode escolher uma das opções?",
        "en": "Sorry, I didn't catch that. Could you pick one of the options?",
    },
    # Free text that names no option, several, or no name; "I don't know"; details already given.
    "choose_from": {
        "es": "Perdona, no lo he entendido. Puedes elegir {options}.",
        "ca": "Perdona, no ho he entès. Pots triar {options}.",
        "pt": "Desculpe, não percebi. Pode escolher {options}.",
        "en": "Sorry, I didn't catch that. You can choose {options}.",
    },
    "which_option": {
        "es": "¿Cuál de estas prefieres: {options}?",
        "ca": "Quina d'aquestes prefereixes: {options}?",
        "pt": "Qual destas prefere: {options}?",
        "en": "Which of these do you mean: {options}?",
    },
    # Moderation flagged the visitor's text: it goes to no model, and the same question is asked again.
    "flagged": {
        "es": "Prefiero que hablemos solo de tu proyecto, con respeto. Te vuelvo a preguntar:",
        "ca": "Prefereixo que parlem només del teu projecte, amb respecte. T'ho torno a preguntar:",
        "pt": "Prefiro que falemos só do seu projeto, com respeito. Volto a perguntar:",
        "en": "I'd rather we kept to your project, kindly. Let me ask again:",
    },
    "not_a_name": {
        "es": "Solo necesito tu nombre para saber cómo llamarte, por ejemplo «Laura García». ¿Cómo te llamas?",
        "ca": "Només necessito el teu nom per saber com dir-te, per exemple «Laura Garcia». Com et dius?",
        "pt": "Só preciso do seu nome, por exemplo «Ana Sousa». Como se chama?",
        "en": "I just need your name, for example “Tom Baker”. What should I call you?",
    },
    "dont_know": {
        "es": "No pasa nada si no lo sabes seguro: una respuesta aproximada, o la opción que más se acerque, me basta para seguir.",
        "ca": "No passa res si no ho saps segur: una resposta aproximada, o l'opció que més s'hi acosti, em basta per continuar.",
        "pt": "Não faz mal se não souber ao certo: uma resposta aproximada, ou a opção mais próxima, chega para continuar.",
        "en": "No problem if you're not sure: a rough answer, or the closest option, is enough to go on.",
    },
    "known_name": {
        "es": "Te tengo apuntado como {value}.",
        "ca": "T'he apuntat com a {value}.",
        "pt": "Tenho o seu nome como {value}.",
        "en": "I have your name down as {value}.",
    },
    "known_email": {
        "es": "Te escribiremos a {value}.",
        "ca": "T'escriurem a {value}.",
        "pt": "Vamos escrever-lhe para {value}.",
        "en": "We'll write to you at {value}.",
    },
    "known_phone": {
        "es": "Te contactaremos en el {value}.",
        "ca": "Et contactarem al {value}.",
        "pt": "Vamos contactá-lo pelo {value}.",
        "en": "We'll contact you on {value}.",
    },
    "known_contact": {
        "es": "Ya tengo tu dato: {value}.",
        "ca": "Ja tinc la teva dada: {value}.",
        "pt": "Já tenho esse dado: {value}.",
        "en": "I already have it: {value}.",
    },
    "phone_ambiguous": {
        "es": "Ese número existe en más de un país. ¿Me lo escribes con el prefijo ({prefixes})?",
        "ca": "Aquest número existeix a més d'un país. Me l'escrius amb el prefix ({prefixes})?",
        "pt": "Esse número existe em mais de um país. Pode escrevê-lo com o indicativo ({prefixes})?",
        "en": "That number exists in more than one country. Could you write it with the country code ({prefixes})?",
    },
    "required": {
        "es": "Necesito esta respuesta para seguir. ¿Me la escribes?",
        "ca": "Necessito aquesta resposta per continuar. Me l'escrius?",
        "pt": "Preciso desta resposta para continuar. Pode escrevê-la?",
        "en": "I need this answer to go on. Could you type it?",
    },
    "too_long": {
        "es": "Es un poco largo. ¿Puedes resumirlo en menos de {max} caracteres?",
        "ca": "És una mica llarg. Ho pots resumir en menys de {max} caràcters?",
        "pt": "É um pouco longo. Pode resumir em menos de {max} caracteres?",
        "en": "That's a bit long. Could you keep it under {max} characters?",
    },
    "not_a_number": {
        "es": "Escríbeme solo el número, por ejemplo 12.",
        "ca": "Escriu-me només el número, per exemple 12.",
        "pt": "Escreva só o número, por exemplo 12.",
        "en": "Just the number, please — for example 12.",
    },
    "number_range": {
        "es": "Tiene que estar entre {min} y {max}{unit}.",
        "ca": "Ha d'estar entre {min} i {max}{unit}.",
        "pt": "Tem de estar entre {min} e {max}{unit}.",
        "en": "It needs to be between {min} and {max}{unit}.",
    },
    "not_email": {
        "es": "Ese correo no parece correcto. ¿Lo revisas? Por ejemplo: nombre@gmail.com",
        "ca": "Aquest correu no sembla correcte. El revises? Per exemple: nom@gmail.com",
        "pt": "Esse e-mail não parece correto. Pode verificar? Por exemplo: nome@gmail.com",
        "en": "That email doesn't look right. Could you check it? For example: name@gmail.com",
    },
    "not_phone": {
        "es": "No reconozco ese teléfono. Escríbelo con prefijo si no es español, p. ej. +351 912 345 678.",
        "ca": "No reconec aquest telèfon. Escriu-lo amb prefix si no és espanyol, p. ex. +351 912 345 678.",
        "pt": "Não reconheço esse telefone. Escreva-o com o indicativo, p. ex. +351 912 345 678.",
        "en": "I don't recognise that phone number. Please include the country code, e.g. +34 612 345 678.",
    },
    "pick_slot": {
        "es": "Elige una de las horas disponibles, por favor.",
        "ca": "Tria una de les hores disponibles, si us plau.",
        "pt": "Escolha um dos horários disponíveis, por favor.",
        "en": "Please pick one of the available times.",
    },
    "slot_unavailable": {
        "es": "Esa hora ya no está disponible. Te propongo estas:",
        "ca": "Aquesta hora ja no està disponible. Et proposo aquestes:",
        "pt": "Esse horário já não está disponível. Proponho estes:",
        "en": "That time is no longer available. Here are the free ones:",
    },
    "slot_taken": {
        "es": "Vaya, esa hora se acaba de reservar. Te propongo estas otras:",
        "ca": "Vaja, aquesta hora s'acaba de reservar. Et proposo aquestes altres:",
        "pt": "Ups, esse horário acabou de ser reservado. Proponho estes:",
        "en": "Sorry, that time was just booked. Here are some others:",
    },
    "booked_showroom": {
        "es": "¡Reservado! Te esperamos el {when}. Dirección: {address}. Si tienes fotos, medidas o planos del espacio, tráelos.",
        "ca": "Reservat! T'esperem {when}. Adreça: {address}. Si tens fotos, mides o plànols de l'espai, porta'ls.",
        "pt": "Marcado! Esperamos por si {when}. Morada: {address}. Se tiver fotos, medidas ou plantas do espaço, traga-as.",
        "en": "Booked! We look forward to seeing you on {when}. Address: {address}. Bring photos, measurements or plans of the space if you have them.",
    },
    "booked_showroom_plain": {
        "es": "¡Reservado! Te esperamos el {when}. Si tienes fotos, medidas o planos del espacio, tráelos.",
        "ca": "Reservat! T'esperem {when}. Si tens fotos, mides o plànols de l'espai, porta'ls.",
        "pt": "Marcado! Esperamos por si {when}. Se tiver fotos, medidas ou plantas do espaço, traga-as.",
        "en": "Booked! We look forward to seeing you on {when}. Bring photos, measurements or plans of the space if you have them.",
    },
    "booked_home": {
        "es": "¡Reservado! Iremos a medir el {when}. Te avisaremos un poco antes de llegar.",
        "ca": "Reservat! Vindrem a prendre mides {when}. T'avisarem una mica abans d'arribar.",
        "pt": "Marcado! Vamos medir {when}. Avisamos um pouco antes de chegar.",
        "en": "Booked! We'll come to measure on {when}. We'll let you know shortly before we arrive.",
    },
    "more_dates_label": {
        "es": "Más fechas",
        "ca": "Més dates",
        "pt": "Mais datas",
        "en": "More dates",
    },
    "more_slots": {
        "es": "Aquí tienes más horas:",
        "ca": "Aquí tens més hores:",
        "pt": "Aqui tem mais horários:",
        "en": "Here are more times:",
    },
    "day_slots": {
        "es": "Estas son las horas libres de ese día:",
        "ca": "Aquestes són les hores lliures d'aquell dia:",
        "pt": "Estes são os horários livres nesse dia:",
        "en": "These are the free times that day:",
    },
    "no_slots_day": {
        "es": "Ese día no nos quedan horas libres. Te propongo las siguientes:",
        "ca": "Aquell dia no ens queden hores lliures. Et proposo les següents:",
        "pt": "Nesse dia já não temos horários livres. Proponho os seguintes:",
        "en": "We have no free times that day. Here are the next ones:",
    },
    "no_more_slots": {
        "es": "No hay más horas libres por ahora. Te vuelvo a mostrar las primeras:",
        "ca": "Ara mateix no hi ha més hores lliures. Et torno a mostrar les primeres:",
        "pt": "De momento não há mais horários livres. Volto a mostrar os primeiros:",
        "en": "There are no more free times for now. Here are the first ones again:",
    },
    "upload_file": {
        "es": "Adjunta una foto o un plano (JPG, PNG o PDF) con el botón de subir, o sáltate este paso.",
        "ca": "Adjunta una foto o un plànol (JPG, PNG o PDF) amb el botó de pujar, o salta aquest pas.",
        "pt": "Anexe uma foto ou uma planta (JPG, PNG ou PDF) com o botão de enviar, ou salte este passo.",
        "en": "Attach a photo or a plan (JPG, PNG or PDF) with the upload button, or skip this step.",
    },
    "finished": {
        "es": "¡Gracias! Ya tenemos todo. Si necesitas algo más, escríbenos cuando quieras.",
        "ca": "Gràcies! Ja ho tenim tot. Si necessites res més, escriu-nos quan vulguis.",
        "pt": "Obrigado! Já temos tudo. Se precisar de mais alguma coisa, escreva-nos quando quiser.",
        "en": "Thank you! We have everything. If you need anything else, just write to us.",
    },
    "understood": {
        "es": "Anotado: {summary}.",
        "ca": "Anotat: {summary}.",
        "pt": "Anotado: {summary}.",
        "en": "Noted: {summary}.",
    },
}

# The sentences about dates, times and home visits live beside each other in texts_booking.
SYSTEM |= BOOKING_TEXTS

PROJECTS = {
    "kitchen": {"es": "cocina", "ca": "cuina", "pt": "cozinha", "en": "kitchen"},
    "wardrobe": {"es": "armario", "ca": "armari", "pt": "roupeiro", "en": "wardrobe"},
    "furniture": {"es": "mueble a medida", "ca": "moble a mida", "pt": "móvel por medida", "en": "custom furniture"},
}
STYLES = {
    "modern": {"es": "estilo moderno", "ca": "estil modern", "pt": "estilo moderno", "en": "modern style"},
    "minimalist": {
        "es": "estilo minimalista",
        "ca": "estil minimalista",
        "pt": "estilo minimalista",
        "en": "minimalist",
    },
    "classic": {"es": "estilo clásico", "ca": "estil clàssic", "pt": "estilo clássico", "en": "classic style"},
    "rustic": {"es": "estilo rústico", "ca": "estil rústic", "pt": "estilo rústico", "en": "rustic style"},
    "industrial": {"es": "estilo industrial", "ca": "estil industrial", "pt": "estilo industrial", "en": "industrial"},
    "nordic": {"es": "estilo nórdico", "ca": "estil nòrdic", "pt": "estilo nórdico", "en": "Nordic style"},
}
URGENCIES = {
    "urgent": {
        "es": "lo antes posible",
        "ca": "com més aviat millor",
        "pt": "o quanto antes",
        "en": "as soon as possible",
    },
    "soon": {"es": "en 1-3 meses", "ca": "d'aquí a 1-3 mesos", "pt": "dentro de 1-3 meses", "en": "within 1-3 months"},
    "later": {"es": "en unos meses", "ca": "d'aquí a uns mesos", "pt": "daqui a uns meses", "en": "in a few months"},
    "exploring": {"es": "sin prisa", "ca": "sense pressa", "pt": "sem pressa", "en": "no rush"},
}
BUDGET_WORDS = {
    "up_to": {"es": "hasta {max}", "ca": "fins a {max}", "pt": "até {max}", "en": "up to {max}"},
    "from": {"es": "desde {min}", "ca": "des de {min}", "pt": "a partir de {min}", "en": "from {min}"},
}

# Every sentence as a formal store says it: its formal wording where it has one, else the plain one.
_FORMAL = FORMAL_OVERRIDES | BOOKING_FORMAL
SYSTEM_FORMAL: dict[str, dict[str, str]] = {key: texts | _FORMAL.get(key, {}) for key, texts in SYSTEM.items()}

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def system(key: str, language: str, *, formal: bool = False, **values: Any) -> str:
    """Return the bot's own sentence ``key`` in ``language`` (formal if asked), filled with ``values``."""
    texts = SYSTEM_FORMAL[key] if formal else SYSTEM[key]
    return fill(texts.get(language) or SYSTEM[key].get(language) or SYSTEM[key]["en"], values)


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace {name} placeholders with values; unknown ones become empty, never an error."""
    return _PLACEHOLDER.sub(lambda m: _show(values.get(m.group(1))), template)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pick(texts: dict[str, str] | None, language: str, fallback: str) -> str:
    """Return the text of ``language``, or of the flow's default language, or any."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()))
