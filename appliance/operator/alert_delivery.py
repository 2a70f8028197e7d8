"""Sending an operator alert (a task): Slack, e-mail when Slack is unset or fails, and the store's
own Microsoft Teams channel on plans that have it.

Every way out is the program's chokepoints (appliance.infra.http, appliance.infra.mail) with their
timeouts. A failed channel is logged, never retried blindly: the next occurrence after the quiet
period raises a fresh alert that counts the repeats held back meanwhile.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import select

from appliance.billing.plans import teams_allowed
from appliance.core.alerting import Alert, admin_link, mail_text, slack_message, teams_message
from appliance.infra import http
from appliance.infra.db import StoreAlertRoute, Tenant
from appliance.infra.mail import MailError, send_mail
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

log = structlog.get_logger(__name__)
TIMEOUT_SECONDS = 5.0


@task
def send_operator_alert(rt: Runtime, data: dict[str, Any]) -> list[str]:
    """Send the alert ``data`` (see appliance.operator.alerts) and return the channels that took it."""
    store, plan, teams_url = _store_of(rt, data.get("tenant_id"))
    alert = Alert(**data, store=store)
    link = admin_link(rt.settings.public_url, alert)
    sent = []
    if _to_slack(rt, alert, link):
        sent.append("slack")
    elif _to_mail(rt, alert, link):
        sent.append("email")
    if teams_url and plan and teams_allowed(rt, plan) and _post(teams_url, teams_message(alert, link), "teams"):
        sent.append("teams")
    log.info("operator_alert", condition=alert.condition, scope=alert.scope, channels=sent, suppressed=alert.suppressed)
    return sent


def _store_of(rt: Runtime, tenant_id: str | None) -> tuple[str | None, str | None, str | None]:
    """Return the store's slug, plan and Teams webhook URL (all None for platform alerts)."""
    if not tenant_id:
        return None, None, None
    with rt.transaction() as db:
        tenant = db.get(Tenant, tenant_id)
        url = db.scalar(select(StoreAlertRoute.teams_url).where(StoreAlertRoute.tenant_id == tenant_id))
        return (tenant.slug, tenant.plan, url) if tenant else (None, None, None)


def _to_slack(rt: Runtime, alert: Alert, link: str) -> bool:
    url = rt.settings.alert_slack_url
    return bool(url) and _post(str(url), slack_message(alert, link), "slack")


def _post(url: str, body: dict[str, Any], channel: str) -> bool:
    try:
        answer = http.request("POST", url, timeout=TIMEOUT_SECONDS, json_body=body, max_bytes=64 * 1024)
    except http.HttpFailure as exc:
        log.warning("alert_channel_failed", channel=channel, error_type=type(exc).__name__)
        return False
    if not 200 <= answer.status < 300:
        log.warning("alert_channel_failed", channel=channel, status=answer.status)
        return False
    return True


def _to_mail(rt: Runtime, alert: Alert, link: str) -> bool:
    to = rt.settings.alert_email
    if not to or not rt.settings.smtp_url:
        log.warning("alert_not_delivered", condition=alert.condition, reason="no Slack and no alert e-mail")
        return False
    subject, text = mail_text(alert, link)
    try:
        send_mail(rt.settings, to, subject, text)
    except MailError as exc:
        log.warning("alert_channel_failed", channel="email", permanent=exc.permanent, code=exc.code)
        return False
    return True
