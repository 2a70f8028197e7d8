"""The CSV export is streamed: header first, then batch by batch, each in a short transaction of its own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select
from structlog.testing import capture_logs

from appliance.infra.db import Audit
from appliance.infra.runtime import Runtime
from appliance.infra.store_scope import current_store, store_scope
from appliance.leads import export
from appliance.leads.export import BOM, COLUMNS
from tests.conftest import Cast
from tests.leads_factory import add_lead, ago

HEADER = BOM + ",".join(COLUMNS) + "\r\n"
Login = Callable[..., FlaskClient]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(export, "EXPORT_BATCH", 4)
    return 4


def ids_in(chunks: list[bytes]) -> list[str]:
    text = b"".join(chunks).decode()
    assert text.startswith(HEADER)
    return [row[0] for row in csv.reader(io.StringIO(text.removeprefix(HEADER)))]


def leads(rt: Runtime, tenant_id: str, n: int) -> list[tuple[str, int, datetime]]:
    """Add ``n`` leads, newest first; return their ids, scores and times."""
    added = []
    # Scores repeat, so a score sort meets ties that only the id orders.
    for i in range(n):
        score, created = 40 + i % 3, ago(minutes=10 + i)
        added.append((add_lead(rt, tenant_id, score=score, created_at=created), score, created))
    return added


def in_order(added: list[tuple[str, int, datetime]], sort: str) -> list[str]:
    """Return the ids of ``added`` in the order of ``sort`` (the sort key, then the id)."""
    by_score = sort.endswith("score")
    ordered = sorted(added, key=lambda a: (a[1] if by_score else a[2], a[0]), reverse=sort.startswith("-"))
    return [lead_id for lead_id, _score, _created in ordered]


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "-score", "score"])
def test_an_export_of_many_batches_is_whole_and_in_order_even_when_a_lead_arrives_meanwhile(
    client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int, sort: str
) -> None:
    before = in_order(leads(rt, cast.tenant_a.id, 3 * small_batches + 2), sort)
    add_lead(rt, cast.tenant_b.id)
    response = client.get(f"/v1/leads/export.csv?sort={sort}", headers=auth(cast.alice_token), buffered=False)
    assert response.status_code == 200
    chunks = iter(response.response)
    got = [next(chunks), next(chunks)]  # the header, then the first batch
    # Newest and best scored: before the stream's position in a descending sort, after it in an ascending one.
    arrived = add_lead(rt, cast.tenant_a.id, score=99)
    got += list(chunks)
    response.close()
    ids = ids_in(got)
    # Keyset paging: paging by offset would send the lead that the newcomer pushed down twice.
    assert ids == (before if sort.startswith("-") else [*before, arrived])
    assert len(got) >= 2 + len(before) // small_batches  # one chunk a batch, not the whole file at once
    with rt.sessions() as db:
        [entry] = db.scalars(select(Audit).where(Audit.action == "leads.exported")).all()
    assert entry.details == {"rows": len(before), "filters": []}


def test_the_export_is_streamed_header_first(client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int) -> None:
    leads(rt, cast.tenant_a.id, 2 * small_batches + 1)
    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token), buffered=False)
    # The test client streams every answer; the chunks show the file was not built whole first.
    assert response.is_streamed
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    assert "Content-Length" not in response.headers
    chunks = iter(response.response)
    assert next(chunks).decode() == HEADER
    assert len(list(csv.reader(io.StringIO(next(chunks).decode())))) == small_batches
    response.close()


def test_a_name_search_of_many_batches_is_streamed_whole(
    client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int
) -> None:
    puigs = []
    for i in range(3 * small_batches):
        created = ago(minutes=10 + i)
        if i % 2:
            add_lead(rt, cast.tenant_a.id, name="Joan Serra", created_at=created)
        else:
            puigs.append(add_lead(rt, cast.tenant_a.id, name=f"Laia Puig {i}", created_at=created))
    response = client.get("/v1/leads/export.csv?q=puig", headers=auth(cast.alice_token), buffered=False)
    assert ids_in(list(response.response)) == puigs
    response.close()


def test_between_batches_the_export_holds_no_connection(
    client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int
) -> None:
    leads(rt, cast.tenant_a.id, 3 * small_batches)
    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token), buffered=False)
    chunks = iter(response.response)
    got = [next(chunks), next(chunks)]
    # SQLite has one connection per process: another request could not be answered if the export kept it.
    assert rt.engine.pool.checkedout() == 0
    other = client.get("/v1/leads?limit=1", headers=auth(cast.bob_token))
    assert other.status_code == 200
    assert len(other.get_json()["items"]) == 1
    got += list(chunks)
    response.close()
    assert len(ids_in(got)) == 3 * small_batches


def test_every_batch_is_read_for_the_exports_store(
    client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int
) -> None:
    leads(rt, cast.tenant_a.id, 3 * small_batches)
    stores: list[str | None] = []

    def began(_connection: Any) -> None:
        stores.append(current_store())

    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token), buffered=False)
    event.listen(rt.engine, "begin", began)
    try:
        # As a server may: the body iterated where the request's store is not said.
        with store_scope(None):
            chunks = list(response.response)
    finally:
        event.remove(rt.engine, "begin", began)
    response.close()
    assert len(ids_in(chunks)) == 3 * small_batches
    assert len(stores) >= 3  # the batches after the first one, each in its own transaction
    assert set(stores) == {cast.tenant_a.id}


def test_a_failure_while_streaming_ends_the_file_and_is_logged_without_personal_data(
    client: FlaskClient, cast: Cast, rt: Runtime, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads(rt, cast.tenant_a.id, 3 * small_batches)
    read_batch = export.read_batch
    calls = iter(range(100))

    def failing(*args: Any) -> export.Batch:
        if next(calls) == 1:
            raise RuntimeError("lost the database while reading nuria@example.com")
        return read_batch(*args)

    monkeypatch.setattr(export, "read_batch", failing)
    with capture_logs() as logs:
        response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token), buffered=False)
        assert response.status_code == 200
        chunks = list(response.response)
        response.close()
    assert len(ids_in(chunks)) == small_batches  # the header and the first batch, then the end
    [entry] = [e for e in logs if e["event"] == "leads_export_interrupted"]
    assert entry == {
        "event": "leads_export_interrupted",
        "log_level": "error",
        "rows_sent": small_batches,
        "rows_expected": 3 * small_batches,
        "error": "RuntimeError",
    }
    assert "nuria" not in repr(logs)


def test_a_failure_before_the_first_byte_is_still_an_error_answer(
    client: FlaskClient, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 3)
    leads(rt, cast.tenant_a.id, 4)
    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token), buffered=False)
    assert (response.status_code, response.mimetype) == (422, "application/json")
    assert response.get_json()["error"]["details"]["problems"][0]["path"] == "query"
    with rt.sessions() as db:
        assert db.scalars(select(Audit).where(Audit.action == "leads.exported")).all() == []


def test_the_panel_streams_its_export_too(panel_login: Login, cast: Cast, rt: Runtime, small_batches: int) -> None:
    leads(rt, cast.tenant_a.id, 2 * small_batches + 1)
    alice = panel_login("alice@example.com")
    response = alice.get("/panel/leads/export.csv", buffered=False)
    assert (response.status_code, response.mimetype, response.is_streamed) == (200, "text/csv", True)
    chunks: Iterator[bytes] = iter(response.response)
    assert next(chunks).decode() == HEADER
    assert len(ids_in([HEADER.encode(), *chunks])) == 2 * small_batches + 1
    response.close()
