"""Fixtures: an app on this run's backend, a client, the command line, and a fixed cast.

The cast: alice owns tenant A, bob is an agent of A, charlie owns tenant B.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from appliance.app import create_app
from appliance.billing.plans import seed_plans
from appliance.cli import main
from appliance.infra.crypto import install_keyring
from appliance.infra.db import Base, Tenant, User
from appliance.infra.db.migrate import upgrade
from appliance.infra.runtime import Runtime, runtime_of
from appliance.security import passwords
from appliance.tenants.registry import TenantSpec, add_membership, create_api_token, create_tenant, upsert_user
from tests.backends import (
    BACKEND,
    PLATFORM,
    REDIS_URL,
    environ_for,
    scratch_database,
    settings_for,
    unreachable_services,
)

# The developer's own EBANISTA_* settings must not leak into the tests.
for _name in [n for n in os.environ if n.startswith("EBANISTA_") and not n.startswith("EBANISTA_TEST_")]:
    del os.environ[_name]

pytest_plugins = ["tests.mailbox", "tests.livesite", "tests.panel", "tests.fake_slack", "tests.webhook_receiver"]

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Hash the cast's passwords with tiny argon2 costs: ~1 ms instead of ~100 ms per user.

    Only tests about passwords need the real costs; test_passwords.py checks those on its own hasher.
    """
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


def pytest_report_header() -> str:
    return f"ebanista backend: {BACKEND}"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not PLATFORM:
        return
    missing = unreachable_services()
    if not missing:
        return
    banner = "!" * 78
    message = f"\n{banner}\nPLATFORM RUN NOT POSSIBLE: cannot reach {'; '.join(missing)}\n{banner}"
    if os.environ.get("CI") == "true":
        pytest.exit(message + "\nCI=true, so this is a failure.", returncode=3)
    pytest.exit(message + "\nSKIPPING the platform-mode run (set CI=true to make this fail).", returncode=0)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    # The suite calls the API from one address far faster than any visitor; tests/test_rate_limits.py
    # turns the limits on for its own apps.
    return settings_for(database_url, tmp_path_factory.mktemp("data")) | {"rate_limits": "off"}


@pytest.fixture(scope="session")
def _migrated_app(app_settings: dict[str, object]) -> Flask:
    app = create_app(app_settings)
    upgrade(runtime_of(app).engine)
    return app


@pytest.fixture
def app(_migrated_app: Flask) -> Flask:
    """The app, on a database emptied before each test (and an empty Redis on the platform)."""
    rt = runtime_of(_migrated_app)
    # The key ring is process-wide; a test that built another app (another secret) must not leave its ring.
    install_keyring(rt.keyring)
    with rt.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    if PLATFORM:
        redis.Redis.from_url(REDIS_URL).flushdb()
    # The plans are data the migration seeds: put them back (and drop cached copies) for the next test.
    seed_plans(rt)
    return _migrated_app


@pytest.fixture
def rt(app: Flask) -> Runtime:
    return runtime_of(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def cli(app: Flask, app_settings: dict[str, object]) -> Callable[..., Result]:
    """Run `ebanista ...` against the test database; returns click's Result."""
    runner = CliRunner()
    env = environ_for(app_settings)

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def make_tenant(rt: Runtime) -> Callable[..., Tenant]:
    def make(name: str = "Cuines Test", **fields: Any) -> Tenant:
        with rt.transaction() as session:
            return create_tenant(session, TenantSpec(name=name, **fields))

    return make


@pytest.fixture
def make_user(rt: Runtime) -> Callable[..., User]:
    def make(email: str, tenant: Tenant | None = None, role: str = "OWNER", password: str = PASSWORD) -> User:
        with rt.transaction() as session:
            if tenant is None:
                return upsert_user(session, email, password, platform_role=role)
            user = upsert_user(session, email, password)
            add_membership(session, session.get(Tenant, tenant.id), user, role)
            return user

    return make


@pytest.fixture
def make_token(rt: Runtime) -> Callable[..., str]:
    def make(tenant: Tenant | None, role: str = "OWNER", user: User | None = None) -> str:
        with rt.transaction() as session:
            owner = session.get(Tenant, tenant.id) if tenant else None
            return create_api_token(session, owner, role, user=user)[1]

    return make


@dataclass
class Cast:
    tenant_a: Tenant
    tenant_b: Tenant
    alice: User
    bob: User
    charlie: User
    alice_token: str
    bob_token: str
    charlie_token: str


@pytest.fixture
def cast(make_tenant: Callable[..., Tenant], make_user: Callable[..., User], make_token: Callable[..., str]) -> Cast:
    tenant_a = make_tenant("Cuines Alícia", slug="tenant-a")
    tenant_b = make_tenant("Armaris Carles", slug="tenant-b")
    alice = make_user("alice@example.com", tenant_a, "OWNER")
    bob = make_user("bob@example.com", tenant_a, "AGENT")
    charlie = make_user("charlie@example.com", tenant_b, "OWNER")
    return Cast(
        tenant_a,
        tenant_b,
        alice,
        bob,
        charlie,
        make_token(tenant_a, "OWNER", alice),
        make_token(tenant_a, "AGENT", bob),
        make_token(tenant_b, "OWNER", charlie),
    )


@pytest.fixture
def fresh_app(tmp_path: Path, database_url: str) -> Callable[..., Flask]:
    """Build another app on the test database with some settings changed."""

    def build(**changes: object) -> Flask:
        overrides = settings_for(database_url, tmp_path / "fresh-data") | {"rate_limits": "off"}
        overrides.update(changes)
        return create_app(overrides)

    return build
