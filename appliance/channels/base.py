"""The one shape of a channel, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from appliance.core.flows.answers import Reply
from appliance.errors import ExternalError


class ChannelError(ExternalError):
    """A channel could not take or deliver a message: ``permanent`` when retrying cannot help."""


@dataclass(frozen=True)
class Inbound:
    """One message from a visitor, as every channel hands it to the turn."""

    reply: Reply
    language: str | None = None
    idempotency_key: str | None = None


class Channel(Protocol):
    """Parses inbound messages and renders a turn's answer for its medium."""

    name: str

    def parse(self, payload: dict[str, Any]) -> Inbound:
        """Return the visitor's message in ``payload``; raise ChannelError when there is none."""
        ...

    def render(self, answer: dict[str, Any]) -> Any:
        """Return the turn answer in the form this channel sends."""
        ...
