"""GDPR requests: a person's data exported whole, then erased everywhere while the store's numbers stay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from appliance.conversations import positions
from appliance.infra.db import Appointment, Audit, Consent, File, IdempotencyKey, Lead
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.raw_storage import decrypted_dump, stored_files
from tests.subjects import (
    ADDRESS,
    EMAIL,
    NAME,
    PLAN,
    SECRETS,
    chat_with_contacts,
    open_to_visitors,
    plain_chat,
    staff_booking,
)
from tests.visitors import Visitor


@dataclass
class World:
    subject: Visitor  # the person who asks to be erased (tenant A)
    subject_lead: str
    neighbour_lead: str  # another person of the same store
    foreign_lead: str  # a person of tenant B


@pytest.fixture
def world(client: FlaskClient, cast: Cast, rt: Runtime) -> World:
    open_to_visitors(rt, cast.tenant_a.id)
    open_to_visitors(rt, cast.tenant_b.id)
    subject = chat_with_contacts(client, cast.tenant_a.widget_key)
    lead = subject.last["lead"]["id"]
    staff_booking(client, cast.alice_token, lead)
    neighbour = plain_chat(client, cast.tenant_a.widget_key).last["lead"]["id"]
    foreign = plain_chat(client, cast.tenant_b.widget_key).last["lead"]["id"]
    return World(subject, lead, neighbour, foreign)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def export(client: FlaskClient, token: str, lead_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/privacy/subjects/{lead_id}/export", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def aggregates(rt: Runtime, tenant_id: str) -> dict[str, Any]:
    """What the dashboards count: leads, leads by temperature and project, appointments by status."""
    with rt.sessions() as db:
        by_temperature = db.execute(
            select(Lead.temperature, func.count()).where(Lead.tenant_id == tenant_id).group_by(Lead.temperature)
        )
        by_project = db.execute(
            select(Lead.project_type, func.count()).where(Lead.tenant_id == tenant_id).group_by(Lead.project_type)
        )
        appointments = db.execute(
            select(Appointment.status, func.count())
            .where(Appointment.tenant_id == tenant_id)
            .group_by(Appointment.status)
        )
        return {
            "leads": db.scalar(select(func.count()).select_from(Lead).where(Lead.tenant_id == tenant_id)),
            "by_temperature": dict(by_temperature.all()),
            "by_project": dict(by_project.all()),
            "appointments": dict(appointments.all()),
            "scores": sorted(db.scalars(select(Lead.score).where(Lead.tenant_id == tenant_id))),
        }


def test_the_export_holds_everything_about_the_person(
    client: FlaskClient, world: World, cast: Cast, rt: Runtime
) -> None:
    document = export(client, cast.alice_token, world.subject_lead)
    assert document["format"] == "ebanista.subject-export/1"
    assert document["lead"]["contact"] == {"name": NAME, "email": EMAIL.lower(), "phone": "+34699123457"}
    assert document["lead"]["fields"]["project_type"] == "kitchen"
    texts = [m["text"] for m in document["conversation"]["messages"] if m["role"] == "visitor"]
    assert any(ADDRESS in (t or "") for t in texts)
    assert document["conversation"]["answers"]["name"] == NAME
    assert [c["purpose"] for c in document["consents"]] == ["lead_contact"]
    assert len(document["appointments"]) == 2
    assert {a["contact"]["name"] for a in document["appointments"]} == {NAME}
    assert "conversation_started" in [e["name"] for e in document["events"]]
    (file,) = document["files"]
    assert file["content_type"] == "application/pdf"
    downloaded = client.get(file["download"], headers=auth(cast.alice_token))
    assert downloaded.status_code == 200
    assert downloaded.data == PLAN


def test_an_export_is_audited_without_personal_data(client: FlaskClient, world: World, cast: Cast, rt: Runtime) -> None:
    export(client, cast.alice_token, world.subject_lead)
    with rt.sessions() as db:
        entry = db.scalar(select(Audit).where(Audit.action == "privacy.exported"))
    assert entry.tenant_id == cast.tenant_a.id
    assert entry.target_id == world.subject_lead
    assert entry.actor_user_id == cast.alice.id
    assert NAME not in str(entry.details)


def test_another_stores_person_is_404_and_untouched(client: FlaskClient, world: World, cast: Cast) -> None:
    for method, path in (
        ("get", f"/v1/privacy/subjects/{world.foreign_lead}/export"),
        ("delete", f"/v1/privacy/subjects/{world.foreign_lead}"),
    ):
        assert getattr(client, method)(path, headers=auth(cast.alice_token)).status_code == 404
    theirs = export(client, cast.charlie_token, world.foreign_lead)
    assert theirs["lead"]["contact"]["name"] == "Ana Serra"
    assert theirs["lead"]["erased_at"] is None
    assert (
        client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.charlie_token)).status_code == 404
    )
    assert export(client, cast.alice_token, world.subject_lead)["lead"]["contact"]["name"] == NAME


def test_an_agent_may_neither_export_nor_erase(client: FlaskClient, world: World, cast: Cast) -> None:
    path = f"/v1/privacy/subjects/{world.subject_lead}"
    assert client.get(f"{path}/export", headers=auth(cast.bob_token)).status_code == 403
    assert client.delete(path, headers=auth(cast.bob_token)).status_code == 403


def test_an_unknown_person_is_404(client: FlaskClient, world: World, cast: Cast) -> None:
    assert client.delete("/v1/privacy/subjects/l_nobody", headers=auth(cast.alice_token)).status_code == 404
    response = client.get(f"/v1/privacy/subjects/{world.subject_lead}/files/f_nothing", headers=auth(cast.alice_token))
    assert response.status_code == 404


def test_erasure_removes_the_person_everywhere(client: FlaskClient, world: World, cast: Cast, rt: Runtime) -> None:
    storage_key = _file_keys(rt, cast.tenant_a.id)
    assert len(storage_key) == 1
    assert [s for s in SECRETS if s in decrypted_dump(rt)] != []  # the scan below reads what the keys open
    response = client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    assert response.status_code == 200
    erased = response.get_json()["erased"]
    assert erased["messages"] > 10
    assert erased["files"] == 1
    assert erased["appointments"] == 2
    assert erased["idempotency_keys"] >= 2  # the chat's turns and the staff booking
    assert erased["consents_kept"] == 1

    document = export(client, cast.alice_token, world.subject_lead)
    assert document["lead"]["contact"] == {}
    assert document["lead"]["notes"] is None
    assert document["lead"]["erased_at"] is not None
    assert document["conversation"]["messages"] == []
    assert document["conversation"]["answers"] == {}
    assert document["files"] == []
    assert {a["contact"]["name"] for a in document["appointments"]} == {"—"}
    assert all(a["notes"] is None and a["postal_code"] is None for a in document["appointments"])

    # Not hidden but gone: even with the keys, nothing of them is left in any row or file.
    dump = decrypted_dump(rt)
    assert [s for s in SECRETS if s in dump] == []
    assert storage_key[0] not in stored_files(rt)
    with rt.sessions() as db:
        assert db.scalar(select(func.count()).select_from(File).where(File.lead_id == world.subject_lead)) == 0
        scope = f"chat.send:{world.subject.session_id}"
        assert db.scalar(select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.scope == scope)) == 0
        consents = select(func.count()).select_from(Consent).where(Consent.session_id == world.subject.session_id)
        assert db.scalar(consents) == 1  # proof of consent is kept
    assert positions.recall(rt, world.subject.session_id, cast.tenant_a.id) is None


def test_erasure_keeps_the_stores_numbers(client: FlaskClient, world: World, cast: Cast, rt: Runtime) -> None:
    before = aggregates(rt, cast.tenant_a.id)
    assert before["leads"] == 2
    client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    assert aggregates(rt, cast.tenant_a.id) == before
    document = export(client, cast.alice_token, world.subject_lead)
    assert document["lead"]["fields"]["style"] == "modern"
    assert document["lead"]["temperature"] in before["by_temperature"]


def test_erasure_leaves_other_people_alone(client: FlaskClient, world: World, cast: Cast) -> None:
    neighbour_before = export(client, cast.alice_token, world.neighbour_lead)
    foreign_before = export(client, cast.charlie_token, world.foreign_lead)
    client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    assert _without_times(export(client, cast.alice_token, world.neighbour_lead)) == _without_times(neighbour_before)
    assert _without_times(export(client, cast.charlie_token, world.foreign_lead)) == _without_times(foreign_before)


def test_erasing_twice_is_fine(client: FlaskClient, world: World, cast: Cast) -> None:
    path = f"/v1/privacy/subjects/{world.subject_lead}"
    first = client.delete(path, headers=auth(cast.alice_token)).get_json()["erased"]
    again = client.delete(path, headers=auth(cast.alice_token))
    assert again.status_code == 200
    second = again.get_json()["erased"]
    assert first["messages"] > 0
    assert (second["messages"], second["files"], second["idempotency_keys"]) == (0, 0, 0)
    assert export(client, cast.alice_token, world.subject_lead)["lead"]["contact"] == {}


def test_an_erasure_is_audited_without_personal_data(
    client: FlaskClient, world: World, cast: Cast, rt: Runtime
) -> None:
    client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    with rt.sessions() as db:
        entry = db.scalar(select(Audit).where(Audit.action == "privacy.erased"))
    assert (entry.tenant_id, entry.target_type, entry.target_id) == (cast.tenant_a.id, "lead", world.subject_lead)
    assert entry.details["files"] == 1
    assert entry.actor_user_id == cast.alice.id


def test_the_erased_visitors_page_starts_a_new_conversation(client: FlaskClient, world: World, cast: Cast) -> None:
    client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    reloaded = Visitor(client, cast.tenant_a.widget_key)
    reloaded.open(session_id=world.subject.session_id, secret=world.subject.secret)
    assert reloaded.session_id != world.subject.session_id


def test_a_tab_left_open_cannot_refill_the_erased_lead(client: FlaskClient, world: World, cast: Cast) -> None:
    client.delete(f"/v1/privacy/subjects/{world.subject_lead}", headers=auth(cast.alice_token))
    refused = world.subject.post_send(text=f"Soy {NAME}, {EMAIL}")
    # The ended conversation takes no more turns; the widget answers a 401 by opening a new session.
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "session_expired"
    lead = export(client, cast.alice_token, world.subject_lead)["lead"]
    assert lead["contact"] == {}
    assert lead["fields"]["project_type"] == "kitchen"


def _file_keys(rt: Runtime, tenant_id: str) -> list[str]:
    with rt.sessions() as db:
        return list(db.scalars(select(File.storage_key).where(File.tenant_id == tenant_id)))


def _without_times(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}
