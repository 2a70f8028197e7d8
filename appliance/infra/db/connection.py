"""Engines and sessions: one engine per process, SQLite tuned for one writer at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from appliance.infra.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(settings: Settings) -> Engine:
    """Create the engine for the configured database."""
    url = str(settings.database_url)
    if settings.is_sqlite:
        return _sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, pool_recycle=1800)


def _sqlite_engine(url: str) -> Engine:
    # SQLite has one write lock, and a connection waiting for it sleeps in growing steps (up to
    # 100 ms) inside its busy handler. One connection per process makes threads queue in the pool
    # instead, which wakes them the moment it is free (see shared/reference/performance.md).
    # Transactions are IMMEDIATE, so a read that later writes cannot deadlock against another.
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=30, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


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
