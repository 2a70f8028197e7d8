"""Today: new leads (hottest first), the coming appointments, and the last 30 days in numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.agenda import service as agenda
from appliance.analytics.kpis import kpis, rate
from appliance.errors import NotFound
from appliance.infra.runtime import current_runtime
from appliance.leads.query import LeadFilters, search_leads
from webui.panel.blueprint import panel
from webui.panel.present import block_questions, service_names
from webui.ui.auth import Principal, in_store, require

NEW_LEADS = 8
UPCOMING_DAYS = 7
UPCOMING_MAX = 8


@panel.get("")
@require("leads.read")
def today() -> str:
    """Show the day's work."""
    principal, tenant_id = in_store()
    lang = str(get_locale())
    rt = current_runtime()
    with rt.sessions() as db:
        fresh, _cursor = search_leads(db, tenant_id, LeadFilters(status="new", sort="-score"), NEW_LEADS)
        numbers = kpis(db, tenant_id) if principal.can("analytics.read") else None
        questions = block_questions(db, tenant_id, lang)
        services = service_names(rt, db, tenant_id, lang)
    return render_template(
        "panel/today.html",
        fresh=fresh,
        upcoming=_upcoming(principal, tenant_id),
        numbers=numbers,
        funnel=_funnel(numbers),
        questions=questions,
        services=services,
        now=datetime.now(ZoneInfo(principal.tenant_timezone)),
    )


def _upcoming(principal: Principal, tenant_id: str) -> list[dict[str, Any]] | None:
    """Return the booked appointments of the next days still to come (None when there is no agenda)."""
    if not principal.can("agenda.read"):
        return None
    now = datetime.now(ZoneInfo(principal.tenant_timezone))
    first: date = now.date()
    try:
        found = agenda.appointments(current_runtime(), tenant_id, first, first + timedelta(days=UPCOMING_DAYS))
    except NotFound:
        return None
    coming = [a for a in found if a["status"] == "booked" and datetime.fromisoformat(a["end"]) >= now]
    return coming[:UPCOMING_MAX]


def _funnel(numbers: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return the funnel steps named in words, each with the fraction of the step before it that reached it."""
    if not numbers:
        return []
    names = {
        "conversations": _("Conversations"),
        "leads": _("Leads"),
        "qualified_leads": _("Warm or hotter leads"),
        "leads_with_appointment": _("Leads with an appointment"),
    }
    steps = numbers["funnel"]
    before = [None, *steps[:-1]]
    return [
        {**step, "name": names.get(step["step"], step["step"]), "of_previous": rate(step["count"], prev["count"])}
        if prev
        else {**step, "name": names.get(step["step"], step["step"]), "of_previous": None}
        for step, prev in zip(steps, before, strict=True)
    ]


@panel.get("/")
def today_slash() -> Response:
    """Send /panel/ to /panel."""
    return redirect(url_for("panel.today"))
