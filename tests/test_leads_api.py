"""Leads for store staff: the documented shape, every filter, sorting, paging, search and changes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import Audit, Lead
from appliance.infra.runtime import Runtime
from appliance.leads import query
from tests.conftest import Cast
from tests.images import JPEG, stored
from tests.leads_factory import add_lead, ago, allow_visitors, chat_until


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listed(client: FlaskClient, token: str, query_string: str = "") -> dict[str, Any]:
    response = client.get(f"/v1/leads?{query_string}", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_a_lead_from_a_real_chat_is_listed_in_the_documented_shape(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    allow_visitors(rt, cast.tenant_a)
    v = chat_until(client, cast.tenant_a, "visit_type")
    page = listed(client, cast.bob_token)
    assert page["next_cursor"] is None
    [lead] = page["items"]
    assert lead["id"] == v.last["lead"]["id"]
    assert lead["session_id"] == v.session_id
    assert lead["status"] == "new"
    assert lead["contact"] == {"name": "Ana Serra", "email": "ana.serra@example.com", "phone": None, "address": None}
    assert lead["fields"] == {
        "project_type": "kitchen",
        "budget_min_eur": 8000,
        "budget_max_eur": 12000,
        "area_m2": 14,
        "style": "modern",
        "urgency": "soon",
        "contact_method": "email",
    }
    assert set(lead["score_breakdown"]) == {"budget", "urgency", "area", "style", "origin"}
    assert round(sum(lead["score_breakdown"].values())) == lead["score"]
    assert lead["temperature"] in {"cold", "warm", "hot", "premium"}
    assert (lead["language"], lead["channel"], lead["erased"]) == ("es", "web", False)
    assert lead["created_at"].endswith(("+01:00", "+02:00"))


def test_the_list_shows_only_the_callers_store(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    mine = add_lead(rt, cast.tenant_a.id)
    add_lead(rt, cast.tenant_b.id)
    assert ids(listed(client, cast.alice_token)) == [mine]


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        ("temperature=hot", {"hot"}),
        ("status=won", {"won"}),
        ("project_type=wardrobe", {"wardrobe"}),
        ("channel=whatsapp", {"whatsapp"}),
        ("language=pt", {"pt"}),
        ("score_min=70", {"hot", "premium"}),
        ("score_max=39", {"cold"}),
        ("score_min=40&score_max=69", {"warm"}),
        ("temperature=premium&status=won", set()),
    ],
)
def test_each_filter_narrows_the_list(
    client: FlaskClient, cast: Cast, rt: Runtime, query_string: str, expected: set[str]
) -> None:
    tenant = cast.tenant_a.id
    leads = {
        "cold": add_lead(rt, tenant, score=10),
        "warm": add_lead(rt, tenant, score=50),
        "hot": add_lead(rt, tenant, score=75),
        "premium": add_lead(rt, tenant, score=95),
        "won": add_lead(rt, tenant, score=20, status="won"),
        "wardrobe": add_lead(rt, tenant, score=20, fields={"project_type": "wardrobe"}),
        "whatsapp": add_lead(rt, tenant, score=20, channel="whatsapp"),
        "pt": add_lead(rt, tenant, score=20, language="pt"),
    }
    # "won", "wardrobe", "whatsapp" and "pt" are cold leads too.
    if query_string == "score_max=39":
        expected = {"cold", "won", "wardrobe", "whatsapp", "pt"}
    found = set(ids(listed(client, cast.alice_token, query_string)))
    assert found == {leads[name] for name in expected}


def test_created_from_and_to_are_days_in_the_stores_zone_or_exact_times(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    tenant = cast.tenant_a.id  # Europe/Madrid: UTC+1 in January
    late_on_the_1st = add_lead(rt, tenant, created_at=datetime(2026, 1, 1, 22, 30, tzinfo=UTC))  # 23:30 local
    early_on_the_2nd = add_lead(rt, tenant, created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))  # 00:30 on the 2nd
    on_the_3rd = add_lead(rt, tenant, created_at=datetime(2026, 1, 3, 12, 0, tzinfo=UTC))
    token = cast.alice_token
    assert set(ids(listed(client, token, "created_to=2026-01-01"))) == {late_on_the_1st}
    assert set(ids(listed(client, token, "created_from=2026-01-02"))) == {early_on_the_2nd, on_the_3rd}
    assert ids(listed(client, token, "created_from=2026-01-02&created_to=2026-01-02")) == [early_on_the_2nd]
    # A time without an offset is local; an unencoded "+" in the offset is understood too.
    assert ids(listed(client, token, "created_from=2026-01-02T00:00:00&created_to=2026-01-02T10:00")) == [
        early_on_the_2nd
    ]
    assert ids(listed(client, token, "created_from=2026-01-01T23:45:00+00:00")) == [on_the_3rd]
    assert ids(listed(client, token, "created_from=2026-01-02T00:00:00+01:00&created_to=2026-01-02")) == [
        early_on_the_2nd
    ]


def test_bad_filters_are_422_with_their_path(client: FlaskClient, cast: Cast) -> None:
    for bad, path in [
        ("temperature=lukewarm", "temperature"),
        ("score_min=101", "score_min"),
        ("created_from=yesterday", "created_from"),
        ("limit=201", "limit"),
        ("temprature=hot", "temprature"),
    ]:
        response = client.get(f"/v1/leads?{bad}", headers=auth(cast.alice_token))
        assert response.status_code == 422, bad
        assert path in str(response.get_json()["error"]["details"]["problems"]), bad
    response = client.get("/v1/leads?score_min=80&score_max=20", headers=auth(cast.alice_token))
    assert response.status_code == 422


def test_leads_sort_newest_first_by_default_and_by_score_or_age_on_request(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    tenant = cast.tenant_a.id
    old = add_lead(rt, tenant, score=80, created_at=ago(days=3))
    middle = add_lead(rt, tenant, score=20, created_at=ago(days=2))
    new = add_lead(rt, tenant, score=50, created_at=ago(days=1))
    token = cast.alice_token
    assert ids(listed(client, token)) == [new, middle, old]
    assert ids(listed(client, token, "sort=created_at")) == [old, middle, new]
    assert ids(listed(client, token, "sort=-score")) == [old, new, middle]
    assert ids(listed(client, token, "sort=score")) == [middle, new, old]


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "-score", "score"])
def test_paging_with_the_cursor_visits_every_lead_once_in_order(
    client: FlaskClient, cast: Cast, rt: Runtime, sort: str
) -> None:
    # Equal scores and equal times on purpose: the id breaks ties, so no lead repeats or goes missing.
    moment = ago(hours=1)
    made = [add_lead(rt, cast.tenant_a.id, score=30 + i % 2, created_at=moment) for i in range(7)]
    seen, pages, cursor = [], 0, ""
    while True:
        page = listed(client, cast.bob_token, f"sort={sort}&limit=3" + (f"&cursor={cursor}" if cursor else ""))
        pages += 1
        seen += ids(page)
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert pages == 3
    assert sorted(seen) == sorted(made)
    assert seen == ids(listed(client, cast.bob_token, f"sort={sort}&limit=200"))


def test_a_damaged_cursor_or_one_of_another_sort_is_422(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    for _ in range(3):
        add_lead(rt, cast.tenant_a.id)
    cursor = listed(client, cast.alice_token, "limit=1")["next_cursor"]
    assert cursor
    for bad in (f"sort=score&cursor={cursor}", "cursor=not-a-cursor"):
        response = client.get(f"/v1/leads?{bad}", headers=auth(cast.alice_token))
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["details"]["problems"][0]["path"] == "cursor"


def test_q_finds_an_email_whatever_its_case(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    ana = add_lead(rt, cast.tenant_a.id, email="ana.serra@example.com")
    add_lead(rt, cast.tenant_a.id, name="Other", email="other@example.com")
    assert ids(listed(client, cast.alice_token, "q=Ana.Serra@Example.COM")) == [ana]
    assert ids(listed(client, cast.alice_token, "q=ana.serra@example.co")) == []


@pytest.mark.parametrize("typed", ["612345678", "612 34 56 78", "%2B34612345678", "0034 612 345 678"])
def test_q_finds_a_phone_typed_the_way_staff_type_it(client: FlaskClient, cast: Cast, rt: Runtime, typed: str) -> None:
    ana = add_lead(rt, cast.tenant_a.id, phone="+34612345678")
    add_lead(rt, cast.tenant_a.id, phone="+34699999999")
    assert ids(listed(client, cast.alice_token, f"q={typed}")) == [ana]


def test_q_finds_a_name_by_part_without_case_or_accents(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    nuria = add_lead(rt, cast.tenant_a.id, name="Núria  Vidal Pérez")
    add_lead(rt, cast.tenant_a.id, name="Joan Puig")
    token = cast.alice_token
    for typed in ("nuria", "NÚRIA vidal", "perez", "Vidal Pé"):
        assert ids(listed(client, token, f"q={typed}")) == [nuria], typed
    assert ids(listed(client, token, "q=nuria&temperature=hot")) == []


def test_a_name_search_reads_a_bounded_number_of_leads_and_continues_by_cursor(
    client: FlaskClient, cast: Cast, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query, "NAME_SCAN_LIMIT", 3)
    monkeypatch.setattr(query, "NAME_BATCH", 2)
    wanted = add_lead(rt, cast.tenant_a.id, name="Laia Puig", created_at=ago(days=9))
    for day in range(7):
        add_lead(rt, cast.tenant_a.id, name=f"Someone {day}", created_at=ago(days=day))
    found, cursor, requests = [], "", 0
    while True:
        page = listed(client, cast.alice_token, "q=laia" + (f"&cursor={cursor}" if cursor else ""))
        requests += 1
        found += ids(page)
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert found == [wanted]
    assert requests == 3  # 8 leads read 3 at a time


def test_an_erased_lead_shows_no_contact_and_is_not_found_by_who_they_were(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, email="gone@example.com", phone="+34611111111", notes="Calls after 6")
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(minutes=1)
    [shown] = listed(client, cast.alice_token)["items"]
    assert shown["contact"] == {"name": None, "email": None, "phone": None, "address": None}
    assert (shown["erased"], shown["notes"]) == (True, None)
    assert shown["fields"]["project_type"] == "kitchen"
    for typed in ("gone@example.com", "611111111", "Ana"):
        assert listed(client, cast.alice_token, f"q={typed}")["items"] == []


def test_one_lead_is_read_by_id_and_another_stores_is_404(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    mine = add_lead(rt, cast.tenant_a.id, email="ana@example.com")
    theirs = add_lead(rt, cast.tenant_b.id)
    response = client.get(f"/v1/leads/{mine}", headers=auth(cast.bob_token))
    assert response.status_code == 200
    assert response.get_json()["contact"]["email"] == "ana@example.com"
    assert response.headers["Cache-Control"] == "no-store"
    for path in (f"/v1/leads/{theirs}", f"/v1/leads/{theirs}/transcript", "/v1/leads/l_unknown"):
        assert client.get(path, headers=auth(cast.alice_token)).status_code == 404, path
    assert (
        client.patch(f"/v1/leads/{theirs}", json={"status": "won"}, headers=auth(cast.alice_token)).status_code == 404
    )


def test_an_agent_changes_status_notes_and_assignee_and_the_audit_keeps_no_notes(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    change = {"status": "contacted", "notes": "Wants oak; call Ana after 18:00", "assignee_id": cast.bob.id}
    response = client.patch(f"/v1/leads/{lead_id}", json=change, headers=auth(cast.bob_token))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["notes"], body["assignee_id"]) == ("contacted", change["notes"], cast.bob.id)
    assert client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()["status"] == "contacted"
    with rt.sessions() as db:
        [entry] = db.scalars(select(Audit).where(Audit.action == "lead.updated")).all()
        assert (entry.tenant_id, entry.target_id, entry.actor_user_id) == (cast.tenant_a.id, lead_id, cast.bob.id)
        assert entry.details == {
            "changed": ["assignee_id", "notes", "status"],
            "status": "contacted",
            "assignee_id": cast.bob.id,
        }
        assert "oak" not in str(entry.details)
    unassigned = client.patch(f"/v1/leads/{lead_id}", json={"assignee_id": None}, headers=auth(cast.bob_token))
    assert unassigned.get_json()["assignee_id"] is None
    assert unassigned.get_json()["status"] == "contacted"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"status": "archived"}, "status"),
        ({"status": None}, "status"),
        ({"assignee_id": "u_nobody"}, "assignee_id"),
        ({"score": 99}, "score"),
        ({}, "body"),
    ],
)
def test_a_bad_change_is_422_and_changes_nothing(
    client: FlaskClient, cast: Cast, rt: Runtime, change: dict, path: str
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    response = client.patch(f"/v1/leads/{lead_id}", json=change, headers=auth(cast.alice_token))
    assert response.status_code == 422
    assert path in str(response.get_json()["error"]["details"]["problems"])
    assert client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()["status"] == "new"


def test_only_a_member_of_the_store_can_be_assigned(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    response = client.patch(
        f"/v1/leads/{lead_id}", json={"assignee_id": cast.charlie.id}, headers=auth(cast.alice_token)
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["problems"][0]["path"] == "assignee_id"


def test_the_transcript_has_both_sides_in_order_with_the_visitors_files(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    allow_visitors(rt, cast.tenant_a)
    v = chat_until(client, cast.tenant_a, "photos")
    upload = client.post(
        f"/v1/chat/{v.session_id}/attachments",
        data={"file": (io.BytesIO(JPEG), "kitchen.jpg")},
        headers=v.headers(),
        content_type="multipart/form-data",
    ).get_json()
    v.send(value=upload["id"])
    v.send(value="Ana Serra")
    response = client.get(f"/v1/leads/{v.last['lead']['id']}/transcript", headers=auth(cast.bob_token))
    assert response.status_code == 200
    messages = response.get_json()["items"]
    roles = [m["role"] for m in messages]
    assert roles[0] == "bot"
    assert "visitor" in roles
    assert [m for m in messages if m["role"] == "visitor"][-1]["text"] == "Ana Serra"
    with_files = [m for m in messages if m["attachments"]]
    [[shown]] = [m["attachments"] for m in with_files]
    assert shown["id"] == upload["id"]
    assert (shown["name"], shown["content_type"], shown["size"]) == ("kitchen.jpg", "image/jpeg", len(stored(JPEG)))
    assert shown["thumbnail_url"] == f"/v1/leads/{v.last['lead']['id']}/files/{upload['id']}?size=thumb"
    # The visitor's answer to the photo question is the photo, not its id as text.
    assert all(m["text"] != upload["id"] for m in messages)
    assert all(m["created_at"].endswith(("+01:00", "+02:00")) for m in messages)
    assert messages == sorted(messages, key=lambda m: m["created_at"])


def test_an_erased_leads_transcript_is_empty(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    allow_visitors(rt, cast.tenant_a)
    v = chat_until(client, cast.tenant_a, "photos")
    lead_id = v.last["lead"]["id"]
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(seconds=1)
    response = client.get(f"/v1/leads/{lead_id}/transcript", headers=auth(cast.alice_token))
    assert response.get_json() == {"items": [], "next_cursor": None}


def test_leads_need_a_store_token(client: FlaskClient, cast: Cast) -> None:
    assert client.get("/v1/leads").status_code == 401
    assert client.get("/v1/leads", headers=auth("eb_wrong")).status_code == 401


def test_no_notes_can_be_added_about_an_erased_person(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id)
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(minutes=1)
    response = client.patch(f"/v1/leads/{lead_id}", json={"notes": "Lives at ..."}, headers=auth(cast.bob_token))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "lead_erased"
    closed = client.patch(f"/v1/leads/{lead_id}", json={"status": "lost"}, headers=auth(cast.bob_token))
    assert closed.get_json()["status"] == "lost"


def test_q_finds_a_part_of_an_email(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    ana = add_lead(rt, cast.tenant_a.id, email="ana.serra@example.com")
    add_lead(rt, cast.tenant_a.id, name="Other", email="other@elsewhere.net")
    for typed in ("serra@", "EXAMPLE", "a.serra@exam"):
        assert ids(listed(client, cast.alice_token, f"q={typed}")) == [ana], typed


def test_the_list_filters_by_assignee_or_unassigned(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    bobs = add_lead(rt, cast.tenant_a.id, assignee_id=cast.bob.id)
    nobodys = add_lead(rt, cast.tenant_a.id)
    assert ids(listed(client, cast.alice_token, f"assignee_id={cast.bob.id}")) == [bobs]
    assert ids(listed(client, cast.alice_token, "assignee_id=none")) == [nobodys]


def test_staff_correct_the_contact_and_the_audit_names_what_changed_not_the_values(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, name="me llamo ana", email="ana@exmaple.com")
    change = {
        "contact": {
            "name": "Ana Serra",
            "email": "Ana@Example.com",
            "phone": "612 34 56 78",
            "address": "C/ Mallorca 1",
        }
    }
    response = client.patch(f"/v1/leads/{lead_id}", json=change, headers=auth(cast.bob_token))
    assert response.status_code == 200, response.get_json()
    contact = response.get_json()["contact"]
    assert (contact["name"], contact["email"], contact["phone"]) == ("Ana Serra", "ana@example.com", "+34612345678")
    assert contact["address"] == "C/ Mallorca 1"
    assert ids(listed(client, cast.alice_token, "q=ana@example.com")) == [lead_id]
    assert ids(listed(client, cast.alice_token, "q=612345678")) == [lead_id]
    assert listed(client, cast.alice_token, "q=ana@exmaple.com")["items"] == []
    with rt.sessions() as db:
        [entry] = db.scalars(select(Audit).where(Audit.action == "lead.contact_changed")).all()
        lead = db.get(Lead, lead_id)
    assert entry.details["changed"] == ["address", "email", "name", "phone"]
    assert "example" not in str(entry.details)
    assert "612" not in str(entry.details)
    assert entry.details["score"] == lead.score
    assert sum(lead.score_breakdown.values()) == pytest.approx(lead.score, abs=1)


@pytest.mark.parametrize(
    ("contact", "path"),
    [({"email": "not an email"}, "contact.email"), ({"phone": "12"}, "contact.phone"), ({"fax": "1"}, "contact")],
)
def test_a_bad_contact_is_422_and_changes_nothing(
    client: FlaskClient, cast: Cast, rt: Runtime, contact: dict, path: str
) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, email="ana@example.com")
    response = client.patch(f"/v1/leads/{lead_id}", json={"contact": contact}, headers=auth(cast.alice_token))
    assert response.status_code == 422
    assert path in str(response.get_json()["error"]["details"]["problems"])
    assert client.get(f"/v1/leads/{lead_id}", headers=auth(cast.alice_token)).get_json()["contact"]["email"] == (
        "ana@example.com"
    )


def test_an_erased_persons_contact_cannot_be_set_again(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    lead_id = add_lead(rt, cast.tenant_a.id, email="gone@example.com")
    with rt.transaction() as db:
        db.get(Lead, lead_id).erased_at = ago(minutes=1)
    change = {"contact": {"email": "back@example.com"}}
    assert client.patch(f"/v1/leads/{lead_id}", json=change, headers=auth(cast.alice_token)).status_code == 409
