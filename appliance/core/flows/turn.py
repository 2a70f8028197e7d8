"""What one step of the engine produced: the bot's messages, the next input, the new state, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Turn:
    """What one step produced."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    input: dict[str, Any] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str, block_id: str | None) -> None:
        """Add a bot message (empty texts are not said)."""
        if text.strip():
            self.messages.append({"text": text, "block_id": block_id})

    def note(self, name: str, block_id: str | None = None, **data: Any) -> None:
        """Record an event for analytics, consent evidence and the lead."""
        self.events.append({"name": name, "block_id": block_id, "data": data})
