"""The flow editor's form turned into a flow document, and back: blocks as a list of small forms.

The form is the editor's whole state: every request sends all blocks, and adding, removing or
moving one re-renders the form from the document the form describes. A block's form carries only
what a store owner edits; everything else of the block (a condition's branches, a consent, the
files a photo question accepts, keys the schema gains later) rides along in a hidden copy of the
block, so the form never drops what it does not show (the JSON editor edits those).

A block's "next" left empty means "the next block in the list", which is what a list reads as; it
becomes the following block's id when the document is built. In a draft (the document as the
form holds it) that is a ``None`` next; an empty string is "no next" (a buttons block whose
options each say where they go). Saving goes through the same
service as the JSON editor; nothing here validates beyond reading numbers.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("es", "ca", "pt", "en")
MAX_BLOCKS = 200
MAX_OPTIONS = 12
# The per-language synonyms of an option, once the schema has them: a comma-separated field each.
Form = Mapping[str, str]
Document = dict[str, Any]

# What "Add a block" offers: a block type (and input kind) with sensible defaults, so an e-mail
# question saves the lead's e-mail without the owner knowing variable names.
PALETTE: dict[str, Document] = {
    "message": {"type": "message"},
    "buttons": {"type": "buttons", "variable": "", "options": [{"id": "", "label": {}}, {"id": "", "label": {}}]},
    "text": {"type": "input", "kind": "text"},
    "name": {"type": "input", "kind": "text", "variable": "name"},
    "email": {"type": "input", "kind": "email", "variable": "email"},
    "phone": {"type": "input", "kind": "phone", "variable": "phone"},
    "number": {"type": "input", "kind": "number"},
    "postal_code": {"type": "input", "kind": "postal_code", "variable": "postal_code"},
    "date": {"type": "date", "service": "showroom_visit", "variable": "appointment"},
    "range": {"type": "range", "min": 0, "max": 100, "step": 1},
    "media": {"type": "media", "variable": "photos", "optional": True},
    "end": {"type": "end"},
}
QUESTION_TYPES = {"buttons", "input", "date", "range", "media"}
TEXT_TYPES = QUESTION_TYPES | {"message", "end"}
NO_NEXT = "-"  # the form's value for "no next block" (not a valid block id)
NUMBER_FIELDS = {"input": ("min", "max"), "range": ("min", "max", "step")}


def empty_document(languages: list[str], default_language: str) -> Document:
    """Return a new flow with no block yet, in the store's languages."""
    return {"name": "", "languages": list(languages), "default_language": default_language, "start": "", "blocks": []}


# --- form -> document --------------------------------------------------------------------------------


def document_from_form(form: Form) -> Document:
    """Return the flow document the editor's form describes (empty "next" fields are resolved)."""
    return resolve(draft_from_form(form))


def draft_from_form(form: Form) -> Document:
    """Return the document the form describes with "next in the list" still unresolved (None)."""
    languages = [lang for lang in LANGUAGES if form.get(f"lang.{lang}")] or [_text(form, "default_language") or "es"]
    count = min(_count(form, "blocks"), MAX_BLOCKS)
    return {
        "name": _text(form, "name"),
        "languages": languages,
        "default_language": _text(form, "default_language") or languages[0],
        "start": _text(form, "start") or None,
        "blocks": [_block(form, f"b{i}", languages) for i in range(count)],
    }


def resolve(draft: Document) -> Document:
    """Turn every empty "next" and start into the following (or first) block of the list."""
    document = copy.deepcopy(draft)
    blocks = document["blocks"]
    for i, block in enumerate(blocks):
        auto = block.get("next") is None and block.get("type") != "end"
        if not block.get("next"):
            block.pop("next", None)
        if auto and i + 1 < len(blocks):
            block["next"] = blocks[i + 1]["id"]
    if not document.get("start"):
        document["start"] = blocks[0]["id"] if blocks else ""
    for option in (o for block in blocks for o in block.get("options") or []):
        # An answer saves a word made from its label unless the owner chose one.
        option["id"] = option.get("id") or slug(next(iter(option.get("label", {}).values()), ""))
    return document


def _block(form: Form, key: str, languages: list[str]) -> Document:
    block = _kept(form, f"{key}.json")
    kind = block.get("type", "message")
    block["id"] = _text(form, f"{key}.id")
    chosen = _text(form, f"{key}.next")
    block["next"] = "" if chosen == NO_NEXT else chosen or None
    if kind in TEXT_TYPES:
        _set_texts(block, "text", form, f"{key}.text", languages, optional=kind == "end")
    if kind in QUESTION_TYPES:
        _set(block, "variable", _text(form, f"{key}.variable") or None)
        block["optional"] = bool(form.get(f"{key}.optional"))
        block["skip_if_known"] = bool(form.get(f"{key}.skip_if_known"))
    for name in NUMBER_FIELDS.get(kind, ()):
        if kind == "range" or block.get("kind") == "number":
            _set(block, name, _number(_text(form, f"{key}.{name}")))
    if kind in {"input", "range"} and (kind == "range" or block.get("kind") == "number"):
        _set(block, "unit", _text(form, f"{key}.unit") or None)
    if kind == "date":
        block["service"] = _text(form, f"{key}.service")
    if kind == "buttons":
        count = min(_count(form, f"{key}.options"), MAX_OPTIONS)
        block["options"] = [_option(form, f"{key}.o{j}", languages) for j in range(count)]
    return block


def _option(form: Form, key: str, languages: list[str]) -> Document:
    option = _kept(form, f"{key}.json")
    _set_texts(option, "label", form, f"{key}.label", languages)
    option["id"] = _text(form, f"{key}.id")
    _set(option, "next", _text(form, f"{key}.next") or None)
    words = {lang: _words(form.get(f"{key}.synonyms.{lang}", "")) for lang in languages}
    _set(option, "synonyms", {lang: found for lang, found in words.items() if found} or None)
    return option


def _kept(form: Form, name: str) -> Document:
    # The hidden copy of what the form does not show; anything unreadable counts as nothing.
    try:
        kept = json.loads(form.get(name) or "{}")
    except json.JSONDecodeError:
        return {}
    return kept if isinstance(kept, dict) else {}


def _set_texts(
    target: Document, name: str, form: Form, prefix: str, languages: list[str], *, optional: bool = False
) -> None:
    texts = {lang: _text(form, f"{prefix}.{lang}") for lang in languages}
    texts = {lang: text for lang, text in texts.items() if text}
    # An ending may say nothing at all; otherwise every missing language is a problem to report.
    _set(target, name, texts or (None if optional else {}))


def _set(target: Document, name: str, value: Any) -> None:
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value


def _text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def _count(form: Form, name: str) -> int:
    raw = _text(form, name)
    return int(raw) if raw.isdigit() else 0


def _number(raw: str) -> float | int | str | None:
    # A number as typed (a comma is a decimal point in the store's languages); anything else is
    # kept as text, so validation reports it at its field.
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return raw
    return int(value) if value.is_integer() else value


def _words(raw: str) -> list[str]:
    return [word.strip() for word in raw.split(",") if word.strip()]


def slug(text: str) -> str:
    """Return an id made of ``text`` (lower-case ASCII letters, digits and "_"), as block and option ids are."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    found = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:40]
    return found if found[:1].isalpha() else f"option_{found}".rstrip("_")


# --- changes of the list ---------------------------------------------------------------------------


def apply(draft: Document, op: str) -> tuple[Document, str | None]:
    """Apply one editing command (``add:<kind>``, ``remove:<i>``, ``up:<i>``, ``down:<i>``,
    ``add-option:<i>``, ``remove-option:<i>:<j>``) to a draft; return it and the id of the field to focus."""
    verb, _, rest = op.partition(":")
    args = rest.split(":")
    blocks = draft["blocks"]
    if verb == "add" and args[0] in PALETTE and len(blocks) < MAX_BLOCKS:
        blocks.append(_new_block(args[0], {b.get("id") for b in blocks}))
        return draft, f"b{len(blocks) - 1}.text.{draft['languages'][0]}"
    index = _index(args[0], len(blocks))
    if index is None:
        return draft, None
    if verb == "remove":
        return _remove(draft, index), "add-block"
    if verb in {"up", "down"}:
        target = index - 1 if verb == "up" else index + 1
        if 0 <= target < len(blocks):
            blocks[index], blocks[target] = blocks[target], blocks[index]
            return draft, f"{verb}-{target}"
        return draft, f"{verb}-{index}"
    return _option_op(draft, verb, index, args[1:])


def _option_op(draft: Document, verb: str, index: int, args: list[str]) -> tuple[Document, str | None]:
    options = draft["blocks"][index].setdefault("options", [])
    if verb == "add-option" and len(options) < MAX_OPTIONS:
        options.append({"id": "", "label": {}})
        return draft, f"b{index}.o{len(options) - 1}.label.{draft['languages'][0]}"
    which = _index(args[0] if args else "", len(options))
    if verb == "remove-option" and which is not None and len(options) > 1:
        options.pop(which)
        return draft, f"add-option-{index}"
    return draft, None


def _remove(draft: Document, index: int) -> Document:
    gone = draft["blocks"].pop(index).get("id")
    # Paths into the removed block would point nowhere: they fall back to "next in the list".
    for block in draft["blocks"]:
        if block.get("next") == gone:
            block["next"] = None
        for option in block.get("options") or []:
            if option.get("next") == gone:
                option.pop("next")
    if draft.get("start") == gone:
        draft["start"] = None
    return draft


def _new_block(kind: str, taken: set[Any]) -> Document:
    block = copy.deepcopy(PALETTE[kind])
    variable = block.get("variable")
    block["id"] = variable if variable and variable not in taken else _fresh(kind, taken)
    block["next"] = None
    if block["type"] in QUESTION_TYPES and not variable:
        # A question keeps its answer under its own name unless the owner picks a lead field.
        block["variable"] = block["id"]
    return block


def _fresh(stem: str, taken: set[Any]) -> str:
    n = 1
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"


def _index(raw: str, length: int) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) < length else None


# --- document -> form ------------------------------------------------------------------------------


def to_draft(document: Document) -> Document:
    """Return ``document`` as the form shows it: a "next" that is simply the following block becomes
    empty ("next in the list"), and so does a start that is the first block."""
    draft = copy.deepcopy(document)
    blocks = draft.get("blocks") or []
    for i, block in enumerate(blocks):
        following = blocks[i + 1].get("id") if i + 1 < len(blocks) else None
        if block.get("next") == following or (block.get("next") is None and block.get("type") != "buttons"):
            block["next"] = None
        elif block.get("next") is None:
            # Buttons whose options each say where they go need no next; "next in the list" would add a path.
            block["next"] = "" if all(o.get("next") for o in block.get("options") or []) else None
    if blocks and draft.get("start") == blocks[0].get("id"):
        draft["start"] = None
    return draft


def hidden_copy(block: Document, shown: tuple[str, ...] = ("id", "next", "text", "options", "label")) -> str:
    """Return the JSON of what the form does not show of a block (or an option)."""
    return json.dumps({k: v for k, v in block.items() if k not in shown}, ensure_ascii=False)
