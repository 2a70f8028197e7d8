"""What one step of the engine produced: the bot's messages, the next input, the new state, events,
and what the engine asks its caller to do before the turn can finish."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from appliance.core.flows.intents import Intent


@dataclass(frozen=True)
class Answering:
    """How the reply being taken as the answer to the current block came."""

    via: str  # the reply's kind
    noted: tuple[str, ...] = ()  # the variables the reply's free text filled
    facts: dict[str, Any] = field(default_factory=dict)  # what understanding read in it


@dataclass
class Turn:
    """What one step produced."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    input: dict[str, Any] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    # What the caller must carry out before the turn can go on (see engine.resume).
    intents: list[Intent] = field(default_factory=list)
    # The reply whose answer the engine stopped taking until it learns what came of ``intents``.
    paused: Answering | None = None

    def say(self, text: str, block_id: str | None) -> None:
        """Add a bot message (empty texts are not said)."""
        if text.strip():
            self.messages.append({"text": text, "block_id": block_id})

    def note(self, name: str, block_id: str | None = None, **data: Any) -> None:
        """Record an event for analytics, consent evidence and the lead."""
        self.events.append({"name": name, "block_id": block_id, "data": data})
