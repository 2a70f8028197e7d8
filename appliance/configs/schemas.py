"""What each kind of configuration may hold. A PUT is checked against its model before it is
stored, and every problem is reported at once with its path."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from appliance.core.scoring import ScoringConfig

Language = Literal["es", "ca", "pt", "en"]
PerLanguage = dict[Language, Annotated[str, Field(min_length=1, max_length=1000)]]
HexColor = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    """A configuration part that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid")


class Colors(Strict):
    """The store's colours; the text colour sits on the primary colour."""

    primary: HexColor = "#0f766e"
    text: HexColor = "#ffffff"


class BrandingConfig(Strict):
    """How the widget and the PDF summary look."""

    store_name: str | None = Field(default=None, max_length=200)
    colors: Colors = Field(default_factory=Colors)
    logo_url: str | None = Field(default=None, max_length=500)
    greeting: PerLanguage = Field(default_factory=dict)
    position: Literal["left", "right"] = "right"
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=40)


class TextsConfig(Strict):
    """How the bot speaks, per language: tone, length, how it closes, and texts of its own."""

    tone: dict[Language, Literal["informal", "formal"]] = Field(default_factory=dict)
    length: dict[Language, Literal["normal", "short"]] = Field(default_factory=dict)
    closing: Literal["book_visit", "call_back", "send_quote"] = "book_visit"
    overrides: dict[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")], PerLanguage] = Field(
        default_factory=dict
    )


class WidgetConfig(Strict):
    """Where and how the chat opens on the store's website."""

    position: Literal["left", "right"] = "right"
    open_on_load: bool = False
    open_delay_seconds: int = Field(default=0, ge=0, le=600)


Topic = Annotated[str, Field(min_length=1, max_length=100)]


class AIConfig(Strict):
    """The optional AI provider (the rules work without one), its models and its monthly spending cap.

    ``monthly_cap_eur`` can only lower the plan's cap (checked on save, where the plan is known);
    0 means "the plan's cap". ``cheap_model`` is used in economy mode.
    """

    provider: Literal["rules", "openai"] = "rules"
    model: str | None = Field(default=None, max_length=100)
    cheap_model: str | None = Field(default=None, max_length=100)
    monthly_cap_eur: float = Field(default=0, ge=0, le=100_000)
    send_personal_data: bool = False
    forbidden_topics: list[Topic] = Field(default_factory=list, max_length=30)
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=300, ge=16, le=4000)
    # The model rewords the welcome and closing ahead of time; each conversation hears one of them.
    vary_texts: bool = False


Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class PriceRange(Strict):
    """What a project of one style costs per m², from and to, in euros."""

    project_type: Literal["kitchen", "wardrobe", "furniture"]
    style: Slug | None = None
    min_eur_per_m2: float = Field(gt=0, le=100_000)
    max_eur_per_m2: float = Field(gt=0, le=100_000)

    @model_validator(mode="after")
    def _ordered(self) -> PriceRange:
        if self.max_eur_per_m2 < self.min_eur_per_m2:
            raise ValueError("max_eur_per_m2 must not be below min_eur_per_m2")
        return self


class CatalogueConfig(Strict):
    """What the store sells and at what prices per m²: the only prices a proposal may quote."""

    price_ranges: list[PriceRange] = Field(default_factory=list, max_length=60)
    lines: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(default_factory=list, max_length=40)


class RetentionConfig(Strict):
    """How long personal data is kept, in days."""

    conversations_days: int = Field(default=90, ge=1, le=3650)
    leads_days: int = Field(default=730, ge=1, le=3650)
    appointments_days: int = Field(default=730, ge=1, le=3650)
    # Photos and plans: those of a conversation that never became a lead go after a month, those
    # of a lead after half a year (counted from the upload), whatever the rows above say.
    attachments_days: int = Field(default=30, ge=1, le=3650)
    lead_files_days: int = Field(default=180, ge=1, le=3650)


class ServiceArea(Strict):
    """Where a home visit can go: exact postal codes and/or their first digits."""

    postal_codes: list[Annotated[str, Field(pattern=r"^[0-9A-Za-z -]{3,10}$")]] = Field(default_factory=list)
    prefixes: list[Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,6}$")]] = Field(default_factory=list)


class Service(Strict):
    """Something a visitor can book: its length, how many can happen at once, and where.

    A `home` visit (measuring at the customer's) needs a postal code inside the service area and
    blocks `travel_buffer_minutes` before and after itself for the trip.
    """

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    duration_minutes: int = Field(ge=15, le=480)
    capacity: int = Field(default=1, ge=1, le=50)
    name: PerLanguage = Field(default_factory=dict)
    location: Literal["showroom", "home"] = "showroom"
    travel_buffer_minutes: int = Field(default=0, ge=0, le=240)
    service_area: ServiceArea | None = None


class Closure(Strict):
    """A period the store is closed (holidays in August, an inventory day...)."""

    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("give times with an offset, e.g. 2026-08-10T00:00:00+02:00")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


Interval = tuple[str, str]


class AgendaConfig(Strict):
    """Opening hours, services and the rules slots are offered by (see API.md)."""

    timezone: str = "Europe/Madrid"
    slot_minutes: Literal[15, 30, 60] = 30
    min_notice_minutes: int = Field(default=120, ge=0, le=60 * 24 * 14)
    max_days_ahead: int = Field(default=60, ge=1, le=365)
    services: list[Service] = Field(min_length=1, max_length=20)
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[Interval]]
    holidays: list[date] = Field(default_factory=list)
    closures: list[Closure] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Madrid") from None
        return value

    @field_validator("weekly")
    @classmethod
    def _hours(cls, weekly: dict[str, list[Interval]]) -> dict[str, list[Interval]]:
        problems = []
        for day, spans in weekly.items():
            problems += _interval_problems(day, spans)
        if problems:
            raise ValueError("; ".join(problems))
        return {day: weekly.get(day, []) for day in WEEKDAYS}

    @model_validator(mode="after")
    def _unique_services(self) -> AgendaConfig:
        ids = [s.id for s in self.services]
        if len(ids) != len(set(ids)):
            raise ValueError("services: two services have the same id")
        return self


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _interval_problems(day: str, spans: list[Interval]) -> list[str]:
    problems, previous_end = [], None
    for i, (opens, closes) in enumerate(spans):
        if not (_CLOCK.match(opens) and _CLOCK.match(closes)):
            problems.append(f"{day}[{i}]: times are HH:MM, e.g. 09:30")
            continue
        if time.fromisoformat(opens) >= time.fromisoformat(closes):
            problems.append(f"{day}[{i}]: opens at {opens} but closes at {closes}")
        if previous_end and time.fromisoformat(opens) < previous_end:
            problems.append(f"{day}[{i}]: overlaps the interval before it")
        previous_end = time.fromisoformat(closes)
    return problems


MODELS: dict[str, type[BaseModel]] = {
    "branding": BrandingConfig,
    "texts": TextsConfig,
    "widget": WidgetConfig,
    "scoring": ScoringConfig,
    "agenda": AgendaConfig,
    "ai": AIConfig,
    "retention": RetentionConfig,
    "catalogue": CatalogueConfig,
}


def defaults_of(kind: str) -> dict[str, Any] | None:
    """Return the payload a kind has when a store never saved one (None if it has no default)."""
    if kind == "agenda":
        return None
    return MODELS[kind]().model_dump(mode="json")
