"""Telling a store's owner that its AI spend is running fast: once per threshold, by e-mail and in the panel.

Three alerts: a day that spent more than 40 % of the month's cap (once a day), 80 % of the cap
(once a month) and the cap reached, with the low-cost mode it brings (once a month). Each is a
zero-euro entry of the usage ledger under the kind ``ai_alert``: its unique reference (alert and
period) makes it once-only however many calls cross the line at the same moment, and the panel
lists them from there.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from appliance.ai import clock
from appliance.analytics.usage import ai_usage, windows
from appliance.infra.db import Membership, Tenant, UsageEntry, User
from appliance.infra.mail import send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task
from appliance.whatsapp.ledger import record_usage

log = structlog.get_logger(__name__)
KIND = "ai_alert"
DAY_SHARE, MONTH_SHARE = Decimal("0.4"), Decimal("0.8")

SUBJECT = {
    "day_40": {
        "es": "Ebanista: hoy la IA ha gastado más del 40 % del mes",
        "ca": "Ebanista: avui la IA ha gastat més del 40 % del mes",
        "pt": "Ebanista: hoje a IA gastou mais de 40 % do mês",
        "en": "Ebanista: today the AI spent more than 40% of the month",
    },
    "month_80": {
        "es": "Ebanista: la IA ha gastado el 80 % del límite del mes",
        "ca": "Ebanista: la IA ha gastat el 80 % del límit del mes",
        "pt": "Ebanista: a IA gastou 80 % do limite do mês",
        "en": "Ebanista: the AI has spent 80% of the month's cap",
    },
    "month_100": {
        "es": "Ebanista: límite de IA alcanzado, modo de bajo coste",
        "ca": "Ebanista: límit d'IA assolit, mode de baix cost",
        "pt": "Ebanista: limite de IA atingido, modo de baixo custo",
        "en": "Ebanista: AI cap reached, low-cost mode",
    },
}
BODY = {
    "es": (
        "Hola:\n\n{subject}. Gasto este mes: {month} € de {cap} €; hoy: {day} €.\n\n"
        "Cuando se alcanza el límite, el asistente sigue atendiendo con sus reglas, sin llamar al modelo,"
        " hasta el mes que viene. Puedes verlo en el panel, en Ajustes > IA."
    ),
    "ca": (
        "Hola:\n\n{subject}. Despesa aquest mes: {month} € de {cap} €; avui: {day} €.\n\n"
        "Quan s'assoleix el límit, l'assistent continua atenent amb les seves regles, sense cridar el model,"
        " fins al mes que ve. Ho pots veure al panell, a Configuració > IA."
    ),
    "pt": (
        "Olá,\n\n{subject}. Gasto este mês: {month} € de {cap} €; hoje: {day} €.\n\n"
        "Quando o limite é atingido, o assistente continua a atender com as suas regras, sem chamar o"
        " modelo, até ao próximo mês. Pode vê-lo no painel, em Definições > IA."
    ),
    "en": (
        "Hello,\n\n{subject}. Spent this month: {month} € of {cap} €; today: {day} €.\n\n"
        "Once the cap is reached, the assistant keeps answering with its rules, without calling the"
        " model, until next month. You can see it in the panel, under Settings > AI."
    ),
}


def due(usage: dict[str, Any]) -> list[str]:
    """Return the alerts the store's spend calls for now (whether or not already sent)."""
    cap = usage["cap_eur"]
    if not cap:
        return []
    cap, month, day = (
        Decimal(str(cap)),
        Decimal(str(usage["spend_eur"]["month"])),
        Decimal(str(usage["spend_eur"]["day"])),
    )
    found = []
    if day > cap * DAY_SHARE:
        found.append("day_40")
    if month >= cap * MONTH_SHARE:
        found.append("month_80")
    if month >= cap:
        found.append("month_100")
    return found


def check(rt: Runtime, tenant_id: str) -> list[str]:
    """Record and e-mail each alert now due that was not sent in its period; return those new."""
    now = clock.now()
    with rt.transaction() as db:
        usage = ai_usage(db, tenant_id, now)
    zone = ZoneInfo(usage["timezone"])
    new = [alert for alert in due(usage) if _claim(rt, tenant_id, alert, _period(alert, now, zone))]
    for alert in new:
        rt.queue.enqueue("send_ai_alert", tenant_id, alert, usage["spend_eur"], usage["cap_eur"])
    return new


def _period(alert: str, now: datetime, zone: ZoneInfo) -> str:
    start = windows(now, zone)["day" if alert == "day_40" else "month"][0]
    return start.strftime("%Y-%m-%d" if alert == "day_40" else "%Y-%m")


def _claim(rt: Runtime, tenant_id: str, alert: str, period: str) -> bool:
    try:
        with rt.transaction() as db:
            return record_usage(db.connection(), tenant_id, KIND, alert, Decimal(0), f"{alert}:{period}")
    except IntegrityError:
        return False  # another call claimed it at the same moment


def recent(rt: Runtime, tenant_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """Return the store's latest AI alerts, newest first, for the panel."""
    with rt.transaction() as db:
        rows = db.execute(
            select(UsageEntry.category, UsageEntry.reference, UsageEntry.created_at)
            .where(UsageEntry.tenant_id == tenant_id, UsageEntry.kind == KIND)
            .order_by(UsageEntry.created_at.desc())
            .limit(limit)
        ).all()
    return [{"alert": r.category, "period": (r.reference or "").split(":", 1)[-1], "at": r.created_at} for r in rows]


@task
def send_ai_alert(rt: Runtime, tenant_id: str, alert: str, spend: dict[str, float], cap: float) -> int:
    """E-mail an AI spend alert to every owner of the store, in their language; return how many."""
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        owners = db.execute(
            select(User.email, User.language)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.tenant_id == tenant_id, Membership.role == "OWNER", User.is_active.is_(True))
        ).all()
        default = tenant.default_language if tenant else "en"
    for email, language in owners:
        language = language if language in BODY else (default if default in BODY else "en")
        subject = SUBJECT[alert][language]
        text = BODY[language].format(
            subject=subject, month=f"{spend['month']:.2f}", cap=f"{cap:.2f}", day=f"{spend['day']:.2f}"
        )
        send_mail(rt.settings, email, subject, text)
    log.info("ai_alert_sent", tenant_id=tenant_id, alert=alert, owners=len(owners))
    return len(owners)
