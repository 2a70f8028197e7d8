"""What a model's tokens cost, in euros per million tokens, and what one call cost.

The built-in table holds the gpt-4.1 family (OpenAI's list prices in dollars, at 0.92 € a dollar);
EBANISTA_AI_PRICES overrides or adds models. A model with no price costs nothing: a local server
(llama.cpp, vLLM, Ollama) runs on the store's own machine.
"""

from __future__ import annotations

from decimal import Decimal

from appliance.infra.settings import Settings, parse_prices

BUILT_IN: dict[str, dict[str, float]] = {
    "gpt-4.1": {"input_eur_per_mtok": 1.84, "output_eur_per_mtok": 7.36},
    "gpt-4.1-mini": {"input_eur_per_mtok": 0.368, "output_eur_per_mtok": 1.472},
    "gpt-4.1-nano": {"input_eur_per_mtok": 0.092, "output_eur_per_mtok": 0.368},
}
MILLION = Decimal(1_000_000)


def price_table(settings: Settings) -> dict[str, dict[str, float]]:
    """Return the prices in force: the built-in table with the operator's prices over it."""
    return BUILT_IN | (parse_prices(settings.ai_prices) if settings.ai_prices else {})


def cost_eur(prices: dict[str, dict[str, float]], model: str, tokens_in: int, tokens_out: int) -> Decimal:
    """Return what ``tokens_in`` and ``tokens_out`` of ``model`` cost, to the millionth of a euro."""
    price = prices.get(model)
    if price is None:
        return Decimal(0)
    amount = (
        Decimal(tokens_in) * Decimal(str(price["input_eur_per_mtok"]))
        + Decimal(tokens_out) * Decimal(str(price["output_eur_per_mtok"]))
    ) / MILLION
    return amount.quantize(Decimal("0.000001"))
