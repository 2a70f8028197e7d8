"""Background work: tasks are idempotent, and the scheduler enqueues each run once."""

from __future__ import annotations

from datetime import timedelta

from appliance.conversations import positions
from appliance.infra.db import ChatSession, IdempotencyKey, utcnow
from appliance.infra.runtime import Runtime
from appliance.jobs.scheduler import JOBS, enqueue_once, make_scheduler


def add_key(rt: Runtime, tenant_id: str, key: str, expires_in: timedelta) -> None:
    with rt.transaction() as session:
        session.add(
            IdempotencyKey(
                tenant_id=tenant_id,
                scope="chat.send",
                key=key,
                request_hash="0" * 64,
                expires_at=utcnow() + expires_in,
            )
        )


def test_purging_idempotency_keys_removes_only_expired_ones_and_can_run_twice(rt: Runtime, make_tenant) -> None:
    tenant = make_tenant()
    add_key(rt, tenant.id, "old", timedelta(hours=-1))
    add_key(rt, tenant.id, "fresh", timedelta(hours=23))
    rt.queue.enqueue("purge_expired_idempotency_keys")
    rt.queue.enqueue("purge_expired_idempotency_keys")
    with rt.sessions() as session:
        assert [k.key for k in session.query(IdempotencyKey)] == ["fresh"]


def test_the_scheduler_enqueues_a_tick_only_once_across_schedulers(rt: Runtime) -> None:
    assert enqueue_once(rt, "purge_expired_idempotency_keys", 3600) is True
    assert enqueue_once(rt, "purge_expired_idempotency_keys", 3600) is False


def test_the_scheduler_has_a_job_for_every_schedule(rt: Runtime) -> None:
    scheduler = make_scheduler(rt)
    nightly_backup = set() if rt.settings.is_platform else {"take_nightly_backup"}  # the appliance's own
    assert {job.id for job in scheduler.get_jobs()} == {name for name, _ in JOBS} | nightly_backup


def test_idle_sessions_expire_and_a_resume_then_starts_afresh(rt: Runtime, make_tenant, client) -> None:
    from tests.visitors import ORIGIN, Visitor

    tenant = make_tenant("Cuines", allowed_origins=[ORIGIN])
    visitor = Visitor(client, tenant.widget_key)
    visitor.open()
    visitor.start()
    with rt.transaction() as session:
        session.get(ChatSession, visitor.session_id).expires_at = utcnow() - timedelta(minutes=1)
    positions.forget(rt, visitor.session_id)
    rt.queue.enqueue("expire_idle_sessions")
    with rt.sessions() as session:
        assert session.get(ChatSession, visitor.session_id).status == "expired"
    reopened = Visitor(client, tenant.widget_key).open(session_id=visitor.session_id, secret=visitor.secret)
    assert reopened["session_id"] != visitor.session_id
