"""A stolen database file or storage folder holds no plaintext contact data.

Real chats put a distinctive name, email, phone and address into messages, answers, a lead, an
appointment and an uploaded file; then the raw storage is read (every row of every table, the
SQLite file and its WAL, every stored file) and none of those strings may appear anywhere.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert

from appliance.infra.db import AnalyticsEvent
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.raw_storage import database_dump, stored_files
from tests.subjects import ADDRESS, EMAIL, NAME, SECRETS, chat_with_contacts, open_to_visitors, staff_booking
from tests.visitors import Visitor


@pytest.fixture
def chatted(client: FlaskClient, cast: Cast, rt: Runtime) -> Visitor:
    open_to_visitors(rt, cast.tenant_a.id)
    v = chat_with_contacts(client, cast.tenant_a.widget_key)
    staff_booking(client, cast.alice_token, v.last["lead"]["id"])
    return v


def test_the_chat_really_holds_the_contacts(client: FlaskClient, chatted: Visitor, cast: Cast) -> None:
    # The scan below proves something only if the data is really there, readable through the app
    # (by staff: the visitor's own view of a finished conversation masks it).
    staff = {"Authorization": f"Bearer {cast.alice_token}"}
    items = client.get(f"/v1/leads/{chatted.last['lead']['id']}/transcript", headers=staff).get_json()["items"]
    transcript = " ".join(m["text"] or "" for m in items)
    assert EMAIL in transcript
    assert ADDRESS in transcript
    day = date.today()
    listed = client.get(
        f"/v1/appointments?from={day}&to={day + timedelta(days=70)}",
        headers={"Authorization": f"Bearer {cast.alice_token}"},
    ).get_json()["items"]
    assert len(listed) == 2
    assert {a["contact"]["name"] for a in listed} == {NAME}
    assert chatted.last["status"] == "completed"


def test_the_raw_database_holds_no_plaintext_contact_data(chatted: Visitor, rt: Runtime) -> None:
    dump = database_dump(rt)
    assert chatted.session_id.lower() in dump  # the dump really reads the conversation's rows
    leaks = [secret for secret in SECRETS if secret in dump]
    assert leaks == [], f"plaintext personal data at rest: {leaks}"


def test_the_stored_files_hold_no_plaintext(chatted: Visitor, rt: Runtime, cast: Cast) -> None:
    files = stored_files(rt)
    assert [name for name in files if name.startswith(cast.tenant_a.id)] != []  # the upload is really there
    for name, data in files.items():
        lowered = data.lower()
        assert [s for s in SECRETS if s.encode() in lowered] == [], name
        assert b"%pdf" not in lowered  # not even the plan's own header


def test_the_scan_finds_plaintext_in_any_column(chatted: Visitor, rt: Runtime, cast: Cast) -> None:
    # The guard against a future plaintext column: contact data put in some JSON field is found.
    with rt.engine.begin() as conn:
        row = {"id": "ev_leak", "tenant_id": cast.tenant_a.id, "name": "probe", "data": {"who": NAME}}
        conn.execute(insert(AnalyticsEvent).values(**row))
    assert NAME.lower() in database_dump(rt)
