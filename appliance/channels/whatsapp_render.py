"""A turn answer as WhatsApp messages: the bubbles merged into one, with the next input as buttons or a list.

The web widget draws several short bubbles and an input; WhatsApp gets one message: the bubbles'
texts joined, carrying up to 3 reply buttons (titles up to 20 characters) or a list of up to 10
rows (titles up to 24) for more options and for appointment slots. Every row and button id is the
option id or the slot start, so a tap comes back as the answer the web would send. Inputs that
are typed (numbers, names, e-mails) need no buttons: the text box is the input, as on the web.
"""

from __future__ import annotations

from typing import Any

from appliance.channels.whatsapp_texts import say, short_slot
from appliance.core.flows.dates import MORE_DATES

SKIP_ID = "__skip"
MAX_BUTTONS, BUTTON_TITLE = 3, 20
MAX_ROWS, ROW_TITLE, ROW_DESCRIPTION, SECTION_TITLE, LIST_BUTTON = 10, 24, 72, 24, 20
MAX_BODY, MAX_TEXT = 1024, 4096


def render(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the messages (Send API bodies without the recipient) that say ``answer``."""
    language = answer.get("language") or "es"
    said = [m["text"] for m in answer.get("messages", []) if m.get("text")]
    # A question asked again in the same turn (free text before it was answered) is said once, last.
    texts = [t for n, t in enumerate(said) if t not in said[n + 1 :]]
    spec = answer.get("input")
    action = _action(spec, language) if spec else None
    if action is None:
        return [_text("\n\n".join(texts))] if texts else []
    body = "\n\n".join(texts)
    before: list[dict[str, Any]] = []
    if len(body) > MAX_BODY:
        # Too long to carry buttons: the earlier bubbles go first, the question carries them.
        before, body = [_text("\n\n".join(texts[:-1]))], texts[-1]
    return [*before, {"type": "interactive", "interactive": {"body": {"text": _cut(body or "…", MAX_BODY)}, **action}}]


def _text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": _cut(body, MAX_TEXT), "preview_url": False}}


def _action(spec: dict[str, Any], language: str) -> dict[str, Any] | None:
    kind = spec.get("type")
    if kind == "buttons":
        choices = [(o["id"], o["label"]) for o in spec.get("options", [])]
        return _buttons(choices) or _list(choices, say("see_options", language), say("options", language))
    if kind == "date":
        optional = not spec.get("required", True)
        room = MAX_ROWS - 1 - int(optional)
        rows = [(s["start"], short_slot(s["start"], language)) for s in spec.get("slots", [])][:room]
        more = spec.get("more") or {}
        rows.append((more.get("id", MORE_DATES), more.get("label") or "…"))
        if optional:
            rows.append((SKIP_ID, say("skip", language)))
        return _list(rows, say("see_times", language), say("free_times", language))
    if not spec.get("required", True):
        return _buttons([(SKIP_ID, say("skip", language))])
    return None


def _buttons(choices: list[tuple[str, str]]) -> dict[str, Any] | None:
    """Return reply buttons when every choice fits one (at most 3, titles whole and distinct)."""
    titles = [label for _id, label in choices]
    if not choices or len(choices) > MAX_BUTTONS or any(len(t) > BUTTON_TITLE for t in titles):
        return None
    if len(set(titles)) != len(titles):
        return None
    buttons = [{"type": "reply", "reply": {"id": option_id, "title": title}} for option_id, title in choices]
    return {"type": "button", "action": {"buttons": buttons}}


def _list(rows: list[tuple[str, str]], button: str, section: str) -> dict[str, Any]:
    """Return a list of at most 10 rows; a title too long keeps its start and shows whole below."""
    shown = []
    for row_id, label in rows[:MAX_ROWS]:
        row = {"id": row_id, "title": _cut(label, ROW_TITLE)}
        if len(label) > ROW_TITLE:
            row["description"] = _cut(label, ROW_DESCRIPTION)
        shown.append(row)
    sections = [{"title": _cut(section, SECTION_TITLE), "rows": shown}]
    return {"type": "list", "action": {"button": _cut(button, LIST_BUTTON), "sections": sections}}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
