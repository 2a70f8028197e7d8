"""Leads: the filtered, sorted, paged table, its CSV export, and new leads arriving while the page is open."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import ValidationError

from appliance.core.kinds import CHANNELS, LEAD_STATUSES, TEMPERATURES
from appliance.errors import Invalid
from appliance.infra.runtime import current_runtime
from appliance.leads.export import csv_download, export_leads_csv
from appliance.leads.query import LeadFilters, find_leads
from appliance.tenants.team import team_of
from webui.panel.blueprint import panel
from webui.panel.live import live_response, position_of
from webui.panel.present import project_choices, word
from webui.ui.auth import in_store, require
from webui.ui.daytime import read_day
from webui.ui.i18n import LANGUAGE_NAMES, LANGUAGES

PAGE_SIZE = 25
FILTER_NAMES = tuple(name for name in LeadFilters.model_fields if name != "sort")


def read_filters(args: Any) -> tuple[LeadFilters | None, list[str]]:
    """Read the filters from a query string (empty fields are ignored); return them or the problems."""
    given = {name: args.get(name) for name in (*FILTER_NAMES, "sort") if args.get(name, "").strip()}
    for name in ("created_from", "created_to"):
        # The panel writes days as 25/12/2026 (see webui.ui.daytime); the filters read ISO days.
        if name in given and (day := read_day(given[name])) is not None:
            given[name] = day.isoformat()
    try:
        return LeadFilters.model_validate(given), []
    except ValidationError as exc:
        return None, sorted({_problem(str(error["loc"][0]) if error["loc"] else "") for error in exc.errors()})


def _problem(name: str) -> str:
    if name in {"score_min", "score_max", ""}:
        return _("The score range must be between 0 and 100, the lowest first.")
    if name in {"created_from", "created_to"}:
        return _("Days must look like 01/03/2026.")
    return _("One of the filters is not valid; it was ignored.")


def query_args(filters: LeadFilters | None, **changes: Any) -> dict[str, Any]:
    """Return the query string of the current filters with ``changes`` (None removes a key)."""
    args = {k: v for k, v in (filters.model_dump(exclude_defaults=True) if filters else {}).items() if v is not None}
    args = {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items()}
    args.update(changes)
    return {k: v for k, v in args.items() if v not in (None, "")}


@panel.get("/leads")
@require("leads.read")
def leads() -> str:
    """Show the store's leads with filters, sorting and paging; new ones arrive without reloading."""
    _principal, tenant_id = in_store()
    filters, problems = read_filters(request.args)
    cursor = request.args.get("cursor") or None
    items: list[dict[str, Any]] = []
    next_cursor = None
    if filters is not None:
        items, next_cursor, cursor = _page(tenant_id, filters, cursor)
    live = filters is not None and filters.sort == "-created_at" and not cursor and not filters.q
    return render_template(
        "panel/leads.html",
        items=items,
        filters=filters or LeadFilters(),
        problems=problems,
        next_url=url_for("panel.leads", **query_args(filters, cursor=next_cursor)) if next_cursor else None,
        first_url=url_for("panel.leads", **query_args(filters)) if cursor else None,
        export_url=url_for("panel.leads_export", **query_args(filters)),
        live_url=url_for("panel.leads_live", **query_args(filters, sort=None)) if live else None,
        since=position_of(items[0]) if items else position_of(None),
        sort_url=lambda column: _sort_url(filters, column),
        choices=_choices(tenant_id),
    )


def _page(
    tenant_id: str, filters: LeadFilters, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None, str | None]:
    """Return a page of leads, the next page's cursor, and the cursor the page started from (None for the first)."""
    try:
        return (*find_leads(current_runtime(), tenant_id, filters, PAGE_SIZE, cursor), cursor)
    except Invalid:
        # The API refuses a cursor that does not fit (another sort order, an old link); the panel shows
        # the first page of the same filters instead.
        return (*find_leads(current_runtime(), tenant_id, filters, PAGE_SIZE), None)


def _sort_url(filters: LeadFilters | None, column: str) -> str:
    current = filters.sort if filters else "-created_at"
    wanted = column if current == f"-{column}" else f"-{column}"
    return url_for("panel.leads", **query_args(filters, sort=wanted, cursor=None))


def _choices(tenant_id: str) -> dict[str, list[tuple[str, str]]]:
    lang = str(get_locale())
    team = [(m.user_id, m.name or m.email) for m in team_of(current_runtime(), tenant_id)]
    return {
        "assignee_id": [("none", _("Nobody yet")), *team],
        "temperature": [(t, word("temperature", t, lang)) for t in TEMPERATURES],
        "status": [(s, word("status", s, lang)) for s in LEAD_STATUSES],
        "channel": [(c, word("channel", c, lang)) for c in CHANNELS],
        "language": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "project_type": project_choices(lang),
    }


@panel.get("/leads/export.csv")
@require("leads.export")
def leads_export() -> Response:
    """Download every lead matching the filters as CSV (the service audits the export)."""
    _principal, tenant_id = in_store()
    filters, problems = read_filters(request.args)
    if filters is None:
        flash(problems[0], "error")
        return redirect(url_for("panel.leads"))
    try:
        chunks = export_leads_csv(current_runtime(), tenant_id, filters)
    except Invalid:
        flash(_("Too many leads for one file. Narrow the dates or other filters and try again."), "error")
        return redirect(url_for("panel.leads", **query_args(filters)))
    # Refused before the first byte (above); the rest is streamed batch by batch.
    download = csv_download(chunks)
    return Response(stream_with_context(download.body), mimetype=download.mimetype, headers=download.headers)


@panel.get("/leads/live")
@require("leads.read")
def leads_live() -> Response:
    """Stream the leads that arrive from now on and match the filters (server-sent events)."""
    _principal, tenant_id = in_store()
    filters, _problems = read_filters(request.args)
    return live_response(tenant_id, filters or LeadFilters())
