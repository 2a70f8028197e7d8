"""The store's day at a glance: the newest leads (hottest first), the coming appointments, and the
last 30 days in numbers with the flow's questions to name where visitors stopped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from appliance.agenda import appointments as agenda
from appliance.agenda.catalogue import service_names_with
from appliance.analytics.kpis import kpis
from appliance.errors import NotFound
from appliance.flows.versions import block_questions
from appliance.infra.runtime import Runtime
from appliance.leads.query import LeadFilters, search_leads

NEW_LEADS = 8
UPCOMING_DAYS = 7
UPCOMING_MAX = 8


@dataclass(frozen=True)
class Today:
    """What the day's page shows; ``numbers`` and ``upcoming`` are None when they were not asked for
    (or, for ``upcoming``, when the store has no agenda)."""

    fresh: list[dict[str, Any]]
    numbers: dict[str, Any] | None
    questions: dict[str, str]
    services: dict[str, str]
    upcoming: list[dict[str, Any]] | None


def day_at_a_glance(rt: Runtime, tenant_id: str, lang: str, now: datetime, *, numbers: bool, agenda_too: bool) -> Today:
    """Return the store's day as of ``now`` (an aware time in the store's zone), named in ``lang``."""
    with rt.transaction() as db:
        fresh, _cursor = search_leads(db, tenant_id, LeadFilters(status="new", sort="-score"), NEW_LEADS)
        found = kpis(db, tenant_id) if numbers else None
        questions = block_questions(db, tenant_id, lang)
        services = service_names_with(rt, db, tenant_id, lang)
    # The agenda reads on its own connection, so only after the transaction above has ended.
    upcoming = _upcoming(rt, tenant_id, now) if agenda_too else None
    return Today(fresh, found, questions, services, upcoming)


def _upcoming(rt: Runtime, tenant_id: str, now: datetime) -> list[dict[str, Any]] | None:
    """Return the booked appointments of the next days still to come (None when there is no agenda)."""
    first = now.date()
    try:
        found = agenda.appointments(rt, tenant_id, first, first + timedelta(days=UPCOMING_DAYS))
    except NotFound:
        return None
    coming = [a for a in found if a["status"] == "booked" and datetime.fromisoformat(a["end"]) >= now]
    return coming[:UPCOMING_MAX]
