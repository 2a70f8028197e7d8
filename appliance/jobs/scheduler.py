"""The clock: APScheduler jobs that only enqueue tasks.

Several worker nodes may each run a scheduler on the platform; a per-tick lock in the shared
cache lets exactly one of them enqueue each run, and a node that dies hands over by itself.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from appliance.infra.runtime import Runtime

log = structlog.get_logger(__name__)

DAILY = 86400
DAILY_JOB_START_DELAY = 300

# (task name, interval in seconds)
JOBS: list[tuple[str, int]] = [
    ("purge_expired_idempotency_keys", 3600),
    ("forget_stale_throttles", 3600),
    ("expire_idle_sessions", 3600),
    ("enqueue_due_reminders", 300),
    ("apply_retention", DAILY),
    # WhatsApp: retries (5 s, 20 s, 60 s) and messages held by the per-minute limit; template reminders.
    ("flush_whatsapp_outbox", 5),
    ("enqueue_whatsapp_reminders", 300),
    ("requeue_stalled_whatsapp_events", 60),
    ("forget_whatsapp_events", DAILY),
    # AI: follow-up drafts for leads that did not book; the welcome and closing reworded where asked.
    ("enqueue_follow_ups", 3600),
    ("enqueue_text_variations", 3600),
    # Operator alerts: every service's health (appliance.operator.platform_health).
    ("watch_platform_health", 60),
    # Events: fan out to webhooks and staff, webhook retries (1, 5, 15, 40 min), notification e-mails.
    ("dispatch_events", 5),
    ("flush_webhook_deliveries", 30),
    ("mail_notifications", 60),
    ("forget_old_events", DAILY),
    # Billing: stores unpaid past the grace period are paused (platform only; data kept).
    ("pause_unpaid_stores", 3600),
]


def make_scheduler(rt: Runtime) -> BackgroundScheduler:
    """Return a scheduler (not started) with every job of JOBS."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for name, seconds in JOBS:
        first = _first_run(seconds)
        scheduler.add_job(enqueue_once, "interval", seconds=seconds, args=(rt, name, seconds), id=name, **first)
    _add_nightly_backup(scheduler, rt)
    return scheduler


def _add_nightly_backup(scheduler: BackgroundScheduler, rt: Runtime) -> None:
    # Appliance only: the platform's data is in PostgreSQL (PITR) and Redis (AOF). It runs at
    # EBANISTA_BACKUP_HOUR and shortly after start; the task skips when a recent backup exists.
    settings = rt.settings
    if settings.is_platform or settings.backup_schedule != "on":
        return
    name, first = "take_nightly_backup", _first_run(DAILY)
    scheduler.add_job(enqueue_once, "cron", hour=settings.backup_hour, args=(rt, name, 3600), id=name, **first)


def _first_run(seconds: int) -> dict[str, datetime]:
    # An interval job first runs one interval after start: a daily job on a store's PC that is
    # switched off every night would never run, so daily jobs also run shortly after start
    # (the per-tick lock still lets only one node enqueue them).
    if seconds < DAILY:
        return {}
    return {"next_run_time": datetime.now(UTC) + timedelta(seconds=DAILY_JOB_START_DELAY)}


def enqueue_once(rt: Runtime, name: str, interval: int) -> bool:
    """Enqueue ``name`` unless another scheduler already did for this tick; tell whether we did."""
    tick = int(time.time() // interval)
    if not rt.cache.add(f"scheduler:{name}:{tick}", "1", ttl=interval * 2):
        return False
    if not rt.queue.enqueue(name):
        return False
    log.info("job_enqueued", job=name)
    return True
