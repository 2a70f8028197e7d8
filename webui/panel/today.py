"""Today: new leads (hottest first), the coming appointments, and the last 30 days in numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.analytics.kpis import rate
from appliance.analytics.today import day_at_a_glance
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel
from webui.ui.auth import in_store, require


@panel.get("")
@require("leads.read")
def today() -> str:
    """Show the day's work."""
    principal, tenant_id = in_store()
    now = datetime.now(ZoneInfo(principal.tenant_timezone))
    day = day_at_a_glance(
        current_runtime(),
        tenant_id,
        str(get_locale()),
        now,
        numbers=principal.can("analytics.read"),
        agenda_too=principal.can("agenda.read"),
    )
    return render_template(
        "panel/today.html",
        fresh=day.fresh,
        upcoming=day.upcoming,
        numbers=day.numbers,
        funnel=_funnel(day.numbers),
        questions=day.questions,
        services=day.services,
        now=now,
    )


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
