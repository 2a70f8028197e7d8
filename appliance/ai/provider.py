"""The one shape of an AI provider, and the error it raises when it cannot answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from appliance.errors import ExternalError


class ProviderError(ExternalError):
    """A provider could not answer: ``permanent`` when retrying cannot help (bad key, bad schema)."""


@dataclass(frozen=True)
class Ask:
    """What a provider is asked to read: the visitor's text, in which language and country."""

    text: str
    language: str
    country: str = "ES"


class Provider(Protocol):
    """Reads a visitor's message (``understand``) and writes a sentence for them (``write``)."""

    name: str

    def understand(self, ask: Ask) -> dict[str, Any]:
        """Return the facts the text states, with the keys of ``ebanista nlu --json``; raise ProviderError."""
        ...

    def write(self, instruction: str, language: str) -> str:
        """Return a sentence for the visitor following ``instruction``; raise ProviderError."""
        ...
