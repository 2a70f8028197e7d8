"""The CSV export of the leads matching the list's filters, safe to open in a spreadsheet, streamed.

The file is written as it is read: the checks (too many leads, a name search too broad), the audit
record and the first batch of leads happen before the first byte, in one transaction, so a refusal is
still a clean error. Then the rest follows batch by batch, each read in a short transaction of its
own (keyset paging on the sort key and id, as the list pages) that gives the connection back before
its rows are sent: on SQLite the process has only one, and a slow download must not hold it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appliance.errors import Invalid
from appliance.infra.audit import record
from appliance.infra.db import Lead
from appliance.infra.runtime import Runtime
from appliance.infra.store_scope import store_scope
from appliance.leads.query import NAME_SCAN_LIMIT, Keyed, LeadFilters, Plan, Sort, plan_for, scan, store_of
from appliance.leads.views import local_iso, shown_contact

log = structlog.get_logger(__name__)

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
# One export holds at most this many leads: past it, the filters are too broad to be one file.
EXPORT_MAX_ROWS = 20_000
EXPORT_NAME_SCAN_LIMIT = 5 * EXPORT_MAX_ROWS
# Leads read, decrypted and written per transaction while streaming (memory is bounded by it).
EXPORT_BATCH = 500
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes it plain text. Tab and carriage return can start one in some programs too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens UTF-8 without a byte order mark as the system code page and garbles "Núria".
BOM = "\ufeff"


@dataclass(frozen=True)
class Download:
    """A file for the browser to save: its text (whole, or chunks to stream), type and headers, for an
    interface to wrap in its response."""

    body: str | Iterable[str]
    filename: str
    mimetype: str
    headers: dict[str, str]


def csv_download(body: str | Iterable[str], today: date | None = None) -> Download:
    """Return the CSV ``body`` (text, or its chunks) as the download leads-<today>.csv, which nothing
    on the way keeps a copy of."""
    filename = f"leads-{(today or date.today()).isoformat()}.csv"
    # Leads hold personal data: neither browsers nor proxies keep a copy.
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Download(body=body, filename=filename, mimetype="text/csv", headers=headers)


def safe_cell(value: Any) -> str:
    """Return ``value`` as a CSV cell a spreadsheet will not evaluate."""
    if value is None:
        return ""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Batch:
    """Some leads as CSV lines, how many, where the next batch starts, and whether there may be one."""

    text: str
    rows: int
    position: tuple[Any, str] | None
    more: bool


@dataclass(frozen=True)
class Started:
    """An export checked and audited, with its first batch read: what streaming the rest needs."""

    tenant_id: str
    plan: Plan
    rows: int
    first: Batch


def start_export(db: Session, tenant_id: str, filters: LeadFilters) -> Started:
    """Check an export of the leads matching ``filters``, record it, and read its first batch.

    Too many leads for one file is a 422 asking to narrow the filters. Call it inside a transaction:
    the export is written to the audit trail (filter names only, never ``q``'s text).
    """
    tenant = store_of(db, tenant_id)
    plan = plan_for(filters, tenant)
    if plan.needle is None:
        # Too many leads is told from their ids alone (read from an index), before any lead is read and decrypted.
        rows = _count_upto(db, plan, EXPORT_MAX_ROWS + 1)
        if rows > EXPORT_MAX_ROWS:
            _too_many()
    else:
        rows = _count_names(db, plan)
    used = sorted(k for k in LeadFilters.model_fields if k != "sort" and getattr(filters, k) is not None)
    record(db, "leads.exported", tenant_id=tenant_id, target_type="lead", details={"rows": rows, "filters": used})
    return Started(tenant_id, plan, rows, read_batch(db, plan, None))


def read_batch(db: Session, plan: Plan, position: tuple[Any, str] | None) -> Batch:
    """Read the next leads after ``position`` in the export's order and write them as CSV lines."""
    # A name search decrypts each lead to compare, so it reads more rows than it keeps (bounded too).
    budget = NAME_SCAN_LIMIT if plan.needle else EXPORT_BATCH
    found = scan(db, plan, position, want=EXPORT_BATCH, budget=budget)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for lead in found.leads:
        writer.writerow([safe_cell(v) for v in _row(lead, plan.zone)])
    after = _key(found.last, plan.sort) if found.last is not None else position
    return Batch(out.getvalue(), len(found.leads), after, found.more and found.last is not None)


def export_leads_csv(rt: Runtime, tenant_id: str, filters: LeadFilters) -> Iterator[str]:
    """Check and record an export of every lead matching ``filters`` (see start_export), then return
    its CSV (header first, ``filters.sort`` order) as chunks read batch by batch while they are sent.

    Refusals and failures happen here, before any chunk. A failure while streaming cannot change the
    answer any more: it is logged and the file ends where it was.
    """
    with store_scope(tenant_id), rt.transaction() as db:
        started = start_export(db, tenant_id, filters)
    return _stream(rt, started)


def _stream(rt: Runtime, started: Started) -> Iterator[str]:
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(COLUMNS)
    yield BOM + header.getvalue()
    batch, sent = started.first, 0
    while True:
        if batch.text:
            yield batch.text
        sent += batch.rows
        if not batch.more:
            return
        try:
            # Each batch in its own transaction, for the export's store (row-level security): the
            # request's own scope may be gone by the time a server iterates the body.
            with store_scope(started.tenant_id), rt.transaction() as db:
                batch = read_batch(db, started.plan, batch.position)
        except Exception as exc:
            # No message: a database error can quote the row it failed on.
            log.error("leads_export_interrupted", rows_sent=sent, rows_expected=started.rows, error=type(exc).__name__)
            return


def _key(lead: Keyed, sort: Sort) -> tuple[Any, str]:
    return (lead.score if sort.endswith("score") else lead.created_at), lead.id


def _count_upto(db: Session, plan: Plan, most: int) -> int:
    """Return how many leads match ``plan``, counting no further than ``most``."""
    matching = select(Lead.id).where(*plan.where).limit(most).subquery()
    return db.scalar(select(func.count()).select_from(matching)) or 0


def _count_names(db: Session, plan: Plan) -> int:
    """Return how many leads a name search exports; 422 if too many, or if it would read too many.

    Only the contacts are read and decrypted to compare (in the export's order, a few at a time).
    """
    column = Lead.score if plan.sort.endswith("score") else Lead.created_at
    order = (column.desc(), Lead.id.desc()) if plan.sort.startswith("-") else (column.asc(), Lead.id.asc())
    statement = select(Lead.contact).where(*plan.where).order_by(*order).limit(EXPORT_NAME_SCAN_LIMIT + 1)
    matched = 0
    rows = db.execute(statement.execution_options(yield_per=NAME_SCAN_LIMIT))
    for read, row in enumerate(rows, start=1):
        if read > EXPORT_NAME_SCAN_LIMIT:
            problem = {"path": "q", "message": f"a name search reads at most {EXPORT_NAME_SCAN_LIMIT} leads; add dates"}
            raise Invalid([problem], "Too many leads to search by name. Add dates or other filters.")
        if plan.matches(row):
            matched += 1
            if matched > EXPORT_MAX_ROWS:
                _too_many()
    return matched


def _too_many() -> NoReturn:
    problem = {"path": "query", "message": f"matches more than {EXPORT_MAX_ROWS} leads; narrow the filters"}
    raise Invalid([problem], "Too many leads for one export. Narrow the dates or other filters.")


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
