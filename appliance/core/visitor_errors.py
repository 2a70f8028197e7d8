"""What a visitor reads when the chat API refuses a request, by error code, in every language the bot speaks.

The widget shows an error's message as it comes (in its status line, or in place of the chat), so
a visitor's errors are said in the conversation's language like everything else; staff and the
operator keep the English messages of the API. Rate limits and maintenance have their own
sentences (appliance.web.limits, appliance.tenants.maintenance) and are not repeated here.
"""

from __future__ import annotations

from typing import Any

from appliance.core.flows.texts import fill

LANGUAGES = ("es", "ca", "pt", "en")

_UNAVAILABLE = {
    "es": "El chat no está disponible en este momento. Vuelve a intentarlo más tarde.",
    "ca": "El xat no està disponible en aquest moment. Torna-ho a provar més tard.",
    "pt": "O chat não está disponível neste momento. Tente novamente mais tarde.",
    "en": "The chat is not available right now. Please try again later.",
}
_NOT_HERE = {
    "es": "Este chat no se puede usar desde esta página.",
    "ca": "Aquest xat no es pot fer servir des d'aquesta pàgina.",
    "pt": "Este chat não pode ser usado a partir desta página.",
    "en": "This chat cannot be used from this page.",
}
_FILE_TYPE = {
    "es": "Solo se pueden adjuntar archivos JPG, PNG o PDF.",
    "ca": "Només es poden adjuntar fitxers JPG, PNG o PDF.",
    "pt": "Só é possível anexar ficheiros JPG, PNG ou PDF.",
    "en": "Only JPG, PNG and PDF files can be attached.",
}
_FILE_SIZE = {
    "es": "Los archivos pueden ocupar como máximo 5 MB.",
    "ca": "Els fitxers poden ocupar com a màxim 5 MB.",
    "pt": "Os ficheiros podem ter no máximo 5 MB.",
    "en": "Files can be up to 5 MB.",
}
_NOT_UNDERSTOOD = {
    "es": "No se ha entendido el mensaje. Envíalo de nuevo, por favor.",
    "ca": "No s'ha entès el missatge. Torna'l a enviar, si us plau.",
    "pt": "A mensagem não foi compreendida. Envie-a novamente, por favor.",
    "en": "The message could not be understood. Please send it again.",
}

MESSAGES: dict[str, dict[str, str]] = {
    # A 422 whose problem is the length of the visitor's text says the limit (see ``too_long``).
    "invalid": {
        "es": "Ese mensaje no se ha podido enviar tal como está.",
        "ca": "Aquest missatge no s'ha pogut enviar tal com està.",
        "pt": "Não foi possível enviar essa mensagem assim.",
        "en": "That message could not be sent as it is.",
    },
    "too_long": {
        "es": "El mensaje es demasiado largo: como máximo {max} caracteres.",
        "ca": "El missatge és massa llarg: com a màxim {max} caràcters.",
        "pt": "A mensagem é demasiado longa: no máximo {max} caracteres.",
        "en": "The message is too long: {max} characters at most.",
    },
    "store_unavailable": _UNAVAILABLE,
    "no_published_flow": _UNAVAILABLE,
    "unavailable": _UNAVAILABLE,
    "file_type_not_allowed": _FILE_TYPE,
    "unsupported_media_type": _FILE_TYPE,
    "file_too_large": _FILE_SIZE,
    "payload_too_large": _FILE_SIZE,
    "file_unreadable": {
        "es": "No se ha podido leer ese archivo como una foto o un plano. Prueba con otro, por favor.",
        "ca": "No s'ha pogut llegir aquest fitxer com una foto o un plànol. Prova'n un altre, si us plau.",
        "pt": "Não foi possível ler esse ficheiro como uma foto ou uma planta. Experimente outro, por favor.",
        "en": "That file could not be read as a photo or a plan. Please try another one.",
    },
    "too_many_files": {
        "es": "Esta conversación ya tiene todos los archivos que puede recibir.",
        "ca": "Aquesta conversa ja té tots els fitxers que pot rebre.",
        "pt": "Esta conversa já tem todos os ficheiros que pode receber.",
        "en": "This conversation already has all the files it can take.",
    },
    "file_missing": {
        "es": "No ha llegado ningún archivo. Adjúntalo de nuevo, por favor.",
        "ca": "No ha arribat cap fitxer. Torna'l a adjuntar, si us plau.",
        "pt": "Não chegou nenhum ficheiro. Anexe-o novamente, por favor.",
        "en": "No file arrived. Please attach it again.",
    },
    "session_expired": {
        "es": "Esta conversación ha terminado; empezará una nueva.",
        "ca": "Aquesta conversa s'ha acabat; en començarà una de nova.",
        "pt": "Esta conversa terminou; vai começar uma nova.",
        "en": "This conversation has ended; a new one will begin.",
    },
    "token_expired": {
        "es": "La sesión del chat ha caducado. Recarga la página para seguir.",
        "ca": "La sessió del xat ha caducat. Recarrega la pàgina per continuar.",
        "pt": "A sessão do chat expirou. Recarregue a página para continuar.",
        "en": "Your chat session has expired. Reload the page to continue.",
    },
    "invalid_token": {
        "es": "La sesión del chat no es válida. Recarga la página, por favor.",
        "ca": "La sessió del xat no és vàlida. Recarrega la pàgina, si us plau.",
        "pt": "A sessão do chat não é válida. Recarregue a página, por favor.",
        "en": "This chat session is not valid. Please reload the page.",
    },
    "unauthorized": {
        "es": "La sesión del chat no es válida. Recarga la página, por favor.",
        "ca": "La sessió del xat no és vàlida. Recarrega la pàgina, si us plau.",
        "pt": "A sessão do chat não é válida. Recarregue a página, por favor.",
        "en": "This chat session is not valid. Please reload the page.",
    },
    "origin_missing": _NOT_HERE,
    "origin_mismatch": _NOT_HERE,
    "origin_not_allowed": _NOT_HERE,
    "forbidden": _NOT_HERE,
    "unknown_widget_key": {
        "es": "Este chat no está configurado.",
        "ca": "Aquest xat no està configurat.",
        "pt": "Este chat não está configurado.",
        "en": "This chat is not set up.",
    },
    "not_found": {
        "es": "Esta conversación no existe.",
        "ca": "Aquesta conversa no existeix.",
        "pt": "Esta conversa não existe.",
        "en": "This conversation does not exist.",
    },
    "idempotency_conflict": {
        "es": "Ese mensaje se ha cruzado con otro. Envíalo de nuevo, por favor.",
        "ca": "Aquest missatge s'ha creuat amb un altre. Torna'l a enviar, si us plau.",
        "pt": "Essa mensagem cruzou-se com outra. Envie-a novamente, por favor.",
        "en": "That message crossed with another one. Please send it again.",
    },
    "invalid_json": _NOT_UNDERSTOOD,
    "bad_request": _NOT_UNDERSTOOD,
    "internal_error": {
        "es": "Algo ha fallado por nuestra parte. Vuelve a intentarlo, por favor.",
        "ca": "Alguna cosa ha fallat per part nostra. Torna-ho a provar, si us plau.",
        "pt": "Algo correu mal do nosso lado. Tente novamente, por favor.",
        "en": "Something went wrong on our side. Please try again.",
    },
}


def visitor_message(key: str, language: str, **values: Any) -> str | None:
    """Return what a visitor reads for the error ``key`` in ``language`` (None: an error of no visitor's)."""
    texts = MESSAGES.get(key)
    if texts is None:
        return None
    return fill(texts.get(language) or texts["en"], values)
