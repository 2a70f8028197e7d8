"""The appliance keeps its data private: a fresh data folder, its database, queue and secret are the owner's alone."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.app import create_app
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import runtime_of


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Run with the umask most systems default to, which leaves new files readable by others."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_app_on_a_fresh_data_folder_creates_it_and_its_files_private(tmp_path: Path, usual_umask: None) -> None:
    data_dir = tmp_path / "data"
    # The appliance's own defaults: SQLite and the huey queue in the data folder, a generated secret.
    app = create_app({"mode": "appliance", "data_dir": data_dir, "tasks_immediate": False, "rate_limits": "off"})
    rt = runtime_of(app)
    upgrade(rt.engine)
    rt.storage.put("attachments/one.txt", b"private")
    with rt.engine.connect():
        # An open connection keeps the write-ahead log and its index on disk.
        assert (data_dir / "ebanista.db-wal").exists()
        assert (data_dir / "ebanista.db-shm").exists()
        files = {str(p.relative_to(data_dir)): oct(mode(p)) for p in data_dir.rglob("*") if p.is_file()}
        # The folders the appliance's own data lives in (the panel's translation cache is public text).
        folders = [data_dir, *(p for p in (data_dir / "files").rglob("*") if p.is_dir()), data_dir / "files"]
    assert {"secret_key", "ebanista.db", "ebanista.db-wal", "tasks.db", "files/attachments/one.txt"} <= set(files)
    assert files == dict.fromkeys(files, oct(0o600))
    assert {str(p): oct(mode(p)) for p in folders} == {str(p): oct(0o700) for p in folders}
    rt.engine.dispose()
