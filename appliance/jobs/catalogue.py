"""Every background task the program runs: importing this module registers them all.

The composition root (appliance.app) hands ``tasks()`` to the runtime, so a queue is complete
whatever else was imported; each task lives beside the service it drives.
"""

from __future__ import annotations

from collections.abc import Mapping

from appliance.accounts import invitation_mail, lockout_mail, throttle
from appliance.agenda import reminders
from appliance.ai import alerts as ai_alerts
from appliance.ai import follow_up as ai_follow_up
from appliance.ai import proposal as ai_proposal
from appliance.ai import texts as ai_texts
from appliance.backups import nightly as nightly_backup
from appliance.billing import grace as billing_grace
from appliance.channels import whatsapp as whatsapp_channel
from appliance.conversations import sessions
from appliance.events import delivery as event_delivery
from appliance.events import dispatch as event_dispatch
from appliance.events import mailing as event_mailing
from appliance.events import retention as event_retention
from appliance.infra import idempotency
from appliance.jobs.registry import TaskFunction, registered
from appliance.operator import alert_delivery, platform_health
from appliance.privacy import retention
from appliance.whatsapp import outbox as whatsapp_outbox
from appliance.whatsapp import reminders as whatsapp_reminders
from appliance.whatsapp import webhook as whatsapp_webhook

# The modules above declare tasks with @task when imported; naming them keeps the imports meaningful.
DECLARING_MODULES = (
    alert_delivery,
    platform_health,
    ai_alerts,
    ai_follow_up,
    ai_proposal,
    ai_texts,
    billing_grace,
    invitation_mail,
    lockout_mail,
    throttle,
    reminders,
    sessions,
    idempotency,
    retention,
    whatsapp_channel,
    whatsapp_outbox,
    whatsapp_reminders,
    whatsapp_webhook,
    event_dispatch,
    event_delivery,
    event_mailing,
    event_retention,
    nightly_backup,
)


def tasks() -> Mapping[str, TaskFunction]:
    """Return every registered task by name."""
    return registered()
