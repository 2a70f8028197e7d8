"""The nightly backup task: the scheduler enqueues it at EBANISTA_BACKUP_HOUR and shortly after
start; it skips when a recent backup exists, so a PC switched off at night still gets one a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from appliance.backups.shelf import newest_age, take_backup
from appliance.infra.audit import Actor
from appliance.infra.runtime import Runtime
from appliance.jobs.registry import task

log = structlog.get_logger(__name__)

RECENT = timedelta(hours=20)
SCHEDULER = Actor(label="nightly backup")


@task
def take_nightly_backup(rt: Runtime, now: datetime | None = None) -> str | None:
    """Take the day's backup unless one younger than 20 hours exists; return its name, if taken."""
    settings = rt.settings
    if settings.is_platform or settings.backup_schedule != "on":
        return None
    when = now or datetime.now(UTC)
    age = newest_age(settings, when)
    if age is not None and age < RECENT:
        return None
    found = take_backup(rt, actor=SCHEDULER, now=when)
    log.info("backup_taken", name=found["name"], size_bytes=found["size_bytes"])
    return found["name"]
