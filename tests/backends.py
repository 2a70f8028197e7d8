"""Which backend this test run uses, and scratch databases that are dropped afterwards.

`make test` runs the suite twice: EBANISTA_TEST_BACKEND=sqlite (the appliance) and =platform
(PostgreSQL and Redis on this machine, at EBANISTA_TEST_DATABASE_URL / EBANISTA_TEST_REDIS_URL).

EBANISTA_TEST_DATABASE_ROLE=<name> makes each scratch database belong to that role (created, without
superuser rights, if missing) and has the app connect as it, so the tables' owner is held by
row-level security as in production (docs/security.md): the superuser of the URL bypasses it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

BACKEND = os.environ.get("EBANISTA_TEST_BACKEND", "sqlite")
PLATFORM = BACKEND == "platform"
PG_URL = os.environ.get("EBANISTA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("EBANISTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "test-secret-key-that-is-long-enough-0123456789"
DATABASE_ROLE = os.environ.get("EBANISTA_TEST_DATABASE_ROLE") or None


def unreachable_services() -> list[str]:
    """Return what the platform run needs but cannot reach."""
    missing = []
    try:
        with psycopg.connect(_libpq(PG_URL), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        missing.append(f"PostgreSQL at {PG_URL} ({str(exc).strip().splitlines()[0]})")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        missing.append(f"Redis at {REDIS_URL} ({exc})")
    return missing


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(folder: Path, role: str | None = DATABASE_ROLE) -> Iterator[str]:
    """Yield the URL of a new, empty database of this run's backend, dropped afterwards; on
    PostgreSQL with ``role``, the database is that role's and the URL connects as it."""
    if not PLATFORM:
        yield f"sqlite:///{folder / f'test-{secrets.token_hex(4)}.db'}"
        return
    name = f"ebanista_test_{os.getpid()}_{secrets.token_hex(4)}"
    url = make_url(PG_URL).set(database=name)
    with psycopg.connect(_libpq(PG_URL), autocommit=True) as conn:
        if role:
            ensure_role(conn, role)
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
            url = url.set(username=role, password=None)
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(PG_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_for(database_url: str, data_dir: Path) -> dict[str, object]:
    """Return create_app() overrides for this backend on ``database_url``."""
    overrides: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "tasks_immediate": True,
        "secret_key": SECRET,
    }
    if PLATFORM:
        overrides |= {
            "mode": "platform",
            "redis_url": REDIS_URL,
            "storage_url": (data_dir / "files").as_uri(),
        }
    return overrides


def environ_for(overrides: dict[str, object]) -> dict[str, str]:
    """Return the same settings as EBANISTA_* variables, for the command line and subprocesses."""
    return {f"EBANISTA_{k.upper()}": str(v) for k, v in overrides.items()}


def ensure_role(conn: psycopg.Connection, role: str) -> None:
    """Create the login role ``role``, without superuser or BYPASSRLS, unless it exists (local
    connections here need no password). Two runs may race to create it: the loser carries on."""
    with suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
