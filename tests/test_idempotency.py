"""Idempotency-Key: a retry replays the stored answer before any business check runs again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from appliance.infra.db import IdempotencyKey, Tenant
from appliance.infra.idempotency import run_once
from appliance.infra.runtime import Runtime


def counting_work(calls: list[int]) -> Callable[[Connection], Any]:
    def work(conn: Connection) -> dict[str, Any]:
        calls.append(1)
        return {"id": f"answer-{len(calls)}"}

    return work


def test_a_retry_replays_the_stored_answer_without_running_the_work_again(
    rt: Runtime, make_tenant: Callable[..., Tenant]
) -> None:
    tenant = make_tenant()
    calls: list[int] = []
    first = run_once(rt, tenant.id, "test.scope", "k-1", {"a": 1}, counting_work(calls), status=201)
    again = run_once(rt, tenant.id, "test.scope", "k-1", {"a": 1}, counting_work(calls), status=201)
    assert first == ({"id": "answer-1"}, False)
    assert again == ({"id": "answer-1"}, True)
    assert calls == [1]
    with rt.transaction() as db:
        assert db.scalars(select(IdempotencyKey.status_code)).all() == [201]


def test_without_a_key_the_work_runs_every_time(rt: Runtime, make_tenant: Callable[..., Tenant]) -> None:
    tenant = make_tenant()
    calls: list[int] = []
    run_once(rt, tenant.id, "test.scope", None, {"a": 1}, counting_work(calls))
    answer = run_once(rt, tenant.id, "test.scope", None, {"a": 1}, counting_work(calls))
    assert answer == ({"id": "answer-2"}, False)
    with rt.transaction() as db:
        assert db.scalars(select(IdempotencyKey)).all() == []
