"""The preliminary proposal at a conversation's end: a price range from the store's own catalogue.

The range comes from the store's ``catalogue`` configuration (price per m² by project and style)
times the area the visitor gave. The template says it plainly in the visitor's language; with a
model, a short proposal in the store's tone may say it better — but every amount it writes is
checked against the range (per m² or for the whole project), and a text with any other amount, a
forbidden topic or a placeholder is dropped for the template. The lead keeps which one it was, so
staff (and the PDF summary) see what the model wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import update

from appliance.ai import assist
from appliance.core.flows.summary import euros, square_metres
from appliance.core.flows.texts import PROJECTS, STYLES
from appliance.infra.db import Lead
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import tenant_config

log = structlog.get_logger(__name__)
TOLERANCE = 0.01  # rounding: 12.345 € may be written 12.300 €
MAX_CHARS = 700

TEMPLATE = {
    "es": (
        "Para {project} de {area}{style}, nuestros proyectos suelen estar entre {low} y {high}"
        " ({min} a {max} por m²). En la visita lo concretaremos."
    ),
    "ca": (
        "Per a {project} de {area}{style}, els nostres projectes solen estar entre {low} i {high}"
        " ({min} a {max} per m²). A la visita ho concretarem."
    ),
    "pt": (
        "Para {project} de {area}{style}, os nossos projetos costumam ficar entre {low} e {high}"
        " ({min} a {max} por m²). Na visita vamos concretizar."
    ),
    "en": (
        "For {project} of {area}{style}, our projects usually come to between {low} and {high}"
        " ({min} to {max} per m²). We will pin it down at the visit."
    ),
}
# "una cocina" but "un armario": only the kitchen is feminine in es, ca and pt.
ARTICLE = {"es": ("una ", "un "), "ca": ("una ", "un "), "pt": ("uma ", "um "), "en": ("a ", "a ")}


@dataclass(frozen=True)
class Range:
    """What the project may cost: per m² and, for the visitor's area, in all."""

    min_m2: float
    max_m2: float
    area: float

    @property
    def low(self) -> float:
        """Return the least the whole project may cost."""
        return self.min_m2 * self.area

    @property
    def high(self) -> float:
        """Return the most the whole project may cost."""
        return self.max_m2 * self.area


def price_range(catalogue: dict[str, Any], fields: dict[str, Any]) -> Range | None:
    """Return the catalogue's range for the lead's project and style (or the project's, any style)."""
    project, style, area = fields.get("project_type"), fields.get("style"), fields.get("area_m2")
    if not project or not isinstance(area, int | float) or area <= 0:
        return None
    ranges = [r for r in catalogue.get("price_ranges") or [] if r.get("project_type") == project]
    chosen = next((r for r in ranges if r.get("style") == style and style), None)
    chosen = chosen or next((r for r in ranges if not r.get("style")), None)
    if chosen is None:
        return None
    return Range(float(chosen["min_eur_per_m2"]), float(chosen["max_eur_per_m2"]), float(area))


def template_text(found: Range, fields: dict[str, Any], language: str) -> str:
    """Return the proposal as the template says it, in ``language``."""
    language = language if language in TEMPLATE else "en"
    project = (PROJECTS.get(fields.get("project_type") or "") or {}).get(language, "")
    style = (STYLES.get(fields.get("style") or "") or {}).get(language)
    return TEMPLATE[language].format(
        project=project
        if fields.get("project_type") == "furniture" and language == "en"
        else _article(fields, language) + project,
        area=square_metres(found.area, language),
        style=f", {style}" if style else "",
        low=euros(found.low, language),
        high=euros(found.high, language),
        min=euros(found.min_m2, language),
        max=euros(found.max_m2, language),
    )


def _article(fields: dict[str, Any], language: str) -> str:
    return ARTICLE[language][fields.get("project_type") != "kitchen"]


# A number as people write amounts: 7.000, 11 200, 9,500, 1.250,50 or 450.
_DIGITS = r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"€\s*(?P<before>{_DIGITS})|(?P<after>{_DIGITS})\s*(?:k\s*)?(?:€|euros?\b|eur\b)",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"€|\beuros?\b|\beur\b", re.IGNORECASE)


def amounts(text: str) -> list[float] | None:
    """Return every euro amount in ``text``; None if some currency mention has no readable number."""
    found = []
    for match in _AMOUNT.finditer(text):
        digits = match.group("before") or match.group("after")
        value = _number(digits)
        if value is None:
            return None
        found.append(value * (1000 if re.search(r"\dk\s*(€|eur)", match.group(0), re.IGNORECASE) else 1))
    if len(_CURRENCY.findall(text)) != len(found):
        return None  # "doce mil euros", "a thousand euros": an amount in words cannot be checked
    return found


def _number(digits: str) -> float | None:
    compact = digits.replace("\u00a0", " ").strip()
    whole = re.sub(r"[.,]\d{1,2}$", "", compact)  # cents
    if re.fullmatch(r"\d{1,3}([., ]\d{3})+|\d+", whole) is None:
        return None
    return float(re.sub(r"[., ]", "", whole))


def checked(text: str, found: Range, forbidden: list[str]) -> str | None:
    """Return the model's proposal if every amount is inside the range and it says nothing forbidden."""
    text = text.strip()
    if not text or len(text) > MAX_CHARS or "[" in text or "{" in text:
        return None
    if any(topic.lower() in text.lower() for topic in forbidden):
        return None
    values = amounts(text)
    if values is None:
        return None
    for value in values:
        per_m2 = found.min_m2 * (1 - TOLERANCE) <= value <= found.max_m2 * (1 + TOLERANCE)
        total = found.low * (1 - TOLERANCE) <= value <= found.high * (1 + TOLERANCE)
        if not (per_m2 or total):
            return None
    return text


def instruction(found: Range, catalogue: dict[str, Any], template: str, language: str, formal: bool) -> str:
    """Return what the model is told: the only prices it may use, the lines, the tone, the length."""
    lines = ", ".join(catalogue.get("lines") or []) or "-"
    tone = "formal (usted/vostè/o senhor)" if formal else "warm and informal (tú/tu/você)"
    return (
        f"Write a short preliminary proposal (two or three sentences) for a visitor of a furniture studio, in "
        f"the language '{language}', {tone} in tone. Use only these prices: from {found.min_m2:.0f} to "
        f"{found.max_m2:.0f} euros per m², which is {found.low:.0f} to {found.high:.0f} euros for the whole "
        f"project; write amounts as digits with €. Lines the store sells: {lines}. No names, no discounts, "
        f"no promises of dates. The plain version, to improve on: {template}"
    )


@task
def write_proposal(rt: Runtime, tenant_id: str, lead_id: str) -> str | None:
    """Write the lead's preliminary proposal once; return who wrote it (model, template) or None."""
    with rt.transaction() as db:
        lead = db.get(Lead, lead_id)
        if lead is None or lead.tenant_id != tenant_id or lead.proposal or lead.erased_at:
            return None
        fields, language, session_id = dict(lead.fields or {}), lead.language, lead.session_id
        catalogue = tenant_config(rt, db, tenant_id, "catalogue")
        tones = tenant_config(rt, db, tenant_id, "texts").get("tone") or {}
    found = price_range(catalogue, fields)
    if found is None:
        return None
    text, source = template_text(found, fields, language), "template"
    plan = assist.model_plan(rt, tenant_id)
    if plan is not None:
        written = _model_text(rt, plan, tenant_id, session_id, found, catalogue, text, language, tones)
        if written is not None:
            text, source = written, "model"
    proposal = {"text": text, "source": source, "low_eur": round(found.low), "high_eur": round(found.high)}
    with rt.transaction() as db:
        db.execute(update(Lead).where(Lead.id == lead_id, Lead.proposal.is_(None)).values(proposal=proposal))
    return source


def _model_text(
    rt: Runtime,
    plan: assist.Plan,
    tenant_id: str,
    session_id: str | None,
    found: Range,
    catalogue: dict[str, Any],
    template: str,
    language: str,
    tones: dict[str, str],
) -> str | None:
    prompt = instruction(found, catalogue, template, language, tones.get(language) == "formal")
    answer = assist.write(rt, plan, (tenant_id, session_id, "propose"), prompt, template)
    if answer is None:
        return None
    kept = checked(answer, found, plan.config.get("forbidden_topics") or [])
    if kept is None:
        log.info("ai_proposal_refused", tenant_id=tenant_id, reason="outside_the_catalogue")
    return kept
