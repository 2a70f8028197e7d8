"""What a turn knows of the store, read once at its beginning, and what the engine may know during it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from appliance.agenda import clock
from appliance.agenda.offer import offer
from appliance.conversations.persistence import Conversation
from appliance.core.agenda.availability import in_service_area
from appliance.core.flows.answers import Context, Reply
from appliance.core.flows.personalise import formal_languages, personalised
from appliance.core.flows.schema import DateBlock, FlowDocument
from appliance.core.understanding.wishes import SlotWish, find_wish
from appliance.flows.versions import documents
from appliance.infra.runtime import Runtime
from appliance.tenants.directory import TenantInfo, tenant_config


@dataclass(frozen=True)
class TurnSetting:
    """The store as one turn sees it: the tenant, its texts and agenda, the conversation's flow.

    Read once per turn and passed down, so the engine's context, the slots it offers, the area
    check and the booking all work from the same configuration.
    """

    info: TenantInfo
    texts: dict[str, Any]
    agenda: dict[str, Any]
    flow: FlowDocument


def read_setting(rt: Runtime, db: Session | Connection, info: TenantInfo, flow_id: str) -> TurnSetting:
    """Read what a turn needs of the store of ``info`` for a conversation on the flow ``flow_id``."""
    texts = tenant_config(rt, db, info.id, "texts")
    flow = personalised.get(flow_id, documents.get(db, info.id, flow_id), texts)
    return TurnSetting(info=info, texts=texts, agenda=tenant_config(rt, db, info.id, "agenda"), flow=flow)


def turn_context(
    db: Session | Connection,
    setting: TurnSetting,
    state: dict[str, Any],
    *,
    book_slots: bool = False,
    day_wish: SlotWish | None = None,
) -> Context:
    """Return what the engine may know this turn; with ``book_slots``, a chosen slot is to be booked."""
    info = setting.info

    def search(service: str, query: dict[str, Any] | None = None) -> list[dict[str, str]]:
        return offer(db, info.id, setting.agenda, service, query)

    return Context(
        country=info.country,
        slot_source=search,
        slot_search=search,
        attachments=frozenset(state.get("attachments", [])),
        store=store_details(setting),
        formal=formal_languages(setting.texts),
        book_slots=book_slots,
        day_wish=day_wish.as_query() if day_wish else None,
        derive=lambda variables: served_area(setting.agenda, variables),
    )


def store_details(setting: TurnSetting) -> dict[str, Any]:
    """Return what the bot may say of the store: its name, address, phone and weekly opening hours."""
    branding = setting.info.branding
    return {
        "store_name": branding.get("store_name") or setting.info.name,
        "address": branding.get("address"),
        "phone": branding.get("phone"),
        "weekly": setting.agenda.get("weekly") or {},
    }


def served_area(agenda: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """Tell the flow whether the store makes home visits at the visitor's postal code."""
    code = variables.get("postal_code")
    homes = [s["id"] for s in agenda.get("services", []) if s.get("location") == "home"]
    if not code or not homes:
        return {}
    return {"home_visit_area": any(in_service_area(agenda, service, code) for service in homes)}


def wished_day(setting: TurnSetting, chat: Conversation, reply: Reply) -> SlotWish | None:
    """Return the day, part of day or time a visitor's free text names while the bot offers dates
    ("el martes por la tarde", "a las 17:00 mejor"); read only there, so times never become facts."""
    block = setting.flow.block(chat.current_block) if chat.current_block else None
    if not isinstance(block, DateBlock) or reply.kind != "text" or not isinstance(reply.value, str):
        return None
    return find_wish(reply.value, chat.language, clock.local_now(setting.info.timezone))
