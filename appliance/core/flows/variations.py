"""A flow's welcome and closing said in more than one way: which blocks, which texts pass, which one a
conversation hears.

Pure. A model writes the variations (appliance.ai.texts); this module decides what they may
replace (the first message and the last ones before the end), refuses a variation that changes
what the text promises (other placeholders, figures, links, another language, a forbidden topic),
and picks one per conversation, so a visitor hears the same greeting after a reload.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from appliance.core.flows.schema import EndBlock, FlowDocument, MessageBlock
from appliance.core.understanding.language import detect_language

PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
# What a variation may not add: figures (a price, an hour), links, addresses, masked data.
_FORBIDDEN_MARKS = re.compile(r"https?://|www\.|@|\[|\]|<|>")
_DIGITS = re.compile(r"\d+")
MAX_CHARS = 500


def source_hash(text: str) -> str:
    """Return the short fingerprint of the text a variation was written from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def varied_blocks(flow: FlowDocument) -> list[str]:
    """Return the blocks whose text may vary: the opening message and the messages that end the flow."""
    found = []
    first = flow.block(flow.start)
    if isinstance(first, MessageBlock):
        found.append(first.id)
    for block in flow.blocks:
        if isinstance(block, MessageBlock) and block.id not in found and _ends(flow, block):
            found.append(block.id)
    return found


def _ends(flow: FlowDocument, block: MessageBlock) -> bool:
    if block.next is None:
        return True
    try:
        return isinstance(flow.block(block.next), EndBlock)
    except KeyError:
        return False


def acceptable(original: str, text: str, language: str, forbidden: Iterable[str] = ()) -> bool:
    """Tell whether ``text`` may stand for ``original``: same placeholders and figures, no links or
    masked data, a sensible length, the same language, nothing the store forbids."""
    text = text.strip()
    if not text or len(text) > MAX_CHARS or _same(original, text):
        return False
    if not 0.4 * len(original) <= len(text) <= 2.0 * len(original) + 40:
        return False
    if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(original)):
        return False
    if _FORBIDDEN_MARKS.search(PLACEHOLDER.sub("", text)) or set(_DIGITS.findall(text)) - set(
        _DIGITS.findall(original)
    ):
        return False
    if any(topic.strip().lower() in text.lower() for topic in forbidden if topic.strip()):
        return False
    return detect_language(PLACEHOLDER.sub("", text), default=language) == language


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def choose(variations: Mapping[tuple[str, str], list[str]], conversation: str) -> dict[str, dict[str, str]]:
    """Return the text each varied block says in each language for one conversation.

    The store's own text is one of the choices, so a store with variations still greets some
    visitors in its own words; the choice hangs on the conversation id alone.
    """
    chosen: dict[str, dict[str, str]] = {}
    for (block_id, language), texts in sorted(variations.items()):
        if not texts:
            continue
        digest = hashlib.sha256(f"{conversation}:{block_id}:{language}".encode()).digest()
        pick = digest[0] % (len(texts) + 1)
        if pick < len(texts):
            chosen.setdefault(block_id, {})[language] = texts[pick]
    return chosen


def vary(flow: FlowDocument, chosen: Mapping[str, Mapping[str, str]]) -> FlowDocument:
    """Return ``flow`` with the chosen texts in place of its own."""
    if not chosen:
        return flow
    document: dict[str, Any] = flow.model_dump(mode="json", by_alias=True, exclude_none=True)
    for block in document["blocks"]:
        for language, text in chosen.get(block["id"], {}).items():
            block["text"] = {**block["text"], language: text}
    return FlowDocument.model_validate(document)
