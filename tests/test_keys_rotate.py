"""Key rotation: data written under key A, `ebanista keys rotate` with "B,A", then an app with only B reads it all."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask.testing import FlaskClient

from appliance.cli import main
from appliance.infra.crypto import KeyRing, install_keyring
from appliance.infra.runtime import Runtime, runtime_of
from tests.backends import environ_for, settings_for
from tests.conftest import Cast
from tests.raw_storage import fernet_tokens, stored_files
from tests.subjects import ADDRESS, EMAIL, NAME, PLAN, chat_with_contacts, open_to_visitors, staff_booking
from tests.visitors import Visitor

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def apps(rt: Runtime, fresh_app: Callable[..., Flask]) -> Iterator[Callable[[str], Flask]]:
    """Build apps on the test database with given keys; the suite's key ring is put back afterwards.

    The column types use one process-wide key ring: the app built last is the one whose keys apply.
    """

    def build(keys: str) -> Flask:
        return fresh_app(encryption_keys=keys)

    yield build
    install_keyring(rt.keyring)


def rotate(database_url: str, tmp_path: Path, keys: str) -> str:
    """Run `ebanista keys rotate` as an operator would, with EBANISTA_ENCRYPTION_KEYS=keys."""
    env = environ_for(settings_for(database_url, tmp_path / "fresh-data")) | {"EBANISTA_ENCRYPTION_KEYS": keys}
    result = CliRunner().invoke(main, ["keys", "rotate"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def readable_only_with(key: str, tokens: list[str]) -> bool:
    fernet = Fernet(key.encode())
    for token in tokens:
        try:
            fernet.decrypt(token.encode())
        except InvalidToken:
            return False
    return True


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def written_under_a(apps: Callable[[str], Flask], cast: Cast) -> tuple[Visitor, FlaskClient, Runtime]:
    app_a = apps(KEY_A)
    rt_a = runtime_of(app_a)
    client = app_a.test_client()
    open_to_visitors(rt_a, cast.tenant_a.id)
    v = chat_with_contacts(client, cast.tenant_a.widget_key)
    staff_booking(client, cast.alice_token, v.last["lead"]["id"])
    # An answer kept for a retry, to replay after the rotation.
    v.send(key="last-words", text="gracias")
    return v, client, rt_a


def test_everything_written_under_a_is_readable_with_b_alone_after_rotation(
    apps: Callable[[str], Flask],
    written_under_a: tuple[Visitor, FlaskClient, Runtime],
    cast: Cast,
    database_url: str,
    tmp_path: Path,
) -> None:
    v, _, rt_a = written_under_a
    tokens = fernet_tokens(rt_a)
    assert len(tokens) > 20
    assert readable_only_with(KEY_A, tokens)

    output = rotate(database_url, tmp_path, f"{KEY_B},{KEY_A}")
    assert "leads.contact" in output
    assert "messages.text" in output

    app_b = apps(KEY_B)
    rt_b, client = runtime_of(app_b), app_b.test_client()
    assert readable_only_with(KEY_B, fernet_tokens(rt_b))
    (stored,) = [data for name, data in stored_files(rt_b).items() if name.startswith(cast.tenant_a.id)]
    assert Fernet(KEY_B.encode()).decrypt(stored) == PLAN

    lead_id = v.last["lead"]["id"]
    export = client.get(f"/v1/privacy/subjects/{lead_id}/export", headers=auth(cast.alice_token)).get_json()
    assert export["lead"]["contact"]["name"] == NAME
    assert export["lead"]["contact"]["email"] == EMAIL.lower()
    assert any(ADDRESS in (m["text"] or "") for m in export["conversation"]["messages"])
    assert {a["contact"]["phone"] for a in export["appointments"]} >= {"+34699123457"}
    file_url = export["files"][0]["download"]
    assert client.get(file_url, headers=auth(cast.alice_token)).data == PLAN
    replayed = client.post(
        "/v1/chat/send",
        json={"session_id": v.session_id, "text": "gracias"},
        headers=v.headers(**{"Idempotency-Key": "last-words"}),
    )
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert replayed.get_json() == v.last


def test_without_rotation_key_b_alone_cannot_read(
    apps: Callable[[str], Flask], written_under_a: tuple[Visitor, FlaskClient, Runtime]
) -> None:
    rt_b = runtime_of(apps(KEY_B))
    assert not readable_only_with(KEY_B, fernet_tokens(rt_b))


def test_rotating_twice_changes_nothing_readable(
    apps: Callable[[str], Flask],
    written_under_a: tuple[Visitor, FlaskClient, Runtime],
    database_url: str,
    tmp_path: Path,
) -> None:
    rotate(database_url, tmp_path, f"{KEY_B},{KEY_A}")
    rotate(database_url, tmp_path, f"{KEY_B},{KEY_A}")
    assert readable_only_with(KEY_B, fernet_tokens(runtime_of(apps(KEY_B))))


def test_data_under_the_derived_key_moves_to_the_first_explicit_key(
    client: FlaskClient, cast: Cast, rt: Runtime, apps: Callable[[str], Flask], database_url: str, tmp_path: Path
) -> None:
    # An appliance that ran without EBANISTA_ENCRYPTION_KEYS encrypted with a key derived from its secret.
    open_to_visitors(rt, cast.tenant_a.id)
    chat_with_contacts(client, cast.tenant_a.widget_key)
    rotate(database_url, tmp_path, KEY_B)
    assert readable_only_with(KEY_B, fernet_tokens(runtime_of(apps(KEY_B))))


def test_a_rotated_token_keeps_its_plaintext_and_time_and_leaves_the_old_key_behind() -> None:
    old = KeyRing([KEY_A.encode()], b"lookup")
    token = old.encrypt("Xolotl")
    time.sleep(0.01)
    rotated = KeyRing([KEY_B.encode(), KEY_A.encode()], b"lookup").rotate(token)
    assert KeyRing([KEY_B.encode()], b"lookup").decrypt(rotated) == "Xolotl"
    assert Fernet(KEY_B.encode()).extract_timestamp(rotated.encode()) == Fernet(KEY_A.encode()).extract_timestamp(
        token.encode()
    )
    with pytest.raises(InvalidToken):
        Fernet(KEY_A.encode()).decrypt(rotated.encode())
