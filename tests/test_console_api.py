"""The admin API's reads for the terminal console: the queue (and retrying a failed task), the
scheduler's jobs and the live tail of turns; operator-only and audited."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask.testing import FlaskClient

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from appliance.jobs.scheduler import make_scheduler
from appliance.operator.console_tokens import mint_console_token
from appliance.tenants.directory import forget
from tests.conftest import Cast
from tests.console import ATTEMPTS, fail_a_task, run_now
from tests.operators import audits, auth, platform_token
from tests.visitors import ORIGIN, Visitor


@pytest.fixture
def root(rt: Runtime) -> str:
    return platform_token(rt)


def test_it_hides_the_console_reads_from_store_tokens(client: FlaskClient, cast: Cast) -> None:
    for path in ("/v1/admin/queue", "/v1/admin/jobs", "/v1/admin/live"):
        assert client.get(path, headers=auth(cast.alice_token)).status_code == 404
        assert client.get(path).status_code == 404


def test_it_lists_a_failed_task_and_queues_it_again_on_retry(client: FlaskClient, rt: Runtime, root: str) -> None:
    fail_a_task(rt, "l_01TESTLEAD0001")

    queue = client.get("/v1/admin/queue", headers=auth(root)).get_json()
    assert {"pending", "scheduled", "waiting"} <= set(queue)
    [failed] = [f for f in queue["failed"] if f["task"] == "console_test_always_fails"]
    assert failed["error"] == "RuntimeError"
    assert failed["retries_left"] == 0
    assert failed["arguments"] == 1
    assert "l_01TESTLEAD0001" not in str(queue)  # arguments are counted, never shown

    retried = client.post(f"/v1/admin/queue/failed/{failed['id']}/retry", headers=auth(root))
    assert retried.status_code == 200
    assert retried.get_json() == {"id": failed["id"], "task": "console_test_always_fails", "queued": True}
    assert ATTEMPTS == ["l_01TESTLEAD0001", "l_01TESTLEAD0001"]
    assert audits(rt, "console.task_retried")[0]["target_id"] == failed["id"]
    assert audits(rt, "console.queue_read")


def test_a_task_the_queue_still_retries_is_not_queued_twice(client: FlaskClient, rt: Runtime, root: str) -> None:
    fail_a_task(rt, "l_01TESTLEAD0002", retries=2)
    [failed] = client.get("/v1/admin/queue", headers=auth(root)).get_json()["failed"]
    assert failed["retries_left"] == 2

    response = client.post(f"/v1/admin/queue/failed/{failed['id']}/retry", headers=auth(root))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "still_retrying"
    assert ATTEMPTS == ["l_01TESTLEAD0002"]


def test_retrying_an_unknown_task_is_404(client: FlaskClient, root: str) -> None:
    response = client.post("/v1/admin/queue/failed/nope/retry", headers=auth(root))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_read_only_staff_may_read_the_queue_but_not_retry(client: FlaskClient, rt: Runtime) -> None:
    internal = platform_token(rt, "INTERNAL", "staff@ebanista.test")
    assert client.get("/v1/admin/queue", headers=auth(internal)).status_code == 200
    assert client.post("/v1/admin/queue/failed/x/retry", headers=auth(internal)).status_code == 403


def test_it_lists_the_scheduled_jobs_with_their_last_and_next_runs(client: FlaskClient, rt: Runtime, root: str) -> None:
    scheduler = make_scheduler(rt)  # a scheduler reports its jobs' first runs when it is made
    run_now(scheduler, "forget_stale_throttles")

    jobs = client.get("/v1/admin/jobs", headers=auth(root)).get_json()["jobs"]
    by_name = {job["name"]: job for job in jobs}
    assert by_name["flush_whatsapp_outbox"]["interval_seconds"] == 5
    ran = by_name["forget_stale_throttles"]
    last, following = datetime.fromisoformat(ran["last_run"]), datetime.fromisoformat(ran["next_run"])
    assert 3590 <= (following - last).total_seconds() <= 3610
    assert by_name["apply_retention"]["last_run"] is None
    assert audits(rt, "console.jobs_read")


def test_the_live_tail_shows_turns_across_stores_with_contact_details_masked(
    client: FlaskClient, rt: Runtime, root: str, cast: Cast
) -> None:
    with rt.transaction() as db:
        db.get(Tenant, cast.tenant_a.id).allowed_origins = [ORIGIN]
    forget(rt, cast.tenant_a)
    visitor = Visitor(client, cast.tenant_a.widget_key)
    visitor.open()
    visitor.start()
    visitor.send(text="Escribidme a laura.garcia@example.com o al 612 345 678")

    answer = client.get("/v1/admin/live", headers=auth(root))
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    said = next(item for item in items if item["role"] == "visitor")
    assert said["tenant"] == cast.tenant_a.slug
    assert "laura.garcia@example.com" not in said["text"]
    assert "612 345 678" not in said["text"]
    assert "***" in said["text"]
    assert items[0]["created_at"] >= items[-1]["created_at"]  # newest first
    assert client.get(f"/v1/admin/live?tenant_id={cast.tenant_b.id}", headers=auth(root)).get_json()["items"] == []
    gone = client.get("/v1/admin/live?tenant_id=t_01purgedlongago0000000000", headers=auth(root))
    assert (gone.status_code, gone.get_json()) == (200, {"items": []})
    assert audits(rt, "console.live_read")


def test_a_console_token_is_a_platform_token_that_expires_within_the_hour(client: FlaskClient, rt: Runtime) -> None:
    token = mint_console_token(rt)
    assert client.get("/v1/admin/overview", headers=auth(token)).status_code == 200
    assert audits(rt, "console.token_created")[0]["details"] == {"minutes": 60}
    expired = mint_console_token(rt, minutes=0)
    assert client.get("/v1/admin/overview", headers=auth(expired)).status_code == 404
