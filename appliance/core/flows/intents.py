"""What the engine asks its caller to do, and what came of it: plain, immutable data.

The engine never writes anywhere. When a visitor's answer needs something done in the world (a
slot booked in the agenda), step() stops with an intent in ``Turn.intents``; the service carries
it out inside the turn's transaction and hands the outcome to resume(), which finishes the turn.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BookSlot:
    """Book the visitor the slot they chose at a date block (times in ISO 8601, as offered)."""

    service: str
    start: str
    end: str


@dataclass(frozen=True)
class Booked:
    """The slot is the visitor's: the appointment's id and where the visit takes place."""

    appointment_id: str
    location: str = "showroom"


@dataclass(frozen=True)
class SlotTaken:
    """The slot was taken (or stopped being offered) a moment before: the bot offers fresh ones."""


Intent = BookSlot
Outcome = Booked | SlotTaken
