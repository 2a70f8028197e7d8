"""The parts one app runs on, built once by create_app() and found through current_runtime()."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from appliance.infra.cache import Cache, NearCache, make_cache, near
from appliance.infra.crypto import KeyRing, install_keyring, keyring_from_settings
from appliance.infra.db.connection import make_engine, make_session_factory
from appliance.infra.db.row_security import install_row_security
from appliance.infra.queue import TaskQueue, make_huey
from appliance.infra.settings import Settings
from appliance.infra.storage import Storage, make_storage
from appliance.infra.store_scope import forget_store
from appliance.jobs.registry import TaskFunction

EXTENSION = "ebanista"


@dataclass
class Runtime:
    """Settings, database, cache, storage, queue and keys of one app."""

    settings: Settings
    engine: Engine
    # Services open their transactions only with transaction(); tests read through the factory directly.
    sessions: sessionmaker[Session]
    cache: Cache
    storage: Storage
    keyring: KeyRing
    queue: TaskQueue
    # The cache read through a copy in this process, for a store's settings (appliance.tenants.directory).
    near_cache: Cache | NearCache

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session that commits when the block ends and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session


def init_runtime(app: Flask, settings: Settings, tasks: Mapping[str, TaskFunction]) -> Runtime:
    """Build the runtime of ``app``, with a queue that runs ``tasks``, and attach it."""
    keyring = keyring_from_settings(settings)
    install_keyring(keyring)
    engine = make_engine(settings)
    # Row-level security: a request or task that works for one store says so in each transaction,
    # and stops at the end of its app context (appliance.infra.store_scope).
    install_row_security(engine)
    app.teardown_appcontext(forget_store)
    cache = make_cache(settings)
    rt = Runtime(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        cache=cache,
        storage=make_storage(settings),
        keyring=keyring,
        queue=TaskQueue(app, make_huey(settings), tasks, lambda: runtime_of(app)),
        near_cache=near(cache),
    )
    app.extensions[EXTENSION] = rt
    return rt


def runtime_of(app: Flask) -> Runtime:
    """Return the runtime attached to ``app``."""
    return app.extensions[EXTENSION]


def current_runtime() -> Runtime:
    """Return the runtime of the app handling the current request or task."""
    return runtime_of(current_app)
