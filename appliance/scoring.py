"""Lead scoring: how good a lead is, from 0 to 100, with the points each factor gave.

Each factor turns what the visitor said into a fraction between 0 and 1 on its own scale; the
fraction times the factor's weight (in percent) gives its points. Points are rounded so that the
breakdown always adds up exactly to the score staff see.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FACTORS = ("budget", "urgency", "area", "style", "origin")
STYLES = ("modern", "minimalist", "classic", "rustic", "industrial", "nordic")
Bracket = tuple[float, float]  # (from this amount up, fraction)


class Temperatures(BaseModel):
    """Lowest score of each temperature above cold."""

    model_config = ConfigDict(extra="forbid")
    warm: int = Field(default=40, ge=1, le=100)
    hot: int = Field(default=70, ge=1, le=100)
    premium: int = Field(default=90, ge=1, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Temperatures:
        if not self.warm < self.hot < self.premium:
            raise ValueError("must rise: warm < hot < premium")
        return self


class ScoringConfig(BaseModel):
    """A tenant's scoring rules (PUT /v1/config/scoring)."""

    model_config = ConfigDict(extra="forbid")
    weights: dict[str, int] = Field(
        default_factory=lambda: {"budget": 40, "urgency": 25, "area": 20, "style": 10, "origin": 5}
    )
    budget_brackets: list[Bracket] = Field(
        default_factory=lambda: [(0, 0.1), (3000, 0.3), (6000, 0.5), (10000, 0.8), (15000, 0.9), (25000, 1.0)],
        min_length=1,
    )
    area_brackets: list[Bracket] = Field(
        default_factory=lambda: [(0, 0.2), (4, 0.4), (8, 0.6), (12, 0.8), (20, 1.0)], min_length=1
    )
    urgency_levels: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 1.0, "soon": 0.8, "later": 0.4, "exploring": 0.1}
    )
    style_values: dict[str, float] = Field(default_factory=lambda: {"named": 1.0, "undecided": 0.3})
    origin_values: dict[str, float] = Field(default_factory=lambda: {"web": 1.0, "whatsapp": 1.0})
    temperatures: Temperatures = Field(default_factory=Temperatures)

    @model_validator(mode="after")
    def _consistent(self) -> ScoringConfig:
        problems = _weight_problems(self.weights) + _bracket_problems(self)
        problems += [
            f"{name}.{key}: must be between 0 and 1"
            for name in ("urgency_levels", "style_values", "origin_values")
            for key, value in getattr(self, name).items()
            if not 0 <= value <= 1
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _weight_problems(weights: dict[str, int]) -> list[str]:
    found = [f"weights.{k}: unknown factor" for k in weights if k not in FACTORS]
    found += [f"weights.{k}: missing" for k in FACTORS if k not in weights]
    found += [f"weights.{k}: must be between 0 and 100" for k, v in weights.items() if not 0 <= v <= 100]
    if not found and sum(weights.values()) != 100:
        found.append(f"weights: must add up to 100 (they add up to {sum(weights.values())})")
    return found


def _bracket_problems(config: ScoringConfig) -> list[str]:
    found = []
    for name in ("budget_brackets", "area_brackets"):
        brackets = getattr(config, name)
        if [b[0] for b in brackets] != sorted({b[0] for b in brackets}):
            found.append(f"{name}: thresholds must rise strictly")
        found += [
            f"{name}[{i}]: fraction must be between 0 and 1" for i, b in enumerate(brackets) if not 0 <= b[1] <= 1
        ]
    return found


def parse_scoring(payload: dict[str, Any]) -> tuple[ScoringConfig | None, list[dict[str, str]]]:
    """Return the config, or None and every problem with its path."""
    try:
        return ScoringConfig.model_validate(payload), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = ".".join(str(p) for p in error["loc"]) or "scoring"
            for message in error["msg"].removeprefix("Value error, ").split("; "):
                where, _, what = message.partition(": ")
                problems.append(
                    {"path": where, "message": what}
                    if what and not error["loc"]
                    else {"path": path, "message": message}
                )
        return None, problems


def _bracket(value: float, brackets: list[Bracket]) -> float:
    fraction = 0.0
    for threshold, share in brackets:
        if value >= threshold:
            fraction = share
    return fraction


def fractions(fields: dict[str, Any], channel: str, config: ScoringConfig) -> dict[str, float]:
    """Return how far each factor goes, from 0 (nothing known or weak) to 1 (best)."""
    budget = fields.get("budget_max_eur") or fields.get("budget_min_eur")
    style = fields.get("style")
    return {
        "budget": _bracket(budget, config.budget_brackets) if budget else 0.0,
        "urgency": config.urgency_levels.get(fields.get("urgency") or "", 0.0),
        "area": _bracket(fields["area_m2"], config.area_brackets) if fields.get("area_m2") else 0.0,
        "style": config.style_values.get("named" if style in STYLES else style or "", 0.0),
        "origin": config.origin_values.get(channel, 0.0),
    }


def score(fields: dict[str, Any], channel: str, config: ScoringConfig | None = None) -> tuple[int, dict[str, float]]:
    """Return the score and its breakdown by factor; the breakdown adds up to the score."""
    config = config or ScoringConfig()
    raw = {k: config.weights[k] * f for k, f in fractions(fields, channel, config).items()}
    points = {k: math.floor(v) for k, v in raw.items()}
    # Largest remainders get the points that flooring lost, so the parts add up to the rounded total.
    missing = round(sum(raw.values())) - sum(points.values())
    for key in sorted(raw, key=lambda k: raw[k] - points[k], reverse=True)[:missing]:
        points[key] += 1
    return sum(points.values()), {k: float(points[k]) for k in FACTORS}


def temperature(value: int, config: ScoringConfig | None = None) -> str:
    """Return cold, warm, hot or premium for a score."""
    limits = (config or ScoringConfig()).temperatures
    if value >= limits.premium:
        return "premium"
    if value >= limits.hot:
        return "hot"
    return "warm" if value >= limits.warm else "cold"
