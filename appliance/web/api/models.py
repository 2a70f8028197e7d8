"""Request and response models shared by the API resources (they document the OpenAPI too)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["es", "ca", "pt", "en"]

# The largest value an INTEGER column holds on both databases: a number past it would reach the
# query and fail there (OverflowError on SQLite, DataError on PostgreSQL) instead of answering 422.
INTEGER_MAX = 2**31 - 1

# A version number (of a flow or a configuration), as a path parameter or a body field.
Version = Annotated[int, Field(ge=1, le=INTEGER_MAX)]


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


class MessageOut(BaseModel):
    """One message of a conversation."""

    id: str
    role: Literal["visitor", "bot", "staff", "system"]
    text: str | None
    block_id: str | None
    created_at: str


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
