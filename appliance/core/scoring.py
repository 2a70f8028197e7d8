"""Lead scoring: how good a lead is, from 0 to 100, with the points each factor gave.

Each factor turns what the visitor said into a fraction between 0 and 1 on its own scale; the
fraction times the factor's weight (in percent) gives its points. Points are rounded so that the
breakdown always adds up exactly to the score staff see.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FACTORS = ("budget", "urgency", "area", "style", "origin")
STYLES = ("modern", "minimalist", "classic", "rustic", "industrial", "nordic")


Fraction = Annotated[float, Field(ge=0, le=1)]


class Temperatures(BaseModel):
    """Lowest score of each temperature above cold."""

    model_config = ConfigDict(extra="forbid")
    warm: int = Field(default=40, ge=1, le=100)
    hot: int = Field(default=70, ge=1, le=100)
    premium: int = Field(default=90, ge=1, le=100)


class ScoringConfig(BaseModel):
    """A tenant's scoring rules (PUT /v1/config/scoring)."""

    model_config = ConfigDict(extra="forbid")
    weights: dict[str, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: {"budget": 40, "urgency": 25, "area": 20, "style": 10, "origin": 5}
    )
    budget_brackets: list[tuple[Annotated[float, Field(ge=0)], Fraction]] = Field(
        default_factory=lambda: [(0, 0.1), (3000, 0.3), (6000, 0.5), (10000, 0.8), (15000, 0.9), (25000, 1.0)],
        min_length=1,
    )
    area_brackets: list[tuple[Annotated[float, Field(ge=0)], Fraction]] = Field(
        default_factory=lambda: [(0, 0.2), (4, 0.4), (8, 0.6), (12, 0.8), (20, 1.0)], min_length=1
    )
    urgency_levels: dict[str, Fraction] = Field(
        default_factory=lambda: {"urgent": 1.0, "soon": 0.8, "later": 0.4, "exploring": 0.1}
    )
    style_values: dict[str, Fraction] = Field(default_factory=lambda: {"named": 1.0, "undecided": 0.3})
    origin_values: dict[str, Fraction] = Field(default_factory=lambda: {"web": 1.0, "whatsapp": 1.0})
    temperatures: Temperatures = Field(default_factory=Temperatures)

    @model_validator(mode="after")
    def _consistent(self) -> ScoringConfig:
        problems = semantic_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(f"{p['path']}: {p['message']}" for p in problems))
        return self


def semantic_problems(raw: Any) -> list[dict[str, str]]:
    """Return what no single field can tell: weights adding up to 100, rising thresholds.

    Works on raw, possibly malformed data, so a payload with a bad field still gets these
    problems reported alongside it.
    """
    if not isinstance(raw, dict):
        return []
    found = _weight_problems(raw.get("weights"))
    for name in ("budget_brackets", "area_brackets"):
        thresholds = [b[0] for b in raw.get(name) or [] if isinstance(b, list | tuple) and b]
        if all(isinstance(t, int | float) for t in thresholds) and thresholds != sorted(set(thresholds)):
            found.append({"path": name, "message": "thresholds must rise strictly"})
    limits = raw.get("temperatures") or {}
    if isinstance(limits, dict):
        order = [limits.get(k, d) for k, d in (("warm", 40), ("hot", 70), ("premium", 90))]
        if all(isinstance(v, int) for v in order) and not order[0] < order[1] < order[2]:
            found.append({"path": "temperatures", "message": "must rise: warm < hot < premium"})
    return found


def _weight_problems(weights: Any) -> list[dict[str, str]]:
    if weights is None:
        return []
    if not isinstance(weights, dict):
        return []
    found = [{"path": f"weights.{k}", "message": "unknown factor"} for k in weights if k not in FACTORS]
    found += [{"path": f"weights.{k}", "message": "missing"} for k in FACTORS if k not in weights]
    numbers = [v for v in weights.values() if isinstance(v, int | float) and not isinstance(v, bool)]
    if not found and len(numbers) == len(weights) and sum(numbers) != 100:
        found.append({"path": "weights", "message": f"must add up to 100 (they add up to {sum(numbers):g})"})
    return found


def parse_scoring(payload: Any) -> tuple[ScoringConfig | None, list[dict[str, str]]]:
    """Return the config, or None and every problem with its path."""
    try:
        return ScoringConfig.model_validate(payload), []
    except ValidationError as exc:
        fields = [
            {"path": ".".join(str(p) for p in e["loc"]) or "scoring", "message": e["msg"]}
            for e in exc.errors()
            if e["loc"]
        ]
        return None, fields + semantic_problems(payload)


def _bracket(value: float, brackets: list[tuple[float, float]]) -> float:
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
