"""What the widget should offer for the question a conversation waits on (a turn answer's `input`)."""

from __future__ import annotations

from typing import Any

from appliance.core.flows.answers import Context
from appliance.core.flows.dates import date_input
from appliance.core.flows.schema import (
    ButtonsBlock,
    DateBlock,
    FlowDocument,
    InputBlock,
    MediaBlock,
    Question,
    RangeBlock,
)
from appliance.core.flows.texts import pick


def current_input(flow: FlowDocument, s: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    """Return the input of the question the conversation waits on, or None when it waits on none."""
    if s["status"] != "active" or not s["block"]:
        return None
    return input_spec(flow, flow.block(s["block"]), s, ctx)  # type: ignore[arg-type]


def input_spec(flow: FlowDocument, block: Question, s: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Describe what the widget should offer for ``block`` (the turn answer's `input`)."""
    spec: dict[str, Any] = {"block_id": block.id, "required": not block.optional}
    if isinstance(block, ButtonsBlock):
        labels = [{"id": o.id, "label": pick(o.label, s["language"], flow.default_language)} for o in block.options]
        return spec | {"type": "buttons", "options": labels}
    if isinstance(block, InputBlock):
        spec["type"] = block.kind
        if block.kind == "number":
            spec |= {"min": block.min, "max": block.max, "unit": block.unit}
        return spec
    if isinstance(block, RangeBlock):
        return spec | {"type": "range", "min": block.min, "max": block.max, "step": block.step, "unit": block.unit}
    if isinstance(block, DateBlock):
        return spec | date_input(block, ctx, s)
    if isinstance(block, MediaBlock):
        return spec | {
            "type": "media",
            "accept": list(block.accept),
            "max_bytes": block.max_bytes,
            "max_files": block.max_files,
        }
    raise AssertionError(f"not a question: {block.id}")
