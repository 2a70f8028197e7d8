"""The web channel: the chat widget's turns over the /v1 chat API.

A request is settled once: the visitor's claims come from their token (read by the handler), the
store from the rate-limit hook when it already read it, and whether the store is open from that
same record. Then the one conversation engine takes the turn (appliance.conversations.turns), and
the widget reads the turn answer as it is, so rendering is the identity.
"""

from __future__ import annotations

from typing import Any

from appliance.channels.base import Inbound
from appliance.conversations import attachments, turns
from appliance.core.flows.answers import Reply
from appliance.infra.runtime import Runtime
from appliance.security.visitor import VisitorClaims
from appliance.tenants.directory import TenantInfo, tenant_info
from appliance.tenants.maintenance import refuse_closed_chat

REPLY_KINDS = ("text", "choice", "value", "skip")


class WebChannel:
    """Parses the widget's replies and renders turn answers for it."""

    name = "web"

    def parse(self, payload: dict[str, Any]) -> Inbound:
        """Return the reply in a validated send body: one of text, choice, value, skip; or only a language."""
        language = payload.get("lang")
        for kind in REPLY_KINDS:
            if kind in payload:
                return Inbound(Reply(kind, payload[kind]), language)
        return Inbound(Reply("language", language), language)

    def render(self, answer: dict[str, Any]) -> dict[str, Any]:
        """Return the turn answer unchanged: the widget draws messages and inputs from it."""
        return answer


WEB = WebChannel()


def arrive(
    rt: Runtime, claims: VisitorClaims, known: TenantInfo | None, lang: str | None, accept: str | None
) -> TenantInfo | None:
    """Return the visitor's store (``known`` when the request already read it), answering 503 with the
    store's maintenance message, in the visitor's language, while it is closed."""
    info = known if known is not None and known.id == claims.tenant_id else tenant_info(rt, claims.tenant_id)
    refuse_closed_chat(rt, info, claims, lang, accept)
    return info


def start(rt: Runtime, claims: VisitorClaims, info: TenantInfo | None, language: str | None) -> dict[str, Any]:
    """Begin the conversation, or say where a begun one stands."""
    return WEB.render(turns.start(rt, claims, info, language))


def send(
    rt: Runtime, claims: VisitorClaims, info: TenantInfo | None, inbound: Inbound, body: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Take the visitor's reply through one turn; return the answer and whether it was a replay."""
    visit = turns.Visit(claims=claims, reply=inbound.reply, language=inbound.language, tenant=info)
    answer, replayed = turns.send(rt, visit, inbound.idempotency_key, body)
    return WEB.render(answer), replayed


def transcript(rt: Runtime, claims: VisitorClaims, info: TenantInfo | None) -> dict[str, Any]:
    """Return the whole conversation, for the widget to restore after a reload."""
    return WEB.render(turns.transcript(rt, claims, info))


def attach(rt: Runtime, claims: VisitorClaims, data: bytes | None, name: str | None) -> dict[str, Any]:
    """Store a photo or plan the visitor uploaded, to send as the answer of a media question."""
    return attachments.attach(rt, claims, data, name)


def attachment(rt: Runtime, session_id: str, file_id: str, sig: str, thumbnail: bool) -> tuple[bytes, str, str]:
    """Return a file of the conversation (or its thumbnail) that a signed link opens."""
    return attachments.visitor_file(rt, session_id, file_id, sig, thumbnail)
