"""Photos and plans attached in the chat: only real JPG, PNG or PDF up to 5 MB, stored encrypted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.infra.db import File, Tenant
from appliance.infra.runtime import Runtime
from tests.images import JPEG, PDF, PNG, stored
from tests.visitors import BASE_ANSWERS, ORIGIN, Visitor


@pytest.fixture
def visitor(client: FlaskClient, make_tenant) -> Visitor:
    tenant: Tenant = make_tenant("Cuines", allowed_origins=[ORIGIN])
    v = Visitor(client, tenant.widget_key)
    v.open()
    v.start()
    while v.waiting_for != "photos":
        v.send(**BASE_ANSWERS[v.waiting_for])
    return v


def upload(v: Visitor, data: bytes, name: str = "kitchen.jpg", session_id: str | None = None):
    return v.client.post(
        f"/v1/chat/{session_id or v.session_id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=v.headers(),
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("data", "kind"), [(JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf")])
def test_a_photo_or_plan_is_stored_and_answers_the_photo_question(visitor: Visitor, data: bytes, kind: str) -> None:
    response = upload(visitor, data)
    assert response.status_code == 201
    kept = response.get_json()
    assert kept["content_type"] == kind
    assert kept["size"] == len(stored(data, kind))
    answer = visitor.send(value=kept["id"])
    assert answer["input"]["block_id"] == "name"


def test_a_file_is_judged_by_its_content_not_its_name(visitor: Visitor) -> None:
    response = upload(visitor, b"MZ\x90\x00 this is a program", name="photo.jpg")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "file_type_not_allowed"


def test_a_file_over_5_mb_is_refused(visitor: Visitor) -> None:
    response = upload(visitor, JPEG + b"\x00" * (5 * 1024 * 1024))
    assert response.status_code == 413


def test_an_upload_without_a_file_is_400(visitor: Visitor) -> None:
    response = visitor.client.post(
        f"/v1/chat/{visitor.session_id}/attachments",
        data={},
        headers=visitor.headers(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_an_attachment_id_of_another_conversation_does_not_answer(visitor: Visitor, client: FlaskClient) -> None:
    other = Visitor(client, visitor.widget_key)
    other.open()
    other.start()
    while other.waiting_for != "photos":
        other.send(**BASE_ANSWERS[other.waiting_for])
    theirs = upload(other, JPEG).get_json()["id"]
    assert visitor.send(value=theirs)["input"]["block_id"] == "photos"
    assert upload(visitor, JPEG, session_id=other.session_id).status_code == 404


def test_stored_files_hold_no_readable_image(visitor: Visitor, rt: Runtime) -> None:
    upload(visitor, JPEG)
    with rt.sessions() as db:
        key = db.scalar(select(File.storage_key))
    root = Path(rt.settings.storage_url.removeprefix("file://"))
    raw = (root / key).read_bytes()
    assert not raw.startswith(b"\xff\xd8\xff")
    assert rt.keyring.decrypt_bytes(raw) == stored(JPEG)
