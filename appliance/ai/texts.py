"""The welcome and closing in more than one way: written by the store's model ahead of time, heard in turns.

A task asks the model once for a few rewordings of each varied block (the opening message and
the messages that end the flow) in each of the store's languages, keeps those that pass the
checks of appliance.core.flows.variations, and stores them against the text they were written
from. A turn never waits for a model: it only picks among what is stored, and the transcript
marks the messages the model wrote. When the store changes its text, the old variations stop
matching, and the next run writes new ones; stores that do not ask for variations cost nothing.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from appliance.ai import assist
from appliance.core.flows.personalise import personalised
from appliance.core.flows.schema import FlowDocument
from appliance.core.flows.variations import acceptable, choose, source_hash, varied_blocks, vary
from appliance.core.ids import new_id
from appliance.core.lru import LRU
from appliance.flows.versions import documents, published_flow
from appliance.infra.db import AIText, Tenant
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import tenant_config, tenant_info

log = structlog.get_logger(__name__)
PER_TEXT = 3
CACHE_SECONDS = 300
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "variations",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"variations": {"type": "array", "items": {"type": "string"}}},
            "required": ["variations"],
            "additionalProperties": False,
        },
    },
}
_varied: LRU[tuple[int, str], tuple[FlowDocument, FlowDocument]] = LRU(512)


def wants_variations(rt: Runtime, ai: dict[str, Any]) -> bool:
    """Tell whether a store with these AI settings has asked for its texts to vary."""
    return bool(rt.settings.ai_base_url) and ai.get("provider") == "openai" and bool(ai.get("vary_texts"))


def with_variations(
    rt: Runtime, db: Session | Connection, tenant_id: str, flow: FlowDocument, conversation: str
) -> tuple[FlowDocument, frozenset[tuple[str, str]]]:
    """Return ``flow`` with this conversation's texts, and the (block, language) texts a model wrote."""
    # Without an AI server no store can have variations: not even its settings are read.
    if not rt.settings.ai_base_url or not wants_variations(rt, tenant_config(rt, db, tenant_id, "ai")):
        return flow, frozenset()
    chosen = choose(matching(flow, stored_variations(rt, db, tenant_id)), conversation)
    if not chosen:
        return flow, frozenset()
    key = (id(flow), json.dumps(chosen, sort_keys=True))
    hit = _varied.get(key)
    # The personalised flow is cached too, so its id names it while it lives; the entry keeps it alive.
    if hit is None or hit[0] is not flow:
        hit = (flow, vary(flow, chosen))
        _varied.put(key, hit)
    return hit[1], frozenset((block, lang) for block, texts in chosen.items() for lang in texts)


def matching(flow: FlowDocument, stored: list[list[str]]) -> dict[tuple[str, str], list[str]]:
    """Return the stored variations still written from the flow's own text, by (block, language)."""
    wanted = set(varied_blocks(flow))
    found: dict[tuple[str, str], list[str]] = {}
    for block_id, language, digest, text in stored:
        if block_id not in wanted:
            continue
        original = getattr(flow.block(block_id), "text", {}).get(language)
        if original and source_hash(original) == digest:
            found.setdefault((block_id, language), []).append(text)
    return found


def stored_variations(rt: Runtime, db: Session | Connection, tenant_id: str) -> list[list[str]]:
    """Return the store's variations as [block, language, source hash, text], cached briefly."""
    key = f"ai_texts:{tenant_id}"
    hit = rt.cache.get(key)
    if hit is not None:
        return json.loads(hit)
    rows = db.execute(
        select(AIText.block_id, AIText.language, AIText.source_hash, AIText.text)
        .where(AIText.tenant_id == tenant_id)
        .order_by(AIText.created_at, AIText.id)
    )
    found = [list(row) for row in rows]
    rt.cache.set(key, json.dumps(found), CACHE_SECONDS)
    return found


@task
def enqueue_text_variations(rt: Runtime) -> int:
    """Enqueue a writing run for each active store that asked for variations; return how many."""
    if not rt.settings.ai_base_url:
        return 0
    with rt.transaction() as db:
        active = db.scalars(select(Tenant.id).where(Tenant.status == "active").order_by(Tenant.id)).all()
        wanting = [t for t in active if wants_variations(rt, tenant_config(rt, db, t, "ai"))]
    for tenant_id in wanting:
        rt.queue.enqueue("write_text_variations", tenant_id)
    return len(wanting)


@task
def write_text_variations(rt: Runtime, tenant_id: str) -> int:
    """Write the missing variations of the store's welcome and closing; return how many were kept."""
    plan = assist.model_plan(rt, tenant_id)
    info = tenant_info(rt, tenant_id)
    if plan is None or info is None or not plan.config.get("vary_texts"):
        return 0
    with rt.transaction() as db:
        flow = _current_flow(rt, db, tenant_id)
        tones = tenant_config(rt, db, tenant_id, "texts").get("tone") or {}
        have = {(b, lang, h) for b, lang, h, _ in stored_variations(rt, db, tenant_id)}
    if flow is None:
        return 0
    kept = 0
    for block_id in varied_blocks(flow):
        for language in [lang for lang in info.languages if lang in flow.languages]:
            original = getattr(flow.block(block_id), "text", {}).get(language)
            if not original or (block_id, language, source_hash(original)) in have:
                continue
            texts = _ask(rt, plan, tenant_id, original, language, tones.get(language) == "formal")
            kept += _store(rt, tenant_id, block_id, language, original, texts, plan.model)
    return kept


def _current_flow(rt: Runtime, db: Session, tenant_id: str) -> FlowDocument | None:
    flow = published_flow(db, tenant_id)
    if flow is None:
        return None
    texts = tenant_config(rt, db, tenant_id, "texts")
    return personalised.get(flow.id, documents.get(db, tenant_id, flow.id), texts)


def _ask(rt: Runtime, plan: assist.Plan, tenant_id: str, original: str, language: str, formal: bool) -> list[str]:
    """Ask the model for rewordings of ``original``; return the ones that pass the checks."""
    tone = "formal (usted/vostè/o senhor)" if formal else "warm and informal (tú/tu/você)"
    system = (
        f"Rewrite the chat message of a kitchen and furniture studio's assistant in {PER_TEXT} different "
        f"ways, in the language '{language}', {tone} in tone, with the same meaning and about the same "
        "length. Keep every placeholder in braces exactly as it is. Add no facts, figures, prices, "
        'dates, links or names. Answer as JSON: {"variations": ["...", "..."]}.'
    )
    temperature = max(float(plan.config.get("temperature", 0.2)), 0.7)
    answer = assist.write(
        rt, plan, (tenant_id, None, "texts"), system, original, temperature=temperature, response_format=SCHEMA
    )
    forbidden = plan.config.get("forbidden_topics") or []
    return [t.strip() for t in _listed(answer) if acceptable(original, t, language, forbidden)][:PER_TEXT]


def _listed(answer: str | None) -> list[str]:
    """Return the strings of a {"variations": [...]} answer; nothing when it is anything else."""
    try:
        found = json.loads(answer or "")
    except ValueError:
        return []
    texts = found.get("variations") if isinstance(found, dict) else None
    return [t for t in texts if isinstance(t, str)] if isinstance(texts, list) else []


def _store(
    rt: Runtime, tenant_id: str, block_id: str, language: str, original: str, texts: list[str], model: str
) -> int:
    """Replace the block's variations in ``language`` with ``texts``; return how many were stored."""
    if not texts:
        log.info("ai_texts_refused", tenant_id=tenant_id, block_id=block_id, language=language)
        return 0
    digest = source_hash(original)
    rows = [
        {"tenant_id": tenant_id, "block_id": block_id, "language": language, "source_hash": digest, "text": text}
        | {"model": model, "id": new_id(AIText.id_prefix)}
        for text in dict.fromkeys(texts)
    ]
    with rt.transaction() as db:
        db.execute(
            delete(AIText).where(
                AIText.tenant_id == tenant_id, AIText.block_id == block_id, AIText.language == language
            )
        )
        db.execute(insert(AIText), rows)
    rt.cache.delete(f"ai_texts:{tenant_id}")
    return len(rows)
