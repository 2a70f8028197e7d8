"""The CSV export: every lead the filters match (not one page), in fixed columns, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import Audit, Lead
from appliance.infra.runtime import Runtime
from appliance.leads import export
from appliance.leads.export import COLUMNS, safe_cell
from tests.conftest import Cast
from tests.leads_factory import add_lead, ago, allow_visitors, chat_until


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def exported(client: FlaskClient, token: str, query_string: str = "") -> list[dict[str, str]]:
    response = client.get(f"/v1/leads/export.csv?{query_string}", headers=auth(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def test_the_export_holds_every_matching_lead_not_just_a_page(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    hot = {add_lead(rt, cast.tenant_a.id, score=80, created_at=ago(minutes=i)) for i in range(60)}
    add_lead(rt, cast.tenant_a.id, score=10)
    add_lead(rt, cast.tenant_b.id, score=80)
    rows = exported(client, cast.bob_token, "temperature=hot")
    assert {row["id"] for row in rows} == hot
    assert [row["created_at"] for row in rows] == sorted((row["created_at"] for row in rows), reverse=True)


def test_a_row_has_the_leads_fields_and_contact_in_their_columns(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(
        rt, cast.tenant_a.id, name="Núria Vidal", email="nuria@example.com", phone="+34612345678", score=75
    )
    [row] = exported(client, cast.alice_token)
    assert row == {
        "id": lead_id,
        "created_at": row["created_at"],
        "status": "new",
        "score": "75",
        "temperature": "hot",
        "project_type": "kitchen",
        "budget_min_eur": "8000",
        "budget_max_eur": "12000",
        "area_m2": "14",
        "style": "modern",
        "urgency": "soon",
        "name": "Núria Vidal",
        "email": "nuria@example.com",
        "phone": "'+34612345678",
        "language": "es",
        "channel": "web",
    }
    assert row["created_at"].endswith(("+01:00", "+02:00"))


def test_a_lead_from_a_real_chat_is_exported(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    allow_visitors(rt, cast.tenant_a)
    v = chat_until(client, cast.tenant_a, "visit_type", lang="ca")
    [row] = exported(client, cast.alice_token, "q=ana.serra@example.com")
    assert (row["id"], row["name"], row["language"], row["budget_max_eur"]) == (
        v.last["lead"]["id"],
        "Ana Serra",
        "ca",
        "12000",
    )


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        ("\t=1+1", "'\t=1+1"),
        ("Laia Puig", "Laia Puig"),
        ("Anna-Maria", "Anna-Maria"),
    ],
)
def test_cells_that_would_start_a_formula_are_made_plain_text(
    client: FlaskClient, cast: Cast, rt: Runtime, name: str, cell: str
) -> None:
    add_lead(rt, cast.tenant_a.id, name=name)
    [row] = exported(client, cast.alice_token)
    assert row["name"] == cell


def test_plain_values_are_written_as_they_are() -> None:
    assert [safe_cell(v) for v in (None, 12, 12.0, 10.5, "modern")] == ["", "12", "12", "10.5", "modern"]


def test_the_export_uses_the_same_filters_and_search_as_the_list(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    laia = add_lead(rt, cast.tenant_a.id, name="Laia Puig", phone="+34622222222", status="won")
    add_lead(rt, cast.tenant_a.id, name="Joan Puig", status="lost")
    assert [r["id"] for r in exported(client, cast.alice_token, "q=laia")] == [laia]
    assert [r["id"] for r in exported(client, cast.alice_token, "q=622 222 222")] == [laia]
    assert [r["id"] for r in exported(client, cast.alice_token, "status=won")] == [laia]
    assert len(exported(client, cast.alice_token, "q=puig&sort=score")) == 2
    assert client.get("/v1/leads/export.csv?status=maybe", headers=auth(cast.alice_token)).status_code == 422


def test_an_erased_person_is_exported_without_contact(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, email="gone@example.com")
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(minutes=1)
    [row] = exported(client, cast.alice_token)
    assert (row["id"], row["name"], row["email"], row["project_type"]) == (lead_id, "", "", "kitchen")


def test_the_export_is_audited_with_filter_names_only(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    add_lead(rt, cast.tenant_a.id, email="ana@example.com")
    exported(client, cast.bob_token, "q=ana@example.com&temperature=warm")
    with rt.sessions() as db:
        [entry] = db.scalars(select(Audit).where(Audit.action == "leads.exported")).all()
    assert (entry.tenant_id, entry.actor_user_id) == (cast.tenant_a.id, cast.bob.id)
    assert entry.details == {"rows": 1, "filters": ["q", "temperature"]}


def test_too_many_leads_for_one_file_is_422_asking_to_narrow(
    client: FlaskClient, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 3)
    for _ in range(4):
        add_lead(rt, cast.tenant_a.id)
    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token))
    assert response.status_code == 422
    assert "narrow" in response.get_json()["error"]["details"]["problems"][0]["message"]
    assert exported(client, cast.alice_token, "status=won") == []  # narrower filters export again


def test_a_name_search_among_many_leads_exports_its_few_matches(
    client: FlaskClient, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 3)
    for _ in range(5):
        add_lead(rt, cast.tenant_a.id)
    add_lead(rt, cast.tenant_a.id, name="Núria Vidal")
    rows = exported(client, cast.alice_token, "q=nuria")
    assert len(rows) == 1


def test_export_csv_is_its_own_route_not_a_lead_called_export(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/v1/leads/export.csv", headers=auth(cast.alice_token))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_csv_download_is_named_after_the_day_and_kept_by_nobody() -> None:
    download = export.csv_download("\ufeffid\r\n", date(2026, 5, 1))
    assert (download.body, download.filename, download.mimetype) == ("\ufeffid\r\n", "leads-2026-05-01.csv", "text/csv")
    assert download.headers == {
        "Content-Disposition": 'attachment; filename="leads-2026-05-01.csv"',
        "Cache-Control": "no-store",
    }
