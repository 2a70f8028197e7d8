"""The admin API's reads for the operator's terminal console: the task queue, the scheduler's jobs
and a live tail of conversation turns, plus retrying a failed task.

They sit under /v1/admin, so the admin guard (admin.guard_admin_surface) answers 404 to anyone but
platform staff and 403 to read-only staff on the retry. The logic lives in appliance.operator.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from appliance.infra.runtime import current_runtime
from appliance.operator import console_reads
from appliance.web.api.admin import ERRORS, OPERATOR

api = APIBlueprint("admin_console", __name__, abp_tags=[Tag(name="admin")])


class QueueOut(BaseModel):
    """The task queue: waiting tasks (now and scheduled), the first few, and the failed ones."""

    pending: int
    scheduled: int
    waiting: list[dict[str, Any]]
    failed: list[dict[str, Any]]


class TaskPath(BaseModel):
    """A failed task, by its queue id."""

    task_id: str = Field(max_length=64)


class RetryOut(BaseModel):
    """The task queued again."""

    id: str
    task: str
    queued: bool


class JobsOut(BaseModel):
    """The scheduler's jobs, soonest first."""

    jobs: list[dict[str, Any]]


class LiveQuery(BaseModel):
    """The latest turns, optionally of one store."""

    tenant_id: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=200)


class LiveOut(BaseModel):
    """Messages newest first, personal data masked."""

    items: list[dict[str, Any]]


@api.get("/admin/queue", responses={200: QueueOut, **ERRORS}, security=OPERATOR)
def queue() -> Response:
    """Show the task queue: pending and scheduled counts, the first waiting tasks, the failed ones."""
    return jsonify(console_reads.queue_report(current_runtime()))


@api.post("/admin/queue/failed/<task_id>/retry", responses={200: RetryOut, **ERRORS}, security=OPERATOR)
def retry_task(path: TaskPath) -> Response:
    """Queue a failed task again with the same arguments."""
    return jsonify(console_reads.retry_failed(current_runtime(), path.task_id))


@api.get("/admin/jobs", responses={200: JobsOut, **ERRORS}, security=OPERATOR)
def jobs() -> Response:
    """List the scheduler's jobs with their interval, last run and next run."""
    return jsonify(console_reads.jobs_report(current_runtime()))


@api.get("/admin/live", responses={200: LiveOut, **ERRORS}, security=OPERATOR)
def live(query: LiveQuery) -> Response:
    """Tail the latest conversation turns across stores (or of one), contact details masked."""
    return jsonify(console_reads.live_turns(current_runtime(), tenant_id=query.tenant_id, limit=query.limit))
