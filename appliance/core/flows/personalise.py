"""A store's way of speaking applied to a flow: tone and length per language, and its own texts.

Pure: (flow, texts config, variant tables) -> flow with the chosen texts. The variant tables
(formal, short, formal_short) are written for the base flow's blocks; a store's own overrides,
with placeholders such as {store_name}, {name} and {summary}, win over everything.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from appliance.core.flows.presets import preset
from appliance.core.flows.schema import FlowDocument
from appliance.core.lru import LRU

CLOSING_VARIABLE = "closing"


@cache
def base_variants() -> dict[str, dict[str, dict[str, str]]]:
    """Return the formal, short and formal_short texts of the base flow's blocks."""
    raw = (resources.files("appliance.core.flows.presets") / "base.variants.json").read_text(encoding="utf-8")
    return json.loads(raw)


def variant_of(texts: dict[str, Any], language: str) -> str | None:
    """Return which variant table a language uses under a texts config (None: the flow's own)."""
    formal = (texts.get("tone") or {}).get(language) == "formal"
    short = (texts.get("length") or {}).get(language) == "short"
    return {(True, False): "formal", (False, True): "short", (True, True): "formal_short"}.get((formal, short))


def formal_languages(texts: dict[str, Any]) -> frozenset[str]:
    """Return the languages in which the store addresses visitors formally."""
    return frozenset(lang for lang, tone in (texts.get("tone") or {}).items() if tone == "formal")


def personalise(flow: FlowDocument, texts: dict[str, Any], variants: dict[str, Any]) -> FlowDocument:
    """Return ``flow`` with each block's texts in the store's tone and length, then its overrides."""
    overrides = texts.get("overrides") or {}
    chosen = {lang: variants.get(variant_of(texts, lang) or "", {}) for lang in flow.languages}
    if not overrides and not any(chosen.values()):
        return flow
    document = flow.model_dump(mode="json", by_alias=True, exclude_none=True)
    original = base_texts()
    for block in document["blocks"]:
        if "text" not in block:
            continue
        for lang in flow.languages:
            # A variant replaces only the base flow's own wording, never a text the store wrote.
            is_base = block["text"].get(lang) == original.get(block["id"], {}).get(lang)
            variant = chosen[lang].get(block["id"], {}).get(lang) if is_base else None
            replacement = overrides.get(block["id"], {}).get(lang) or variant
            if replacement:
                block["text"][lang] = replacement
    return FlowDocument.model_validate(document)


@cache
def base_texts() -> dict[str, dict[str, str]]:
    """Return the base flow's texts by block id, to tell them from texts a store wrote."""
    return {b["id"]: b["text"] for b in preset("base")["blocks"] if "text" in b}


class PersonalisedFlows:
    """Personalised flows by (flow version, texts config), so each is built once per process."""

    def __init__(self, size: int = 256) -> None:
        self._items: LRU[tuple[str, str], FlowDocument] = LRU(size)

    def get(self, flow_id: str, flow: FlowDocument, texts: dict[str, Any]) -> FlowDocument:
        """Return ``flow`` (the version ``flow_id``) as the store with ``texts`` speaks it."""
        key = (flow_id, hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest())
        found = self._items.get(key)
        if found is None:
            wanted = any(variant_of(texts, lang) for lang in flow.languages)
            found = personalise(flow, texts, base_variants() if wanted else {})
            self._items.put(key, found)
        return found


personalised = PersonalisedFlows()
