"""A follow-up message for a lead that did not book: drafted for staff, who send it or not.

Two hours after a lead came in without an appointment (and up to a week), a task drafts a short
message inviting the person to a visit: the store's model writes it in the lead's language and the
store's tone from the project alone (no name or contact leaves), checked like every model text; the
template says it when the model cannot. The draft keeps ``{name}`` as a placeholder, so it holds no
personal data, and staff see who wrote it. Only stores that use a model get drafts: with the
provider off nothing changes.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import exists, select, update

from appliance.ai import assist
from appliance.core.flows.texts import PROJECTS
from appliance.core.flows.variations import acceptable
from appliance.infra.db import Appointment, Lead, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.tenants.directory import tenant_config, tenant_info

log = structlog.get_logger(__name__)
WAIT = timedelta(hours=2)
UP_TO = timedelta(days=7)
BATCH = 100
TEMPLATE = {
    "es": (
        "Hola {name}, gracias por contarnos tu proyecto de {project}. ¿Te apetece verlo en persona? "
        "Puedes reservar una visita a nuestra exposición o decirnos cuándo te va bien que te llamemos."
    ),
    "ca": (
        "Hola {name}, gràcies per explicar-nos el teu projecte de {project}. Et ve de gust veure-ho en persona? "
        "Pots reservar una visita a la nostra exposició o dir-nos quan et va bé que et truquem."
    ),
    "pt": (
        "Olá {name}, obrigado por nos contar o seu projeto de {project}. Gostaria de o ver pessoalmente? "
        "Pode marcar uma visita ao nosso showroom ou dizer-nos quando lhe dá jeito que liguemos."
    ),
    "en": (
        "Hello {name}, thank you for telling us about your {project} project. Would you like to see it in person? "
        "You can book a visit to our showroom or tell us when suits you for a call."
    ),
}
GENERIC_PROJECT = {"es": "reforma", "ca": "reforma", "pt": "remodelação", "en": "home"}


def template_text(fields: dict[str, Any], language: str) -> str:
    """Return the follow-up as the template says it, ``{name}`` left in place."""
    language = language if language in TEMPLATE else "en"
    project = (PROJECTS.get(fields.get("project_type") or "") or {}).get(language) or GENERIC_PROJECT[language]
    return TEMPLATE[language].replace("{project}", project.lower())


def rendered(follow_up: dict[str, Any] | None, name: str | None) -> dict[str, Any] | None:
    """Return the draft as staff read it: the person's name in place of ``{name}`` (or no name)."""
    if not follow_up:
        return None
    text = follow_up["text"]
    text = text.replace("{name}", name.strip()) if name and name.strip() else re.sub(r"\s*\{name\}", "", text)
    return {**follow_up, "text": text}


@task
def enqueue_follow_ups(rt: Runtime) -> int:
    """Enqueue a draft for each recent lead without an appointment in the stores that use a model."""
    if not rt.settings.ai_base_url:
        return 0
    now = utcnow()
    booked = exists().where(Appointment.lead_id == Lead.id, Appointment.tenant_id == Lead.tenant_id)
    query = (
        select(Lead.tenant_id, Lead.id)
        .join(Tenant, Tenant.id == Lead.tenant_id)
        .where(Tenant.status == "active", Lead.follow_up.is_(None), Lead.erased_at.is_(None))
        .where(Lead.created_at <= now - WAIT, Lead.created_at >= now - UP_TO, ~booked)
        .order_by(Lead.created_at)
        .limit(BATCH)
    )
    with rt.transaction() as db:
        found = list(db.execute(query))
        using = {t for t in {t for t, _ in found} if tenant_config(rt, db, t, "ai").get("provider") == "openai"}
    for tenant_id, lead_id in found:
        if tenant_id in using:
            rt.queue.enqueue("write_follow_up", tenant_id, lead_id)
    return sum(1 for tenant_id, _ in found if tenant_id in using)


@task
def write_follow_up(rt: Runtime, tenant_id: str, lead_id: str) -> str | None:
    """Draft the lead's follow-up once; return who wrote it (model, template) or None."""
    with rt.transaction() as db:
        lead = db.get(Lead, lead_id)
        if lead is None or lead.tenant_id != tenant_id or lead.follow_up or lead.erased_at:
            return None
        if not (lead.contact or {}).get("email") and not (lead.contact or {}).get("phone"):
            return None
        fields, language = dict(lead.fields or {}), lead.language
        formal = (tenant_config(rt, db, tenant_id, "texts").get("tone") or {}).get(language) == "formal"
    text, source = template_text(fields, language), "template"
    plan = assist.model_plan(rt, tenant_id)
    if plan is not None:
        written = _model_text(rt, plan, tenant_id, text, language, formal)
        if written is not None:
            text, source = written, "model"
    draft = {"text": text, "source": source, "written_at": utcnow().isoformat()}
    with rt.transaction() as db:
        db.execute(
            update(Lead)
            .where(Lead.id == lead_id, Lead.tenant_id == tenant_id, Lead.follow_up.is_(None))
            .values(follow_up=draft)
        )
    return source


def _model_text(
    rt: Runtime, plan: assist.Plan, tenant_id: str, template: str, language: str, formal: bool
) -> str | None:
    info = tenant_info(rt, tenant_id)
    store = (info.branding.get("store_name") or info.name) if info else ""
    tone = "formal (usted/vostè/o senhor)" if formal else "warm and informal (tú/tu/você)"
    prompt = (
        f"You write for the staff of the furniture studio '{store}'. Improve this short follow-up message to a "
        f"person who told the studio's chat about a project but booked no visit: in the language '{language}', "
        f"{tone} in tone, two or three sentences, inviting them to visit the showroom or ask for a call. Keep "
        "the placeholder {name} exactly once. No prices, figures, discounts, dates, links or promises."
    )
    answer = assist.write(rt, plan, (tenant_id, None, "follow_up"), prompt, template)
    if answer is None:
        return None
    if not acceptable(template, answer, language, plan.config.get("forbidden_topics") or []):
        log.info("ai_follow_up_refused", tenant_id=tenant_id)
        return None
    return answer.strip()
