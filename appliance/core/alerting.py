"""Operator alerts as plain data: the conditions, their thresholds, who may get Teams, the messages.

Pure: the services (appliance.operator.alerts) decide when to send and carry the messages out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

# One alert per condition and scope in this window; repeats inside it are counted and reported next.
QUIET_PERIOD = timedelta(minutes=5)
PLATFORM_SCOPE = "platform"

# What each condition means, in the operator's words (the alert's first line).
CONDITIONS: dict[str, str] = {
    "http_5xx": "repeated server errors (5xx)",
    "booking_failed": "a booking failed",
    "ai_slow": "AI calls slower than 3 s",
    "whatsapp_failed": "WhatsApp messages failed after their retries",
    "whatsapp_webhook_failed": "WhatsApp webhook events failed after their retries",
    "health_down": "a health check failed",
}
# Server errors alert only when repeated: this many in one window.
HTTP_5XX_THRESHOLD = 5
AI_SLOW_SECONDS = 3.0


def may_send(last_sent_at: datetime | None, now: datetime) -> bool:
    """Tell whether a condition last reported at ``last_sent_at`` may be reported again at ``now``."""
    return last_sent_at is None or now - last_sent_at >= QUIET_PERIOD


@dataclass(frozen=True)
class Alert:
    """One alert to send: what happened, where, how often, and where the operator looks next."""

    condition: str
    scope: str
    count: int = 1
    suppressed: int = 0
    store: str | None = None  # the store's slug, for people
    tenant_id: str | None = None
    detail: str | None = None  # a service name, a route; never personal data
    request_id: str | None = None

    @property
    def title(self) -> str:
        """Return the one-line summary."""
        where = f"store {self.store or self.tenant_id}" if self.tenant_id else "the platform"
        return f"Ebanista alert: {CONDITIONS.get(self.condition, self.condition)} on {where}"


def admin_link(public_url: str, alert: Alert) -> str:
    """Return where in /admin the operator sees the failures behind ``alert``."""
    if alert.condition == "health_down":
        return f"{public_url}/admin/health"
    if alert.tenant_id:
        return f"{public_url}/admin/errors?tenant_id={quote(alert.tenant_id)}"
    return f"{public_url}/admin/errors"


def summary_lines(alert: Alert, link: str) -> list[str]:
    """Return the alert's facts, one per line: count, repeats held back, detail, request id, link."""
    lines = [f"condition: {alert.condition}", f"count: {alert.count}"]
    if alert.suppressed:
        lines.append(f"suppressed since the last alert: {alert.suppressed}")
    if alert.detail:
        lines.append(f"detail: {alert.detail}")
    if alert.request_id:
        lines.append(f"request id: {alert.request_id}")
    lines.append(f"logs: {link}")
    return lines


def slack_message(alert: Alert, link: str) -> dict[str, object]:
    """Return the compact Slack incoming-webhook message: a text line and the facts as fields."""
    facts = {
        "condition": alert.condition,
        "store": alert.store or alert.tenant_id or "platform",
        "count": alert.count,
        "suppressed": alert.suppressed,
        "detail": alert.detail,
        "request_id": alert.request_id,
        "link": link,
    }
    text = f"{alert.title} — count {alert.count}"
    if alert.suppressed:
        text += f" (+{alert.suppressed} suppressed)"
    text += f" — <{link}|logs>"
    return {"text": text, "ebanista": {k: v for k, v in facts.items() if v is not None}}


def teams_message(alert: Alert, link: str) -> dict[str, object]:
    """Return the Microsoft Teams incoming-webhook card (MessageCard) of ``alert``."""
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": alert.title,
        "themeColor": "B91C1C",
        "title": alert.title,
        "text": "<br>".join(summary_lines(alert, link)),
        "potentialAction": [{"@type": "OpenUri", "name": "Open", "targets": [{"os": "default", "uri": link}]}],
    }


def mail_text(alert: Alert, link: str) -> tuple[str, str]:
    """Return the e-mail's subject and plain-text body of ``alert``."""
    return alert.title, "\n".join([alert.title, "", *summary_lines(alert, link), ""])
