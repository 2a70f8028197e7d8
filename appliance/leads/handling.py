"""Leads as the store's staff handle them: pages of the list, the newest arrivals, one lead's whole
record, changes and the CSV export. Each call opens and commits its own transaction, and every
query is scoped to the store it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from appliance.agenda.catalogue import service_names_with
from appliance.core.scoring import ScoringConfig
from appliance.errors import Invalid
from appliance.leads.export import export_csv
from appliance.leads.query import LeadFilters, search_leads
from appliance.leads.service import lead_appointments, lead_detail, lead_transcript, update_lead
from appliance.tenants.directory import tenant_config
from appliance.tenants.team import members

if TYPE_CHECKING:
    from appliance.infra.runtime import Runtime


@dataclass(frozen=True)
class LeadsPage:
    """One page of leads, the cursor of the next one, and the cursor this page started from
    (None when it is the first page, or when an unusable cursor made it start again)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    cursor: str | None


def leads_page(rt: Runtime, tenant_id: str, filters: LeadFilters, limit: int, cursor: str | None = None) -> LeadsPage:
    """Return a page of the store's leads matching ``filters``; a cursor that does not fit starts again."""
    with rt.transaction() as db:
        try:
            items, next_cursor = search_leads(db, tenant_id, filters, limit, cursor)
        except Invalid:
            # A cursor from another sort order or an old link: start again from the first page.
            cursor = None
            items, next_cursor = search_leads(db, tenant_id, filters, limit)
    return LeadsPage(items, next_cursor, cursor)


def newest_leads(rt: Runtime, tenant_id: str, filters: LeadFilters, limit: int) -> list[dict[str, Any]]:
    """Return the store's newest ``limit`` leads matching ``filters`` (whatever their sort), newest first."""
    newest_first = LeadFilters.model_validate({**filters.model_dump(), "sort": "-created_at"})
    with rt.transaction() as db:
        items, _cursor = search_leads(db, tenant_id, newest_first, limit)
    return items


def export_leads(rt: Runtime, tenant_id: str, filters: LeadFilters) -> str:
    """Return the store's leads matching ``filters`` as CSV, and audit the export (see ``export_csv``)."""
    with rt.transaction() as db:
        return export_csv(db, tenant_id, filters)


def find_lead(rt: Runtime, tenant_id: str, lead_id: str) -> dict[str, Any]:
    """Return one of the store's leads as the API shows it; another store's is 404."""
    with rt.transaction() as db:
        return lead_detail(db, tenant_id, lead_id)


def change_lead(rt: Runtime, tenant_id: str, lead_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply staff's changes to a lead (see ``update_lead``, which audits them) and return the lead."""
    with rt.transaction() as db:
        return update_lead(db, tenant_id, lead_id, changes)


def lead_record(rt: Runtime, tenant_id: str, lead_id: str, lang: str) -> dict[str, Any]:
    """Return everything the lead's page shows: the lead, its conversation, appointments, the team it
    may be assigned to, the store's services named in ``lang`` and the weights its score used."""
    with rt.transaction() as db:
        found = lead_detail(db, tenant_id, lead_id)
        return {
            "lead": found,
            "transcript": lead_transcript(db, tenant_id, lead_id),
            "appointments": lead_appointments(db, tenant_id, lead_id),
            "services": service_names_with(rt, db, tenant_id, lang),
            "weights": ScoringConfig.model_validate(tenant_config(rt, db, tenant_id, "scoring")).weights,
            "team": members(db, tenant_id),
        }
