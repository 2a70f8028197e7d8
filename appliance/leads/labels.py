"""The words of the staff's lead summary in Spanish, Catalan, Portuguese and English."""

from __future__ import annotations

LANGUAGES = ("es", "ca", "pt", "en")

LABELS: dict[str, dict[str, str]] = {
    "title": {"es": "Ficha del cliente", "ca": "Fitxa del client", "pt": "Ficha do cliente", "en": "Lead summary"},
    "looking_for": {"es": "Lo que busca", "ca": "Què busca", "pt": "O que procura", "en": "What they are looking for"},
    "project": {"es": "Proyecto", "ca": "Projecte", "pt": "Projeto", "en": "Project"},
    "area": {"es": "Superficie", "ca": "Superfície", "pt": "Área", "en": "Area"},
    "budget": {"es": "Presupuesto", "ca": "Pressupost", "pt": "Orçamento", "en": "Budget"},
    "style": {"es": "Estilo", "ca": "Estil", "pt": "Estilo", "en": "Style"},
    "urgency": {"es": "Plazo", "ca": "Termini", "pt": "Prazo", "en": "Timing"},
    "origin": {"es": "Origen", "ca": "Origen", "pt": "Origem", "en": "Origin"},
    "postal_code": {"es": "Código postal", "ca": "Codi postal", "pt": "Código postal", "en": "Postcode"},
    "contact_method": {
        "es": "Prefiere que le contacten por",
        "ca": "Prefereix que el contactin per",
        "pt": "Prefere ser contactado por",
        "en": "Prefers to be contacted by",
    },
    "score": {"es": "Puntuación", "ca": "Puntuació", "pt": "Pontuação", "en": "Score"},
    "breakdown": {"es": "Desglose", "ca": "Desglossament", "pt": "Detalhe", "en": "Breakdown"},
    "points": {"es": "puntos", "ca": "punts", "pt": "pontos", "en": "points"},
    "contact": {"es": "Contacto", "ca": "Contacte", "pt": "Contacto", "en": "Contact"},
    "name": {"es": "Nombre", "ca": "Nom", "pt": "Nome", "en": "Name"},
    "email": {"es": "Correo electrónico", "ca": "Correu electrònic", "pt": "Email", "en": "Email"},
    "phone": {"es": "Teléfono", "ca": "Telèfon", "pt": "Telefone", "en": "Phone"},
    "address": {"es": "Dirección", "ca": "Adreça", "pt": "Morada", "en": "Address"},
    "erased": {
        "es": "Datos personales borrados a petición de la persona.",
        "ca": "Dades personals esborrades a petició de la persona.",
        "pt": "Dados pessoais apagados a pedido do titular.",
        "en": "Personal data erased at the person's request.",
    },
    "appointments": {"es": "Citas", "ca": "Cites", "pt": "Marcações", "en": "Appointments"},
    "no_appointments": {"es": "Sin citas.", "ca": "Sense cites.", "pt": "Sem marcações.", "en": "No appointments."},
    "proposal": {
        "es": "Propuesta preliminar",
        "ca": "Proposta preliminar",
        "pt": "Proposta preliminar",
        "en": "Preliminary proposal",
    },
    "proposal_by_model": {
        "es": "Redactada por el modelo de IA a partir de vuestro catálogo; los precios están comprobados.",
        "ca": "Redactada pel model d'IA a partir del vostre catàleg; els preus estan comprovats.",
        "pt": "Redigida pelo modelo de IA a partir do vosso catálogo; os preços foram verificados.",
        "en": "Written by the AI model from your catalogue; its prices were checked.",
    },
    "proposal_by_template": {
        "es": "Texto de plantilla con los precios de vuestro catálogo.",
        "ca": "Text de plantilla amb els preus del vostre catàleg.",
        "pt": "Texto de modelo com os preços do vosso catálogo.",
        "en": "Template text with the prices of your catalogue.",
    },
    "transcript": {"es": "Conversación", "ca": "Conversa", "pt": "Conversa", "en": "Conversation"},
    "no_messages": {
        "es": "No hay mensajes.",
        "ca": "No hi ha missatges.",
        "pt": "Sem mensagens.",
        "en": "No messages.",
    },
    "attachment": {"es": "Archivo adjunto", "ca": "Fitxer adjunt", "pt": "Anexo", "en": "Attachment"},
    "photos": {"es": "Fotos", "ca": "Fotos", "pt": "Fotos", "en": "Photos"},
    "received": {"es": "Recibido", "ca": "Rebut", "pt": "Recebido", "en": "Received"},
    "status": {"es": "Estado", "ca": "Estat", "pt": "Estado", "en": "Status"},
    "temperature": {"es": "Temperatura", "ca": "Temperatura", "pt": "Temperatura", "en": "Temperature"},
    "channel": {"es": "Canal", "ca": "Canal", "pt": "Canal", "en": "Channel"},
    "language": {"es": "Idioma", "ca": "Idioma", "pt": "Idioma", "en": "Language"},
    "page": {"es": "Página", "ca": "Pàgina", "pt": "Página", "en": "Page"},
    "undecided": {"es": "sin decidir", "ca": "sense decidir", "pt": "por decidir", "en": "undecided"},
    "unknown": {"es": "sin indicar", "ca": "sense indicar", "pt": "não indicado", "en": "not given"},
}

# Words for the values staff see: lead status, temperature, appointment status, message author.
VALUES: dict[str, dict[str, dict[str, str]]] = {
    "status": {
        "new": {"es": "Nuevo", "ca": "Nou", "pt": "Novo", "en": "New"},
        "contacted": {"es": "Contactado", "ca": "Contactat", "pt": "Contactado", "en": "Contacted"},
        "qualified": {"es": "Cualificado", "ca": "Qualificat", "pt": "Qualificado", "en": "Qualified"},
        "won": {"es": "Ganado", "ca": "Guanyat", "pt": "Ganho", "en": "Won"},
        "lost": {"es": "Perdido", "ca": "Perdut", "pt": "Perdido", "en": "Lost"},
    },
    "temperature": {
        "cold": {"es": "Frío", "ca": "Fred", "pt": "Frio", "en": "Cold"},
        "warm": {"es": "Templado", "ca": "Tebi", "pt": "Morno", "en": "Warm"},
        "hot": {"es": "Caliente", "ca": "Calent", "pt": "Quente", "en": "Hot"},
        "premium": {"es": "Premium", "ca": "Prèmium", "pt": "Premium", "en": "Premium"},
    },
    "appointment": {
        "booked": {"es": "Reservada", "ca": "Reservada", "pt": "Marcada", "en": "Booked"},
        "cancelled": {"es": "Cancelada", "ca": "Cancel·lada", "pt": "Cancelada", "en": "Cancelled"},
        "no_show": {"es": "No se presentó", "ca": "No s'hi va presentar", "pt": "Não compareceu", "en": "No-show"},
        "completed": {"es": "Realizada", "ca": "Feta", "pt": "Realizada", "en": "Done"},
    },
    "role": {
        "visitor": {"es": "Cliente", "ca": "Client", "pt": "Cliente", "en": "Visitor"},
        "bot": {"es": "Asistente", "ca": "Assistent", "pt": "Assistente", "en": "Assistant"},
        "staff": {"es": "Equipo", "ca": "Equip", "pt": "Equipa", "en": "Staff"},
        "system": {"es": "Sistema", "ca": "Sistema", "pt": "Sistema", "en": "System"},
    },
    "channel": {
        "web": {"es": "Web", "ca": "Web", "pt": "Web", "en": "Website"},
        "whatsapp": {"es": "WhatsApp", "ca": "WhatsApp", "pt": "WhatsApp", "en": "WhatsApp"},
    },
    "language": {
        "es": {"es": "español", "ca": "castellà", "pt": "espanhol", "en": "Spanish"},
        "ca": {"es": "catalán", "ca": "català", "pt": "catalão", "en": "Catalan"},
        "pt": {"es": "portugués", "ca": "portuguès", "pt": "português", "en": "Portuguese"},
        "en": {"es": "inglés", "ca": "anglès", "pt": "inglês", "en": "English"},
    },
    "contact_method": {
        "email": {"es": "correo electrónico", "ca": "correu electrònic", "pt": "email", "en": "email"},
        "phone": {"es": "teléfono", "ca": "telèfon", "pt": "telefone", "en": "phone"},
        "whatsapp": {"es": "WhatsApp", "ca": "WhatsApp", "pt": "WhatsApp", "en": "WhatsApp"},
    },
}


def label(key: str, language: str) -> str:
    """Return the label ``key`` in ``language`` (English if the language is unknown)."""
    words = LABELS[key]
    return words.get(language, words["en"])


def value_word(kind: str, value: object, language: str) -> str:
    """Return the word for a stored value (a status, a temperature...); the value itself if unknown."""
    words = VALUES[kind].get(value, {}) if isinstance(value, str) else {}
    return words.get(language) or words.get("en") or ("" if value is None else str(value))
