"""Request and response models shared by the API resources (they document the OpenAPI too)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from appliance.infra.calendar_bounds import OUT_OF_BOUNDS, within_bounds

Language = Literal["es", "ca", "pt", "en"]

# The largest value an INTEGER column holds on both databases: a number past it would reach the
# query and fail there (OverflowError on SQLite, DataError on PostgreSQL) instead of answering 422.
INTEGER_MAX = 2**31 - 1

# A version number (of a flow or a configuration), as a path parameter or a body field. Strict, so
# that a JSON true is not read as version 1 (the path's int converter hands over an int already).
Version = Annotated[int, Field(strict=True, ge=1, le=INTEGER_MAX)]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")


def _written_as(pattern: re.Pattern[str], kind: type, example: str) -> Any:
    # pydantic alone would read a number, or a string of digits, as a Unix time ("to=0" was the
    # first of January 1970): a day or a moment must be written out as the document says.
    def check(value: object) -> object:
        if isinstance(value, kind) or (isinstance(value, str) and pattern.fullmatch(value)):
            return value
        raise PydanticCustomError("written_out", "must be written like {example}", {"example": example})

    return BeforeValidator(check)


def _bounded(value: date) -> date:
    if not within_bounds(value):
        raise PydanticCustomError("out_of_bounds", OUT_OF_BOUNDS)
    return value


# A local day (YYYY-MM-DD), and a moment (ISO 8601 date and time), as queries and bodies take them.
Day = Annotated[date, _written_as(_ISO_DAY, date, "2026-03-30"), AfterValidator(_bounded)]
Moment = Annotated[datetime, _written_as(_ISO_MOMENT, datetime, "2026-03-30T09:30:00+02:00"), AfterValidator(_bounded)]


class Body(BaseModel):
    """A request body that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid")


# The Idempotency-Key header of retryable writes, documented by hand: flask-openapi3 rebuilds a
# header model's JSON schema on every request (about a millisecond), so handlers read it directly.
IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retries with the same key and body within 24 h get the first answer again.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class AttachmentOut(BaseModel):
    """A photo or plan of the visitor's conversation, with signed links valid for a day."""

    id: str = Field(description="The value to send as (one of) the media question's answer.")
    name: str
    content_type: str
    size: int
    url: str | None = Field(description="The file itself; null once the conversation has ended.")
    thumbnail_url: str | None = Field(description="A JPEG of at most 320 px (images only).")


class MessageOut(BaseModel):
    """One message of a conversation."""

    id: str
    role: Literal["visitor", "bot", "staff", "system"]
    text: str | None
    block_id: str | None
    created_at: str
    attachments: list[AttachmentOut] = Field(default_factory=list, description="The files this message answered with.")


class LeadBrief(BaseModel):
    """The lead a conversation produced, as the visitor's widget sees it."""

    id: str
    score: int
    temperature: Literal["cold", "warm", "hot", "premium"]


class TurnAnswer(BaseModel):
    """What the bot answers to each turn (and what GET /v1/chat/{session_id} restores)."""

    session_id: str
    language: Language
    status: Literal["active", "completed", "expired"]
    messages: list[MessageOut]
    input: dict[str, Any] | None = Field(description="What the widget should offer next; null when finished.")
    lead: LeadBrief | None


class Page(BaseModel):
    """A page of a list."""

    items: list[dict[str, Any]]
    next_cursor: str | None
