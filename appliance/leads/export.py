"""The CSV export of the leads matching the list's filters, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.errors import Invalid
from appliance.infra.audit import record
from appliance.infra.db import Lead
from appliance.infra.runtime import Runtime
from appliance.leads.query import LeadFilters, Plan, plan_for, scan, store_of
from appliance.leads.views import local_iso, shown_contact

COLUMNS = (
    "id",
    "created_at",
    "status",
    "score",
    "temperature",
    "project_type",
    "budget_min_eur",
    "budget_max_eur",
    "area_m2",
    "style",
    "urgency",
    "name",
    "email",
    "phone",
    "language",
    "channel",
)
# The whole file is built in memory, so one export holds at most this many leads (a few MB).
EXPORT_MAX_ROWS = 20_000
EXPORT_NAME_SCAN_LIMIT = 5 * EXPORT_MAX_ROWS
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes it plain text. Tab and carriage return can start one in some programs too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens UTF-8 without a byte order mark as the system code page and garbles "Núria".
BOM = "\ufeff"


@dataclass(frozen=True)
class Download:
    """A file for the browser to save: its text, type and headers, for an interface to wrap in its response."""

    body: str
    filename: str
    mimetype: str
    headers: dict[str, str]


def csv_download(text: str, today: date | None = None) -> Download:
    """Return the CSV ``text`` as the download leads-<today>.csv, which nothing on the way keeps a copy of."""
    filename = f"leads-{(today or date.today()).isoformat()}.csv"
    # Leads hold personal data: neither browsers nor proxies keep a copy.
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Download(body=text, filename=filename, mimetype="text/csv", headers=headers)


def safe_cell(value: Any) -> str:
    """Return ``value`` as a CSV cell a spreadsheet will not evaluate."""
    if value is None:
        return ""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(db: Session, tenant_id: str, filters: LeadFilters) -> str:
    """Return every lead matching ``filters`` as CSV (header first, ``filters.sort`` order).

    Too many leads for one file is a 422 asking to narrow the filters. Call it inside a
    transaction: the export is written to the audit trail (filter names only, never ``q``'s text).
    """
    tenant = store_of(db, tenant_id)
    plan = plan_for(filters, tenant)
    # Too many leads is told from their ids alone (read from an index), before any lead is read and decrypted.
    if plan.needle is None and _count_upto(db, plan, EXPORT_MAX_ROWS + 1) > EXPORT_MAX_ROWS:
        _too_many()
    # A name search decrypts each lead to compare, so it reads more rows than it keeps (bounded too).
    budget = EXPORT_NAME_SCAN_LIMIT if plan.needle else EXPORT_MAX_ROWS + 1
    found = scan(db, plan, None, want=EXPORT_MAX_ROWS + 1, budget=budget)
    if len(found.leads) > EXPORT_MAX_ROWS:
        _too_many()
    if found.more:
        problem = {"path": "q", "message": f"a name search reads at most {EXPORT_NAME_SCAN_LIMIT} leads; add dates"}
        raise Invalid([problem], "Too many leads to search by name. Add dates or other filters.")
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for lead in found.leads:
        writer.writerow([safe_cell(v) for v in _row(lead, plan.zone)])
    used = sorted(k for k in LeadFilters.model_fields if k != "sort" and getattr(filters, k) is not None)
    details = {"rows": len(found.leads), "filters": used}
    record(db, "leads.exported", tenant_id=tenant_id, target_type="lead", details=details)
    return out.getvalue()


def _count_upto(db: Session, plan: Plan, most: int) -> int:
    """Return how many leads match ``plan``, counting no further than ``most``."""
    matching = select(Lead.id).where(*plan.where).limit(most).subquery()
    return db.scalar(select(func.count()).select_from(matching)) or 0


def _too_many() -> NoReturn:
    problem = {"path": "query", "message": f"matches more than {EXPORT_MAX_ROWS} leads; narrow the filters"}
    raise Invalid([problem], "Too many leads for one export. Narrow the dates or other filters.")


def export_leads_csv(rt: Runtime, tenant_id: str, filters: LeadFilters) -> str:
    """Return every lead matching ``filters`` as CSV and record the export (see export_csv)."""
    with rt.transaction() as db:
        return export_csv(db, tenant_id, filters)


def _row(lead: Lead, zone: Any) -> list[Any]:
    fields, contact = lead.fields or {}, shown_contact(lead)
    return [
        lead.id,
        local_iso(lead.created_at, zone),
        lead.status,
        lead.score,
        lead.temperature,
        lead.project_type or fields.get("project_type"),
        fields.get("budget_min_eur"),
        fields.get("budget_max_eur"),
        fields.get("area_m2"),
        fields.get("style"),
        fields.get("urgency"),
        contact["name"],
        contact["email"],
        contact["phone"],
        lead.language,
        lead.channel,
    ]
