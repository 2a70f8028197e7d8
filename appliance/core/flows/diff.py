"""What changes between two flow documents, as staff read it before publishing: texts and paths.

The diff works on stored documents (plain dicts, as versions keep them), block by block by id:
which blocks come and go, which texts (a block's question, an option's label) change in which
language, and which transitions (a block's ``next``, an option's or a branch's ``next``) are
added or removed. Anything else (limits, variables, conditions themselves) is left to the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]


@dataclass(frozen=True)
class TextChange:
    """One text of one block in one language: ``option`` names the option whose label it is (None: the question)."""

    block: str
    option: str | None
    language: str
    before: str | None
    after: str | None


@dataclass(frozen=True, order=True)
class Transition:
    """A way from one block to another: ``via`` is ``next``, ``option:<id>`` or ``branch:<n>``."""

    source: str
    via: str
    target: str


@dataclass(frozen=True)
class FlowDiff:
    """Everything a publish would change in what the bot says and where it goes."""

    added_blocks: list[str] = field(default_factory=list)
    removed_blocks: list[str] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)
    added_transitions: list[Transition] = field(default_factory=list)
    removed_transitions: list[Transition] = field(default_factory=list)
    start: tuple[str | None, str | None] | None = None

    @property
    def empty(self) -> bool:
        """Tell whether publishing would change no text and no path."""
        return self.same_paths and not (self.added_blocks or self.removed_blocks or self.texts or self.start)

    @property
    def same_paths(self) -> bool:
        """Tell whether no transition is added or removed."""
        return not (self.added_transitions or self.removed_transitions)


def diff_flows(before: Document | None, after: Document) -> FlowDiff:
    """Return what changes from ``before`` (None: nothing published) to ``after``."""
    old, new = _blocks(before or {}), _blocks(after)
    old_edges, new_edges = _transitions(old), _transitions(new)
    old_start, new_start = (before or {}).get("start"), after.get("start")
    return FlowDiff(
        added_blocks=[b for b in new if b not in old],
        removed_blocks=[b for b in old if b not in new],
        texts=[change for block_id in new if block_id in old for change in _text_changes(old[block_id], new[block_id])],
        added_transitions=sorted(new_edges - old_edges),
        removed_transitions=sorted(old_edges - new_edges),
        start=(old_start, new_start) if old_start != new_start else None,
    )


def _blocks(document: Document) -> dict[str, Document]:
    blocks = document.get("blocks") or []
    return {b["id"]: b for b in blocks if isinstance(b, dict) and isinstance(b.get("id"), str)}


def _transitions(blocks: dict[str, Document]) -> set[Transition]:
    found = set()
    for block_id, block in blocks.items():
        if block.get("next"):
            found.add(Transition(block_id, "next", block["next"]))
        for option in _list(block.get("options")):
            if option.get("next"):
                found.add(Transition(block_id, f"option:{option.get('id')}", option["next"]))
        for n, branch in enumerate(_list(block.get("branches"))):
            if branch.get("next"):
                found.add(Transition(block_id, f"branch:{n + 1}", branch["next"]))
    return found


def _text_changes(old: Document, new: Document) -> list[TextChange]:
    changes = _changed(new["id"], None, old.get("text"), new.get("text"))
    old_options = {o.get("id"): o for o in _list(old.get("options"))}
    for option in _list(new.get("options")):
        # A new option's labels are all news; a removed option shows up in the paths and in the
        # labels the block no longer has.
        previous = old_options.pop(option.get("id"), {})
        changes += _changed(new["id"], option.get("id"), previous.get("label"), option.get("label"))
    for option_id, option in old_options.items():
        changes += _changed(new["id"], option_id, option.get("label"), None)
    return changes


def _changed(block: str, option: str | None, old: Any, new: Any) -> list[TextChange]:
    old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
    languages = [*new, *(lang for lang in old if lang not in new)]
    return [
        TextChange(block, option, lang, old.get(lang), new.get(lang))
        for lang in languages
        if old.get(lang) != new.get(lang)
    ]


def _list(value: Any) -> list[Document]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
