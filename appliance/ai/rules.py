"""The rules provider: the deterministic understanding of the core, always available and free."""

from __future__ import annotations

from typing import Any

from appliance.ai.provider import Ask, ProviderError
from appliance.core.understanding import understand


class RulesProvider:
    """Understands with the core's rules; writes nothing of its own (the flow's texts are used)."""

    name = "rules"

    def understand(self, ask: Ask) -> dict[str, Any]:
        """Return the facts the rules read in the text."""
        return understand(ask.text, default_language=ask.language, default_country=ask.country)

    def write(self, instruction: str, language: str) -> str:
        """Refuse: the rules have no words of their own, so callers keep the flow's text."""
        raise ProviderError("the rules provider does not write", permanent=True)


RULES = RulesProvider()
