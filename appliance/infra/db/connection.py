"""Engines and sessions: one engine per process, SQLite tuned for one writer at a time."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from appliance.infra.private import create_private_file
from appliance.infra.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(settings: Settings) -> Engine:
    """Create the engine for the configured database."""
    url = str(settings.database_url)
    if settings.is_sqlite:
        return _sqlite_engine(url)
    # No server-side prepared statements: psycopg prepares a query from its fifth run, and PostgreSQL
    # then settles on a generic plan that assumes every store holds an average share of the rows. For
    # a large store that plan reads tens of thousands of leads where the store's own plan reads fifty
    # (bench/platform_scale.py, "score 40-69": 0.3 ms planned for the store, 220 ms generic). Planning
    # each statement costs a fraction of a millisecond.
    args = {"prepare_threshold": None}
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, pool_recycle=1800, connect_args=args)


def _sqlite_engine(url: str) -> Engine:
    # SQLite has one write lock, and a connection waiting for it sleeps in growing steps (up to
    # 100 ms) inside its busy handler. One connection per process makes threads queue in the pool
    # instead, which wakes them the moment it is free (see shared/reference/performance.md).
    # Transactions are IMMEDIATE, so a read that later writes cannot deadlock against another.
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=30, connect_args={"check_same_thread": False})
    event.listen(engine, "do_connect", _create_private_database)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _create_private_database(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
    # SQLite would create a missing database file readable by everyone (under the usual umask),
    # and its -wal and -shm files copy that mode; so the file is created private just before.
    name = cargs[0] if cargs else cparams.get("database")
    if isinstance(name, str) and name and name != ":memory:" and not cparams.get("uri"):
        # A folder that is missing or not ours is for SQLite to report, in its usual words.
        with contextlib.suppress(OSError):
            create_private_file(Path(name))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions itself; we issue BEGIN in the "begin" hook instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Erased and purged rows are overwritten on disk, not left in free pages of a stolen file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the factory of ORM sessions bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)
