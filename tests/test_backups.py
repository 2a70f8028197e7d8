"""Backups of the appliance: backup -> wipe -> restore keeps every lead, file and key; restore refuses
what would lose data or cannot work; the admin API lists and takes backups (409 on the platform)."""

from __future__ import annotations

import os
import shutil
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from appliance.app import create_app
from appliance.backups import shelf
from appliance.backups.nightly import take_nightly_backup
from appliance.cli import main
from appliance.infra.db import Lead, Tenant
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import Runtime, runtime_of
from appliance.tenants.registry import TenantSpec, create_tenant
from tests.backends import PLATFORM
from tests.conftest import Cast
from tests.leads_factory import add_lead
from tests.operators import audits, auth, platform_token

appliance_only = pytest.mark.skipif(PLATFORM, reason="the appliance's own SQLite data folder")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A data folder of its own, as `ebanista serve` leaves it: database, files and generated secret key.
    (The suite's `app` fixture puts its own key ring back before each test that uses it.)"""
    return tmp_path / "store"


def appliance(data: Path, **extra: object) -> Flask:
    return create_app({"data_dir": data, "tasks_immediate": True, "rate_limits": "off", **extra})


def run(data: Path, *args: str, **env: str) -> Result:
    environ = {"EBANISTA_DATA_DIR": str(data), "EBANISTA_TASKS_IMMEDIATE": "true", **env}
    return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)


def fill(rt: Runtime, leads: int = 3) -> str:
    """Give the store a tenant, leads with encrypted contacts and two stored files; return the tenant id."""
    with rt.transaction() as db:
        tenant_id = create_tenant(db, TenantSpec(name="Cuines Backup", slug="backup")).id
    for n in range(leads):
        add_lead(rt, tenant_id, name=f"Client {n}", email=f"client{n}@example.com", phone=f"+3461100000{n}")
    rt.storage.put(f"{tenant_id}/logos/logo.png", b"\x89PNG logo bytes")
    rt.storage.put(f"{tenant_id}/summaries/lead.pdf", b"%PDF-1.7 summary")
    return tenant_id


def contents(rt: Runtime) -> dict[str, object]:
    """Return every lead's decrypted contact, every stored file and the secret key."""
    with rt.sessions() as db:
        leads = {lead.id: dict(lead.contact or {}) for lead in db.scalars(select(Lead))}
    root: Path = rt.storage.root  # type: ignore[attr-defined]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return {"leads": leads, "files": files, "secret": rt.settings.secret_key}


@pytest.fixture
def filled(store: Path) -> tuple[Runtime, dict[str, object]]:
    rt = runtime_of(appliance(store))
    upgrade(rt.engine)
    fill(rt)
    return rt, contents(rt)


# --- backup -> wipe -> restore ------------------------------------------------------------------------


@appliance_only
def test_it_restores_every_lead_file_and_key_after_the_data_folder_is_wiped(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    rt, before = filled
    result = run(store, "backup", str(tmp_path / "nightly.tar.gz"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nightly.tar.gz.sha256").exists()
    rt.engine.dispose()
    shutil.rmtree(store)

    result = run(store, "restore", str(tmp_path / "nightly.tar.gz"))
    assert result.exit_code == 0, result.output

    after = contents(runtime_of(appliance(store)))
    assert after == before
    assert len(after["leads"]) == 3  # type: ignore[arg-type]
    assert all(c["email"].startswith("client") for c in after["leads"].values())  # type: ignore[union-attr]


@appliance_only
def test_the_archive_holds_a_manifest_with_every_members_checksum(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    result = run(store, "backup", str(tmp_path))
    assert result.exit_code == 0, result.output
    (archive,) = tmp_path.glob("ebanista-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert {"ebanista.db", "keys/secret_key"} <= set(names)
    assert any(name.startswith("files/") and name.endswith("logo.png") for name in names)
    assert os.stat(archive).st_mode & 0o077 == 0  # it holds the keys


@appliance_only
def test_a_backup_taken_while_writers_keep_writing_is_consistent(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    rt, _ = filled
    with rt.transaction() as db:  # an open write elsewhere does not block nor leak into the copy
        db.execute(update(Tenant).values(name="Renamed"))
        result = run(store, "backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0, result.output
    rt.engine.dispose()
    shutil.rmtree(store)
    assert run(store, "restore", str(tmp_path / "b.tar.gz")).exit_code == 0
    with runtime_of(appliance(store)).sessions() as db:
        assert db.scalars(select(Tenant.name)).all() == ["Cuines Backup"]


# --- restore refusals ---------------------------------------------------------------------------------


@appliance_only
def test_restore_refuses_to_overwrite_a_store_without_force_and_moves_it_aside_with_force(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    rt, before = filled
    assert run(store, "backup", str(tmp_path / "b.tar.gz")).exit_code == 0
    add_lead(rt, fill_tenant(rt), name="After the backup")
    rt.engine.dispose()

    refused = run(store, "restore", str(tmp_path / "b.tar.gz"))
    assert refused.exit_code == 1
    assert "already holds a store; add --force" in refused.output

    forced = run(store, "restore", "--force", str(tmp_path / "b.tar.gz"))
    assert forced.exit_code == 0, forced.output
    assert contents(runtime_of(appliance(store))) == before
    (aside,) = store.glob("pre-restore-*")
    assert (aside / "ebanista.db").exists()


def fill_tenant(rt: Runtime) -> str:
    with rt.sessions() as db:
        return db.scalars(select(Tenant.id)).one()


@appliance_only
def test_restore_refuses_a_damaged_archive_and_writes_nothing(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    assert run(store, "backup", str(tmp_path / "b.tar.gz")).exit_code == 0
    original = (tmp_path / "b.tar.gz").read_bytes()
    empty = tmp_path / "empty"
    # Damage in different places fails differently (bad deflate block, wrong member, bad CRC).
    for place in (len(original) // 3, len(original) // 2, len(original) - 12):
        damaged = bytearray(original)
        damaged[place] ^= 0xFF
        (tmp_path / "b.tar.gz").write_bytes(bytes(damaged))
        refused = run(empty, "restore", str(tmp_path / "b.tar.gz"))
        assert refused.exit_code == 1
        assert "damaged" in refused.output
    assert not (empty / "ebanista.db").exists()

    (tmp_path / "b.tar.gz.sha256").unlink()  # without the checksum file, gzip's CRC and the manifest catch it
    for place in (len(original) // 3, len(original) // 2, len(original) - 12):
        damaged = bytearray(original)
        damaged[place] ^= 0xFF
        (tmp_path / "b.tar.gz").write_bytes(bytes(damaged))
        refused = run(empty, "restore", str(tmp_path / "b.tar.gz"))
        assert refused.exit_code == 1, refused.output
        assert refused.output.startswith("ebanista: restore: ")
        assert any(word in refused.output for word in ("damaged", "incomplete", "checksum mismatch", "manifest"))
    assert not (empty / "ebanista.db").exists()


@appliance_only
def test_restore_refuses_a_backup_whose_schema_is_newer_than_the_program(
    filled: tuple[Runtime, dict[str, object]], store: Path, tmp_path: Path
) -> None:
    rt, _ = filled
    with rt.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999zz'")
    assert run(store, "backup", str(tmp_path / "b.tar.gz")).exit_code == 0

    refused = run(tmp_path / "empty", "restore", str(tmp_path / "b.tar.gz"))
    assert refused.exit_code == 1
    assert "schema 9999zz is newer than this program" in refused.output
    assert not (tmp_path / "empty" / "ebanista.db").exists()


@appliance_only
def test_restore_refuses_a_file_that_is_not_a_backup(store: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.tar.gz").write_bytes(b"not a tarball")
    refused = run(store, "restore", str(tmp_path / "notes.tar.gz"))
    assert refused.exit_code == 1
    assert "restore:" in refused.output


# --- nightly backups and retention --------------------------------------------------------------------


@appliance_only
def test_nightly_backups_keep_only_the_newest_n(filled: tuple[Runtime, dict[str, object]], store: Path) -> None:
    rt = runtime_of(appliance(store, backup_keep=2))
    folder = shelf.backup_dir(rt.settings)
    for day in range(3):
        archive = rt_backup(rt, datetime(2026, 1, 1 + day, 3, tzinfo=UTC))
        assert archive.parent == folder
    names = [p.name for p in shelf.archives(rt.settings)]
    assert names == ["ebanista-20260103-030000.tar.gz", "ebanista-20260102-030000.tar.gz"]
    assert not (folder / "ebanista-20260101-030000.tar.gz.sha256").exists()


def rt_backup(rt: Runtime, when: datetime) -> Path:
    from appliance.backups.snapshot import create_backup

    archive = create_backup(rt, shelf.backup_dir(rt.settings), folder=True, now=when)
    shelf.prune(rt.settings)
    return archive


@appliance_only
def test_the_nightly_task_skips_when_a_recent_backup_exists(
    filled: tuple[Runtime, dict[str, object]], store: Path
) -> None:
    rt = runtime_of(appliance(store))
    now = datetime.now(UTC)
    first = take_nightly_backup(rt, now=now)
    assert first is not None
    assert take_nightly_backup(rt, now=now + timedelta(hours=1)) is None
    later = take_nightly_backup(rt, now=now + timedelta(hours=21))
    assert later is not None
    assert later != first
    assert [a["target_id"] for a in audits(rt, "backup.created")] == [first, later]
    assert {a["actor_label"] for a in audits(rt, "backup.created")} == {"nightly backup"}


@appliance_only
def test_the_scheduler_runs_the_nightly_backup_at_the_configured_hour(store: Path) -> None:
    from appliance.jobs.scheduler import make_scheduler

    rt = runtime_of(appliance(store, backup_hour=4))
    job = make_scheduler(rt).get_job("take_nightly_backup")
    assert job is not None
    assert "hour='4'" in str(job.trigger)
    off = runtime_of(appliance(store, backup_schedule="off"))
    assert make_scheduler(off).get_job("take_nightly_backup") is None


def test_next_run_is_the_next_backup_hour_in_utc() -> None:
    now = datetime(2026, 12, 6, 20, 30, tzinfo=UTC)
    assert shelf.next_run(3, now) == datetime(2026, 12, 7, 3, tzinfo=UTC)
    assert shelf.next_run(21, now) == datetime(2026, 12, 6, 21, tzinfo=UTC)


# --- the admin API ------------------------------------------------------------------------------------


def test_the_operator_takes_and_lists_backups_and_it_is_audited(client: FlaskClient, rt: Runtime) -> None:
    root = platform_token(rt)
    created = client.post("/v1/admin/backups", headers=auth(root))
    listed = client.get("/v1/admin/backups", headers=auth(root))
    if PLATFORM:
        for response in (created, listed):
            assert response.status_code == 409
            assert response.get_json()["error"]["code"] == "appliance_only"
        return
    assert created.status_code == 201
    backup = created.get_json()["backup"]
    assert set(backup) == {"name", "size_bytes", "created_at", "sha256"}
    assert len(backup["sha256"]) == 64
    assert backup["size_bytes"] > 0
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["backups"][0] == backup
    assert body["schedule"] == {"enabled": True, "keep": 7, "next_run": body["schedule"]["next_run"]}
    assert body["schedule"]["next_run"].endswith("03:00:00+00:00")
    (entry,) = audits(rt, "backup.created")
    assert entry["target_id"] == backup["name"]
    assert entry["actor_token_id"]


def test_only_the_platform_operator_reaches_backups(client: FlaskClient, rt: Runtime, cast: Cast) -> None:
    internal = platform_token(rt, "INTERNAL", "staff@ebanista.test")
    assert client.get("/v1/admin/backups", headers=auth(cast.alice_token)).status_code == 404
    assert client.post("/v1/admin/backups", headers=auth(cast.alice_token)).status_code == 404
    assert client.post("/v1/admin/backups", headers=auth(internal)).status_code == 403
    assert client.get("/v1/admin/backups").status_code == 404
    assert audits(rt, "backup.created") == []


def test_the_command_line_refuses_backups_on_the_platform(cli: Callable[..., Result], tmp_path: Path) -> None:
    if not PLATFORM:
        pytest.skip("platform mode only")
    result = cli("backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 1
    assert "PostgreSQL" in result.output
    assert not (tmp_path / "b.tar.gz").exists()


@appliance_only
def test_a_store_with_its_own_encryption_keys_gets_them_back_with_a_note(store: Path, tmp_path: Path) -> None:
    keys = "sqEqpvN7lZIyYuvS_NBMYujolc7CbI6-gP7xFhj4ryM="
    rt = runtime_of(appliance(store, encryption_keys=keys))
    upgrade(rt.engine)
    fill(rt, leads=1)
    before = contents(rt)
    env = {"EBANISTA_ENCRYPTION_KEYS": keys}
    assert run(store, "backup", str(tmp_path / "b.tar.gz"), **env).exit_code == 0
    rt.engine.dispose()
    shutil.rmtree(store)

    restored = run(store, "restore", str(tmp_path / "b.tar.gz"))

    assert restored.exit_code == 0, restored.output
    assert "set it to the contents of" in restored.output
    assert (store / "encryption_keys").read_text(encoding="utf-8") == keys
    assert os.stat(store / "encryption_keys").st_mode & 0o077 == 0
    assert contents(runtime_of(appliance(store, encryption_keys=keys))) == before
