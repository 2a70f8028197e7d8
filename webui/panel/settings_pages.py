"""The Settings pages: agenda rules, scoring weights, data retention, and any configuration as raw JSON.

Team and api tokens are in team_pages.py. Each form starts from the saved configuration and is
saved through the configuration service, which validates, versions and audits every change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.configs import documents as configs
from appliance.configs.schemas import MODELS, WEEKDAYS
from appliance.core.scoring import FACTORS
from appliance.errors import Invalid
from appliance.infra.runtime import current_runtime
from webui.panel.blueprint import panel, panel_nav
from webui.panel.config_forms import (
    FORM_PROBLEMS,
    LANGUAGES,
    OPENING_ROWS,
    agenda_from_form,
    closure_days,
    factor_label,
    retention_from_form,
    scoring_from_form,
    temperature_label,
    weekday_name,
)
from webui.ui.auth import current_principal, in_store, require

panel_nav.add("panel.settings", _l("Settings"), permission="config.write", order=60)

# The settings pages, in the order of the side menu: (endpoint, label, permission).
SECTIONS = (
    ("panel.settings_agenda", _l("Opening hours & visits"), "config.write"),
    ("panel.settings_scoring", _l("Lead scoring"), "config.write"),
    ("panel.settings_team", _l("Team"), "team.manage"),
    ("panel.settings_tokens", _l("API tokens"), "tokens.manage"),
    ("panel.settings_retention", _l("Data retention"), "config.write"),
    ("panel.settings_whatsapp", _l("WhatsApp"), "config.write"),
    ("panel.settings_ai", _l("AI"), "config.write"),
    ("panel.settings_catalogue", _l("Catalogue and prices"), "config.write"),
    ("panel.settings_webhooks", _l("Webhooks"), "config.write"),
    ("panel.settings_advanced", _l("Advanced (JSON)"), "config.write"),
)
KIND_LABELS = {
    "branding": _l("Look of the widget"),
    "texts": _l("How the assistant speaks"),
    "widget": _l("Widget behaviour"),
    "scoring": _l("Lead scoring"),
    "agenda": _l("Opening hours & visits"),
    "ai": _l("AI provider"),
    "retention": _l("Data retention"),
    "catalogue": _l("Catalogue and prices per m²"),
}
Problems = list[dict[str, str]]


def settings_links() -> list[dict[str, Any]]:
    """Return the side menu of the settings pages that the signed-in person may open."""
    principal = current_principal()
    return [
        {"href": url_for(endpoint), "label": label, "active": request.endpoint == endpoint}
        for endpoint, label, permission in SECTIONS
        if principal is not None and principal.can(permission)
    ]


@panel.context_processor
def _settings_menu() -> dict[str, Any]:
    return {"settings_links": settings_links} if (request.endpoint or "").startswith("panel.settings") else {}


@panel.get("/settings")
@require("config.write")
def settings() -> Response:
    """Open the first settings page."""
    return redirect(url_for("panel.settings_agenda"))


def _current(kind: str) -> dict[str, Any]:
    """Return the configuration in force, with its save time as a datetime (for the page to show)."""
    principal, tenant_id = in_store()
    found = configs.config_in_force(current_runtime(), tenant_id, kind, principal.tenant_timezone)
    when = found.get("created_at")
    return found | {"created_at": datetime.fromisoformat(when) if when else None}


def _save(kind: str, payload: dict[str, Any], problems: Problems, again: Callable[[Problems], str]) -> Any:
    """Save ``payload`` unless the form had problems; on problems show the form again with them."""
    if not problems:
        try:
            configs.put(current_runtime(), in_store()[1], kind, payload, in_store()[0].user_id)
        except Invalid as exc:
            problems = exc.details["problems"]
    if problems:
        return again(problems), FORM_PROBLEMS
    flash(_("Saved. The change applies from the next conversation."), "success")
    return redirect(request.path)


# --- agenda -----------------------------------------------------------------------------------------


@panel.route("/settings/agenda", methods=["GET", "POST"])
@require("config.write")
def settings_agenda() -> Any:
    """Opening hours, notice, how far ahead, holidays, closures and the services visitors can book."""
    saved = _current("agenda")
    if request.method == "GET":
        return _agenda_page(saved["payload"], [], saved)
    payload, problems = agenda_from_form(request.form, saved["payload"])
    return _save("agenda", payload, problems, lambda found: _agenda_page(payload, found, saved))


def _agenda_page(agenda: dict[str, Any], problems: Problems, saved: dict[str, Any]) -> str:
    zone = agenda.get("timezone") or "Europe/Madrid"
    weekly = agenda.get("weekly") or {}
    hours = [{"day": day, "name": weekday_name(day), "spans": _padded(weekly.get(day) or [])} for day in WEEKDAYS]
    closures = []
    for closure in agenda.get("closures") or []:
        first, last = closure_days((closure["start"], closure["end"]), zone)
        closures.append({"first": first, "last": last, "start": closure["start"], "end": closure["end"]})
    notice = agenda.get("min_notice_minutes")
    return render_template(
        "panel/settings_agenda.html",
        agenda=agenda,
        hours=hours,
        closures=[*closures, {}, {}],
        services=[*(agenda.get("services") or []), {}],
        notice_hours=f"{notice / 60:g}" if isinstance(notice, int) else "",
        languages=LANGUAGES,
        problems=problems,
        saved=saved,
    )


def _padded(spans: list[Any]) -> list[list[str]]:
    # Empty rows to add hours in; always at least one.
    rows = [list(span) for span in spans]
    return rows + [["", ""]] * (max(OPENING_ROWS - len(rows), 0) or 1)


# --- scoring and retention --------------------------------------------------------------------------


@panel.route("/settings/scoring", methods=["GET", "POST"])
@require("config.write")
def settings_scoring() -> Any:
    """How much each factor counts in a lead's score (adding up to 100) and where temperatures start."""
    saved = _current("scoring")
    # The saved document may leave out what has its default (the temperatures): show those too.
    saved["payload"] = configs.parse_config("scoring", saved["payload"])[0] or saved["payload"]
    if request.method == "GET":
        return _scoring_page(saved["payload"], [], saved)
    payload, problems = scoring_from_form(request.form, saved["payload"])
    return _save("scoring", payload, problems, lambda found: _scoring_page(payload, found, saved))


def _scoring_page(scoring: dict[str, Any], problems: Problems, saved: dict[str, Any]) -> str:
    factors = [{"id": f, "label": factor_label(f), "value": (scoring.get("weights") or {}).get(f)} for f in FACTORS]
    limits = scoring.get("temperatures") or {}
    thresholds = [{"id": t, "label": temperature_label(t), "value": limits.get(t)} for t in ("warm", "hot", "premium")]
    return render_template(
        "panel/settings_scoring.html", factors=factors, thresholds=thresholds, problems=problems, saved=saved
    )


@panel.route("/settings/retention", methods=["GET", "POST"])
@require("config.write")
def settings_retention() -> Any:
    """How many days conversations, leads and appointments are kept."""
    saved = _current("retention")
    if request.method == "GET":
        return _retention_page(saved["payload"], [], saved)
    payload, problems = retention_from_form(request.form)
    return _save("retention", payload, problems, lambda found: _retention_page(payload, found, saved))


def _retention_page(retention: dict[str, Any], problems: Problems, saved: dict[str, Any]) -> str:
    return render_template("panel/settings_retention.html", retention=retention, problems=problems, saved=saved)


# --- any configuration as JSON ----------------------------------------------------------------------


@panel.route("/settings/advanced", methods=["GET", "POST"])
@require("config.write")
def settings_advanced() -> Any:
    """Edit any configuration as JSON, for what the forms do not show."""
    kind = request.values.get("kind", "texts")
    if kind not in MODELS:
        kind = "texts"
    saved = _current(kind)
    if request.method == "GET":
        text = json.dumps(saved["payload"], indent=2, ensure_ascii=False)
        return _advanced_page(kind, text, [], saved)
    text = request.form.get("payload", "")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        where = _("line %(line)s, column %(column)s", line=exc.lineno, column=exc.colno)
        problem = {"path": where, "message": _("This is not valid JSON: %(reason)s.", reason=exc.msg)}
        return _advanced_page(kind, text, [problem], saved), FORM_PROBLEMS
    result = _save(kind, payload, [], lambda found: _advanced_page(kind, text, found, saved))
    return redirect(url_for("panel.settings_advanced", kind=kind)) if isinstance(result, Response) else result


def _advanced_page(kind: str, text: str, problems: Problems, saved: dict[str, Any]) -> str:
    return render_template(
        "panel/settings_advanced.html", kind=kind, kinds=KIND_LABELS, text=text, problems=problems, saved=saved
    )
