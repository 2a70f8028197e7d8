"""The branded PDF summary of one lead for the store's staff, in the staff's language.

The PDF is rendered from HTML by WeasyPrint. It never fetches anything: the logo is inlined as a
data: URI and the URL fetcher refuses every other scheme, so a logo URL or a crafted SVG cannot
make the server call out to the network or read local files.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy.orm import Session

from appliance.configs.logos import load_logo
from appliance.core.flows.summary import budget, square_metres, when
from appliance.core.flows.texts import PROJECTS, STYLES, URGENCIES
from appliance.core.scoring import FACTORS, ScoringConfig
from appliance.errors import NotFound
from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.leads.detail import get_lead, lead_appointments, lead_transcript
from appliance.leads.labels import LABELS, LANGUAGES, label, value_word
from appliance.leads.photos import lead_thumbnails
from appliance.leads.query import store_of
from appliance.leads.summary_template import CSS, TEMPLATE
from appliance.leads.views import lead_json
from appliance.tenants.directory import tenant_config

log = structlog.get_logger(__name__)

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)


def render_summary_pdf(rt: Runtime, tenant_id: str, lead_id: str, language: str | None = None) -> bytes:
    """Return the PDF summary of a lead, in ``language`` (else the store's default language)."""
    with rt.transaction() as db:
        context = summary_context(rt, db, tenant_id, lead_id, language)
    return html_to_pdf(summary_html(context))


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` to PDF bytes without fetching anything but inline data: URIs."""
    # WeasyPrint takes a second or two to import (pango, fonts): only the first summary pays it,
    # not every start of the server, the worker or the command line.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(timeout=1, allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def summary_html(context: dict[str, Any]) -> str:
    """Return the summary's HTML for a context made by summary_context()."""
    return _TEMPLATE.render(**context)


def summary_context(rt: Runtime, db: Session, tenant_id: str, lead_id: str, language: str | None) -> dict[str, Any]:
    """Gather what the summary shows: the store's look, the lead in words, appointments, transcript."""
    tenant = store_of(db, tenant_id)
    lang = pick_language(language, tenant)
    zone = ZoneInfo(tenant.timezone)
    row = get_lead(db, tenant_id, lead_id)
    lead = lead_json(row, zone)
    store = _store(rt, db, tenant)
    name = lead["contact"]["name"] or lead["id"]
    return {
        "lang": lang,
        "t": {key: label(key, lang) for key in LABELS},
        "css": _css(store, lang),
        "document_title": f"{label('title', lang)}: {name} · {store['name']}",
        "store": store,
        "lead": _lead(lead, name, lang),
        "breakdown": _breakdown(rt, db, tenant_id, lead["score_breakdown"], lang),
        "facts": facts_in_words(lead["fields"], lang),
        "proposal": None if lead["erased"] else row.proposal,
        "contact": [{"label": label(k, lang), "value": v} for k, v in lead["contact"].items() if v],
        "appointments": _appointments(rt, db, tenant_id, lead_id, lang),
        "messages": _messages(lead_transcript(db, tenant_id, lead_id), lang),
        "photos": [
            {"name": name, "src": "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")}
            for name, data in lead_thumbnails(rt, db, tenant_id, lead_id)
        ],
    }


def pick_language(wanted: str | None, tenant: Tenant) -> str:
    """Return the staff's language if given and known, else the store's default language."""
    if wanted in LANGUAGES:
        return str(wanted)
    return tenant.default_language if tenant.default_language in LANGUAGES else "es"


def _css(store: dict[str, Any], lang: str) -> Markup:
    page = '"' + label("page", lang).replace("\\", "\\\\").replace('"', '\\"') + '"'
    css = CSS.replace("PAGE_LABEL", page).replace("ON_PRIMARY", store["on_primary"])
    return Markup(css.replace("PRIMARY", store["primary"]))  # noqa: S704 - our constants and checked colours


def _store(rt: Runtime, db: Session, tenant: Tenant) -> dict[str, Any]:
    branding = dict(tenant.branding or {})
    colors = branding.get("colors") if isinstance(branding.get("colors"), dict) else {}
    where = " · ".join(str(branding[k]) for k in ("address", "phone") if branding.get(k))
    return {
        "name": branding.get("store_name") or tenant.name,
        "where": where,
        "primary": _colour(colors.get("primary"), "#0f766e"),
        "on_primary": _colour(colors.get("text"), "#ffffff"),
        "logo": logo_uri(rt, db, tenant.id, branding),
    }


def _colour(value: Any, default: str) -> str:
    return value if isinstance(value, str) and _HEX.match(value) else default


def logo_uri(rt: Runtime, db: Session, tenant_id: str, branding: dict[str, Any]) -> str | None:
    """Return the logo the branding names (inline, or a stored logo of this store) as a data: URI."""
    url = branding.get("logo_url")
    if not isinstance(url, str) or not url:
        return None
    if url.startswith("data:image/"):
        return url
    try:
        logo = load_logo(rt, db, url.rstrip("/").rsplit("/", 1)[-1], tenant_id=tenant_id)
    except NotFound:
        return None  # another address: the PDF renderer fetches nothing from the network
    return f"data:{logo.content_type};base64,{base64.b64encode(logo.data).decode('ascii')}"


def _lead(lead: dict[str, Any], name: str, lang: str) -> dict[str, Any]:
    return {
        "name": name,
        "received": _clock(lead["created_at"]),
        "channel": value_word("channel", lead["channel"], lang),
        "language": value_word("language", lead["language"], lang),
        "status": value_word("status", lead["status"], lang),
        "score": lead["score"],
        "temperature": value_word("temperature", lead["temperature"], lang),
        "erased": lead["erased"],
    }


def _clock(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")


def _breakdown(rt: Runtime, db: Session, tenant_id: str, breakdown: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    weights = ScoringConfig.model_validate(tenant_config(rt, db, tenant_id, "scoring")).weights
    rows = []
    for factor in FACTORS:
        points, weight = float(breakdown.get(factor) or 0), weights.get(factor, 0)
        width = round(100 * points / weight) if weight else 0
        rows.append({"label": label(factor, lang), "points": f"{points:g}", "weight": weight, "width": width})
    return rows


def facts_in_words(fields: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Return what the visitor wants as labelled phrases ("Presupuesto: 8.000 € – 12.000 €")."""
    area = fields.get("area_m2")
    style = fields.get("style")
    values = {
        "project": _word(PROJECTS, fields.get("project_type"), lang),
        "area": square_metres(area, lang) if isinstance(area, int | float) and area else None,
        "budget": budget(_number(fields.get("budget_min_eur")), _number(fields.get("budget_max_eur")), lang),
        "style": label("undecided", lang) if style == "undecided" else _word(STYLES, style, lang),
        "urgency": _word(URGENCIES, fields.get("urgency"), lang),
        "postal_code": fields.get("postal_code"),
        "contact_method": value_word("contact_method", fields.get("contact_method"), lang) or None,
    }
    return [{"label": label(k, lang), "value": _capital(str(v))} for k, v in values.items() if v]


def _word(words: dict[str, dict[str, str]], value: Any, lang: str) -> str | None:
    if not isinstance(value, str):
        return None
    return words.get(value, {}).get(lang, value)


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _appointments(rt: Runtime, db: Session, tenant_id: str, lead_id: str, lang: str) -> list[dict[str, str]]:
    services = {s.get("id"): s.get("name", {}) for s in tenant_config(rt, db, tenant_id, "agenda").get("services", [])}
    return [
        {
            "service": services.get(a["service"], {}).get(lang) or a["service"],
            "when": when(a["start"], lang),
            "status": value_word("appointment", a["status"], lang),
        }
        for a in lead_appointments(db, tenant_id, lead_id)
    ]


def _messages(transcript: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "role": m["role"],
            "who": value_word("role", m["role"], lang),
            "time": _clock(m["created_at"]),
            "text": m["text"],
            "attachments": [f"{a['name']} ({max(1, round(a['size'] / 1024))} KB)" for a in m["attachments"]],
        }
        for m in transcript
    ]
