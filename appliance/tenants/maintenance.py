"""Whether a store's chat is open to visitors: while the operator has it in maintenance, every
visitor endpoint of the store answers 503 ``maintenance`` with the store's message in the visitor's
language (the widget shows it). The operator's switch itself is appliance.operator.maintenance.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from appliance.conversations import positions
from appliance.errors import Unavailable
from appliance.infra.db import ChatSession
from appliance.infra.runtime import Runtime
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo

CODE = "maintenance"
# Said when the store wrote no message at all.
DEFAULT_MESSAGES = {
    "es": "El chat está en mantenimiento. Vuelve a intentarlo en un rato.",
    "ca": "El xat està en manteniment. Torna-ho a provar d'aquí a una estona.",
    "pt": "O chat está em manutenção. Tente novamente daqui a pouco.",
    "en": "The chat is undergoing maintenance. Please try again in a while.",
}


def in_maintenance(info: TenantInfo) -> bool:
    """Tell whether the store's chat is closed for maintenance."""
    return bool(info.maintenance.get("enabled"))


def messages_for(info: TenantInfo) -> dict[str, str]:
    """Return the maintenance message in each of the store's languages.

    A language the store wrote nothing for gets the store's own message in its default language
    (it may say when the chat reopens), and only without any message the built-in sentence."""
    written: dict[str, str] = info.maintenance.get("message") or {}
    fallback = written.get(info.default_language) or next(iter(written.values()), None)
    return {
        lang: written.get(lang) or fallback or DEFAULT_MESSAGES.get(lang, DEFAULT_MESSAGES["en"])
        for lang in _languages(info)
    }


def _languages(info: TenantInfo) -> list[str]:
    return list(dict.fromkeys([*info.languages, info.default_language]))


def closed_error(info: TenantInfo, preferred: Iterable[str | None], accept_language: str | None) -> Unavailable:
    """Return the 503 a visitor gets: the message in the first of ``preferred`` languages the store
    speaks, else the browser's best Accept-Language match, else the store's default language."""
    messages = messages_for(info)
    language = _visitor_language(info, preferred, accept_language)
    return Unavailable(messages[language], code=CODE, details={"language": language, "message": messages})


def _visitor_language(info: TenantInfo, preferred: Iterable[str | None], accept_language: str | None) -> str:
    spoken = _languages(info)
    for lang in preferred:
        if lang in spoken:
            return lang
    if accept_language:
        match = parse_accept_header(accept_language, LanguageAccept).best_match(spoken)
        if match:
            return match
    return info.default_language


def refuse_closed_visit(info: TenantInfo, lang: str | None, session_language: str | None, accept: str | None) -> None:
    """Raise the maintenance 503 when the store opening a widget session is closed."""
    if in_maintenance(info):
        raise closed_error(info, [lang, session_language], accept)


def refuse_closed_chat(
    rt: Runtime, info: TenantInfo | None, claims: VisitorClaims, lang: str | None, accept_language: str | None
) -> None:
    """Raise the maintenance 503 when the visitor's store ``info`` is closed; costs nothing otherwise."""
    if info is None or not in_maintenance(info):
        return
    raise closed_error(info, [lang, _session_language(rt, claims)], accept_language)


def _session_language(rt: Runtime, claims: VisitorClaims) -> str | None:
    known = positions.recall(rt, claims.session_id, claims.tenant_id)
    if known:
        return known["language"]
    with rt.transaction() as db:
        return db.scalar(
            select(ChatSession.language).where(
                ChatSession.id == claims.session_id, ChatSession.tenant_id == claims.tenant_id
            )
        )
