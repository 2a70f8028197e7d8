"""What the operator's terminal console reads beyond the admin panel: the task queue (and retrying a
failed task), the scheduler's jobs, and a tail of conversation turns across stores.

Each read is audited, as the console's changes are: the live tail shows what visitors say (masked),
and who looked at it, when, is part of the trail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from appliance.conversations.records import masked_messages
from appliance.errors import Conflict, NotFound
from appliance.infra.audit import record
from appliance.infra.db import ChatSession, Message, Tenant
from appliance.infra.observability import mask_text
from appliance.infra.runtime import Runtime
from appliance.infra.schedule_board import noted_jobs
from appliance.infra.task_failures import failed_tasks, take_failure

PENDING_SHOWN = 20


def queue_report(rt: Runtime) -> dict[str, Any]:
    """Return the queue: how many tasks wait (now and scheduled), the first waiting, the failed ones."""
    huey = rt.queue.huey
    waiting = [{"id": task.id, "task": task.name} for task in huey.pending(limit=PENDING_SHOWN)]
    report = {
        "pending": huey.pending_count(),
        "scheduled": huey.scheduled_count(),
        "waiting": waiting,
        "failed": [_failure_json(entry) for entry in failed_tasks(huey)],
    }
    _audit(rt, "console.queue_read", {"failed": len(report["failed"])})
    return report


def _failure_json(entry: dict[str, Any]) -> dict[str, Any]:
    # The arguments may hold an address (an invitation's e-mail): only their count is shown.
    fields = ("id", "task", "error", "retries_left", "failed_at")
    return {**{name: entry[name] for name in fields}, "arguments": len(entry["args"]) + len(entry["kwargs"])}


def retry_failed(rt: Runtime, task_id: str) -> dict[str, Any]:
    """Queue a failed task again with its arguments and drop it from the failed list; return it.

    A task huey will still retry by itself is refused (409 ``still_retrying``): queued twice, it
    would run twice."""
    entry = next((e for e in failed_tasks(rt.queue.huey) if e["id"] == task_id), None)
    if entry is None:
        raise NotFound("There is no failed task with that id.")
    if entry["retries_left"] > 0:
        raise Conflict("The queue retries this task by itself; wait for its last attempt.", code="still_retrying")
    if take_failure(rt.queue.huey, task_id) is None:
        raise NotFound("There is no failed task with that id.")  # another operator retried it meanwhile
    queued = rt.queue.enqueue(entry["task"], *entry["args"], **entry["kwargs"])
    _audit(rt, "console.task_retried", {"task": entry["task"], "queued": queued}, target=("task", task_id))
    return {"id": task_id, "task": entry["task"], "queued": queued}


def jobs_report(rt: Runtime) -> dict[str, Any]:
    """Return the scheduler's jobs with their interval and last and next runs (ISO, UTC)."""
    jobs = [
        {**job, "last_run": _iso(job["last_run"]), "next_run": _iso(job["next_run"])} for job in noted_jobs(rt.cache)
    ]
    _audit(rt, "console.jobs_read", {"jobs": len(jobs)})
    return {"jobs": jobs}


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch else None


def live_turns(rt: Runtime, *, tenant_id: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Return the latest messages across stores (or of one), newest first, personal data masked."""
    query = (
        select(Message, ChatSession.variables, Tenant.slug)
        .join(ChatSession, ChatSession.id == Message.session_id)
        .join(Tenant, Tenant.id == Message.tenant_id)
        .order_by(Message.id.desc())  # ids sort by creation time, and the primary key serves it
        .limit(max(1, min(limit, 200)))
    )
    if tenant_id:
        query = query.where(Message.tenant_id == tenant_id)
    with rt.transaction() as db:
        rows = db.execute(query).all()
        items = [_turn_json(message, variables or {}, slug) for message, variables, slug in rows]
        # The filter goes in the details: a store's id that no longer exists (purged) is still a
        # valid filter, while the entry's own tenant_id must name an existing store.
        record(db, "console.live_read", tenant_id=None, details={"messages": len(items), "tenant_id": tenant_id})
    return {"items": items}


def _turn_json(message: Message, variables: dict[str, Any], slug: str) -> dict[str, Any]:
    row = {"text": message.text}
    # The contact details the visitor gave in this conversation, then any address or phone left.
    text = masked_messages([row], variables)[0]["text"]
    return {
        "id": message.id,
        "tenant": slug,
        "session_id": message.session_id,
        "role": message.role,
        "text": mask_text(text) if text else "",
        "block_id": message.block_id,
        "created_at": message.created_at.isoformat(),
    }


def _audit(rt: Runtime, action: str, details: dict[str, Any], target: tuple[str, str] | None = None) -> None:
    kind, target_id = target or (None, None)
    with rt.transaction() as db:
        record(db, action, tenant_id=None, target_type=kind, target_id=target_id, details=details)
