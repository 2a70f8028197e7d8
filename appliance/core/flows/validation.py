"""Validation of flow documents: every problem at once, each with the path where it is.

Each problem also carries a machine-readable ``code`` and its ``params`` (see ``explain_flow``), so
an interface can say it in its reader's language; ``validate_flow`` answers the plain
``{"path", "message"}`` shape the API has always had.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from appliance.core.flows.choices import simplify
from appliance.core.flows.schema import (
    AnyBlock,
    ButtonsBlock,
    ConditionBlock,
    EndBlock,
    FlowDocument,
    InputBlock,
    RangeBlock,
    exits,
    is_question,
)

Problem = dict[str, str]
# A problem with its code and params: {"path", "message", "code", "params"}.
CodedProblem = dict[str, Any]
_BLOCK = TypeAdapter(AnyBlock)
_BLOCK_TYPES = {"message", "buttons", "input", "date", "range", "media", "condition", "end"}


def validate_flow(data: Any) -> tuple[FlowDocument | None, list[Problem]]:
    """Return the parsed flow and no problems, or None and every problem found (path and message).

    Blocks are checked one by one, so a malformed block does not hide the problems of the others.
    """
    flow, problems = explain_flow(data)
    return flow, [{"path": p["path"], "message": p["message"]} for p in problems]


def explain_flow(data: Any) -> tuple[FlowDocument | None, list[CodedProblem]]:
    """Return what ``validate_flow`` does, each problem with its ``code`` and ``params`` too.

    Schema problems are coded by pydantic's error type (``missing``, ``string_too_long``...) with
    its context as params; the checks below have codes of their own (``unknown_block``...).
    """
    try:
        flow = FlowDocument.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(_path(e["loc"]), e["type"], e["msg"], **_params(e)) for e in exc.errors()]
        return None, problems + _problems_of_the_sound_blocks(data)
    problems = _semantic(flow)
    return (None, problems) if problems else (flow, [])


def _problem(path: str, code: str, message: str, **params: Any) -> CodedProblem:
    return {"path": path, "message": message, "code": code, "params": params}


def _params(error: Any) -> dict[str, Any]:
    # Only plain values travel: pydantic's context may hold compiled patterns or exceptions.
    context = error.get("ctx") or {}
    found = {k: v for k, v in context.items() if isinstance(v, str | int | float | bool)}
    if error["type"] in {"literal_error", "union_tag_invalid"} and isinstance(error.get("input"), str):
        found["value"] = error["input"][:64]
    return found


def _problems_of_the_sound_blocks(data: Any) -> list[CodedProblem]:
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
        return []
    languages = [lang for lang in data.get("languages") or [] if isinstance(lang, str)]
    ids = {b.get("id") for b in data["blocks"] if isinstance(b, dict)}
    found: list[CodedProblem] = []
    for i, raw in enumerate(data["blocks"]):
        try:
            block = _BLOCK.validate_python(raw)
        except ValidationError:
            continue  # already reported with the document's own errors
        where = f"blocks[{i}]"
        found += _check_exits(block, where, ids) + _check_texts(block, where, languages)
        found += _check_options(block, where) + _check_bounds(block, where)
        found += _check_synonyms(block, where, languages)
    return found


def _path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for i, part in enumerate(loc):
        if _is_union_tag(loc, i):
            continue
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts).replace(".not_", ".not").replace(".if_", ".if") or "flow"


def _is_union_tag(loc: tuple[int | str, ...], i: int) -> bool:
    # pydantic puts the chosen member of a union into the location: blocks.3.buttons.options,
    # branches.0.if_.compare.op, if_.all.all.0 ... Those names are not part of the document.
    part, before = loc[i], loc[i - 1] if i else None
    after = loc[i + 1] if i + 1 < len(loc) else None
    if part == "compare":
        return True
    if part in _BLOCK_TYPES and isinstance(before, int):
        return True
    return part in {"all", "any", "not"} and after in {part, f"{part}_"}


def semantic_problems(flow: FlowDocument) -> list[Problem]:
    """Return the problems a well-formed document can still have."""
    return [{"path": p["path"], "message": p["message"]} for p in _semantic(flow)]


def _semantic(flow: FlowDocument) -> list[CodedProblem]:
    problems: list[CodedProblem] = []
    ids = _check_ids(flow, problems)
    if flow.default_language not in flow.languages:
        problems.append(
            _problem("default_language", "default_language_not_declared", "must be one of the flow's languages")
        )
    if flow.start not in ids:
        problems.append(_problem("start", "unknown_block", f"there is no block {flow.start!r}", target=flow.start))
    for i, block in enumerate(flow.blocks):
        where = f"blocks[{i}]"
        problems += _check_exits(block, where, ids)
        problems += _check_texts(block, where, flow.languages)
        problems += _check_options(block, where)
        problems += _check_bounds(block, where)
        problems += _check_synonyms(block, where, flow.languages)
    if not problems:
        problems += _check_reachable(flow) + _check_silent_cycles(flow)
    return problems


def _check_ids(flow: FlowDocument, problems: list[CodedProblem]) -> set[str]:
    seen: set[str] = set()
    for i, block in enumerate(flow.blocks):
        if block.id in seen:
            problems.append(
                _problem(f"blocks[{i}].id", "duplicate_block", f"duplicate block id {block.id!r}", id=block.id)
            )
        seen.add(block.id)
    return seen


def _check_exits(block: Any, where: str, ids: set[str]) -> list[CodedProblem]:
    found = [
        _problem(f"{where}.{path}", "unknown_block", f"there is no block {target!r}", target=target)
        for path, target in exits(block)
        if target not in ids
    ]
    if isinstance(block, EndBlock):
        return found
    if isinstance(block, ConditionBlock) and not block.next:
        found.append(
            _problem(f"{where}.next", "condition_without_next", "a condition needs a next for when no branch holds")
        )
    elif isinstance(block, ButtonsBlock) and not block.next and any(not o.next for o in block.options):
        found.append(
            _problem(f"{where}.next", "options_dead_end", "dead end: options without their own next go nowhere")
        )
    elif not isinstance(block, ButtonsBlock | ConditionBlock) and not block.next:
        found.append(_problem(f"{where}.next", "dead_end", "dead end: add a next block or use an end block"))
    return found


def _check_texts(block: Any, where: str, languages: list[str]) -> list[CodedProblem]:
    texts: list[tuple[str, dict[str, str] | None]] = [(f"{where}.text", getattr(block, "text", None))]
    if isinstance(block, ButtonsBlock):
        texts += [(f"{where}.options[{j}].label", o.label) for j, o in enumerate(block.options)]
    found = []
    for path, text in texts:
        if text is None:
            continue
        found += [
            _problem(f"{path}.{lang}", "missing_translation", "missing translation", language=lang)
            for lang in languages
            if lang not in text
        ]
        found += [
            _problem(f"{path}.{lang}", "undeclared_language", "language not declared by the flow", language=lang)
            for lang in text
            if lang not in languages
        ]
    return found


def _check_options(block: Any, where: str) -> list[CodedProblem]:
    if not isinstance(block, ButtonsBlock):
        return []
    found, seen = [], set()
    for j, option in enumerate(block.options):
        if option.id in seen:
            found.append(
                _problem(
                    f"{where}.options[{j}].id", "duplicate_option", f"duplicate option id {option.id!r}", id=option.id
                )
            )
        seen.add(option.id)
    if block.consent and block.consent.grant_option not in seen:
        found.append(_problem(f"{where}.consent.grant_option", "consent_option_missing", "is not one of the options"))
    return found


def _check_synonyms(block: Any, where: str, languages: list[str]) -> list[CodedProblem]:
    """Find synonyms in undeclared languages, and synonyms that would name two options of a block."""
    if not isinstance(block, ButtonsBlock):
        return []
    found: list[CodedProblem] = []
    owner: dict[str, str] = {}
    for j, option in enumerate(block.options):
        for lang, words in (option.synonyms or {}).items():
            path = f"{where}.options[{j}].synonyms.{lang}"
            if lang not in languages:
                found.append(_problem(path, "undeclared_language", "language not declared by the flow", language=lang))
            for k, word in enumerate(words):
                key = simplify(word)
                if not key:
                    found.append(_problem(f"{path}[{k}]", "synonym_empty", "has no letters or digits"))
                elif owner.setdefault(key, option.id) != option.id:
                    message = f"also names option {owner[key]!r}"
                    found.append(_problem(f"{path}[{k}]", "synonym_taken", message, word=word, option=owner[key]))
    return found


def _check_bounds(block: Any, where: str) -> list[CodedProblem]:
    bounded = isinstance(block, RangeBlock | InputBlock) and None not in (block.min, block.max)
    if bounded and block.min >= block.max:
        return [_problem(f"{where}.max", "max_not_above_min", "must be greater than min", min=block.min)]
    return []


def _check_reachable(flow: FlowDocument) -> list[CodedProblem]:
    reached, todo = set(), [flow.start]
    while todo:
        block_id = todo.pop()
        if block_id in reached:
            continue
        reached.add(block_id)
        todo += [target for _, target in exits(flow.block(block_id))]
    return [
        _problem(f"blocks[{i}]", "unreachable", f"block {b.id!r} cannot be reached from start", id=b.id)
        for i, b in enumerate(flow.blocks)
        if b.id not in reached
    ]


def _check_silent_cycles(flow: FlowDocument) -> list[CodedProblem]:
    """Find loops made only of blocks that never wait for the visitor: the bot would talk forever."""
    silent = {b.id for b in flow.blocks if not is_question(b)}
    graph = {bid: [t for _, t in exits(flow.block(bid)) if t in silent] for bid in silent}
    in_cycle = _nodes_on_cycles(graph)
    positions = {b.id: i for i, b in enumerate(flow.blocks)}
    return [
        _problem(
            f"blocks[{positions[bid]}]", "silent_loop", "part of a loop with no question: the bot would never stop"
        )
        for bid in sorted(in_cycle, key=positions.__getitem__)
    ]


def _nodes_on_cycles(graph: dict[str, list[str]]) -> set[str]:
    # A node is on a cycle when it can reach itself; flows are small, so a walk per node is fine.
    on_cycle = set()
    for node in graph:
        todo, seen = list(graph[node]), set()
        while todo:
            current = todo.pop()
            if current == node:
                on_cycle.add(node)
                break
            if current not in seen:
                seen.add(current)
                todo += graph[current]
    return on_cycle
