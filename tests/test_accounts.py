"""Signing in: lockout after repeated failures, two-factor with TOTP and recovery codes, the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, text

from appliance.accounts import second_factor
from appliance.accounts.login import LOCK_MINUTES, MAX_FAILURES, check_password, check_second_factor, workplaces
from appliance.infra.db import Audit, User, utcnow
from appliance.infra.runtime import Runtime
from tests.conftest import PASSWORD, Cast


def login(rt: Runtime, email: str, password: str, **kwargs):
    with rt.transaction() as db:
        return check_password(db, email, password, **kwargs)


def test_it_signs_in_with_the_right_password_and_records_it(rt: Runtime, cast: Cast) -> None:
    outcome = login(rt, "  Alice@Example.com ", PASSWORD)
    assert outcome.status == "ok"
    with rt.transaction() as db:
        user = db.get(User, outcome.user_id)
        assert user.email == "alice@example.com"
        assert user.last_login_at is not None
        actions = db.scalars(select(Audit.action).where(Audit.target_id == user.id)).all()
    assert "login.succeeded" in actions


def test_it_gives_the_same_answer_for_a_wrong_password_and_an_unknown_email(rt: Runtime, cast: Cast) -> None:
    assert login(rt, "alice@example.com", "wrong password").status == "invalid"
    assert login(rt, "nobody@example.com", PASSWORD).status == "invalid"


def test_it_locks_the_account_after_repeated_failures_even_for_the_right_password(rt: Runtime, cast: Cast) -> None:
    outcomes = [login(rt, "alice@example.com", "wrong password").status for _ in range(MAX_FAILURES)]
    assert outcomes == ["invalid"] * (MAX_FAILURES - 1) + ["locked"]
    locked = login(rt, "alice@example.com", PASSWORD)
    assert locked.status == "locked"
    assert locked.locked_until > utcnow() + timedelta(minutes=LOCK_MINUTES - 1)
    with rt.transaction() as db:
        assert db.scalar(select(Audit).where(Audit.action == "login.locked")) is not None


def test_the_lock_ends_after_its_time(rt: Runtime, cast: Cast) -> None:
    for _ in range(MAX_FAILURES):
        login(rt, "alice@example.com", "wrong password")
    later = utcnow() + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert login(rt, "alice@example.com", PASSWORD, now=later).status == "ok"


def test_a_success_resets_the_failure_count(rt: Runtime, cast: Cast) -> None:
    for _ in range(MAX_FAILURES - 1):
        login(rt, "alice@example.com", "wrong password")
    assert login(rt, "alice@example.com", PASSWORD).status == "ok"
    assert login(rt, "alice@example.com", "wrong password").status == "invalid"


def test_an_inactive_user_cannot_sign_in(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        db.get(User, cast.alice.id).is_active = False
    assert login(rt, "alice@example.com", PASSWORD).status == "invalid"


def enrol(rt: Runtime, user_id: str) -> tuple[str, list[str]]:
    with rt.transaction() as db:
        user = db.get(User, user_id)
        secret, uri = second_factor.begin(user)
        assert uri.startswith("otpauth://totp/")
        assert "Ebanista" in uri
        codes = second_factor.confirm(user, pyotp.TOTP(secret).now(), utcnow())
    assert codes is not None
    return secret, codes


def wrong_code(secret: str) -> str:
    """A six-digit code that is not valid now, nor one step either side."""
    totp = pyotp.TOTP(secret)
    now = utcnow()
    valid = {totp.at(now + timedelta(seconds=step)) for step in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_set_up_is_confirmed_only_by_a_right_code(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        user = db.get(User, cast.alice.id)
        secret, _ = second_factor.begin(user)
        assert second_factor.confirm(user, wrong_code(secret), utcnow()) is None
        assert not second_factor.enabled(user)
    # Unconfirmed two-factor does not stand in the way of signing in.
    assert login(rt, "alice@example.com", PASSWORD).status == "ok"


def test_with_two_factor_the_password_alone_is_not_enough(rt: Runtime, cast: Cast) -> None:
    secret, _ = enrol(rt, cast.alice.id)
    first = login(rt, "alice@example.com", PASSWORD)
    assert first.status == "second_factor"
    with rt.transaction() as db:
        assert check_second_factor(db, first.user_id, wrong_code(secret)).status == "invalid"
    with rt.transaction() as db:
        assert check_second_factor(db, first.user_id, pyotp.TOTP(secret).now()).status == "ok"


def test_a_recovery_code_works_once(rt: Runtime, cast: Cast) -> None:
    _, codes = enrol(rt, cast.alice.id)
    assert len(set(codes)) == second_factor.RECOVERY_CODES
    user_id = login(rt, "alice@example.com", PASSWORD).user_id
    with rt.transaction() as db:
        assert check_second_factor(db, user_id, codes[0].upper()).status == "ok"
    with rt.transaction() as db:
        assert check_second_factor(db, user_id, codes[0]).status == "invalid"
        assert check_second_factor(db, user_id, codes[1]).status == "ok"


def test_recovery_codes_and_secret_are_not_stored_in_clear(rt: Runtime, cast: Cast) -> None:
    secret, codes = enrol(rt, cast.alice.id)
    with rt.engine.connect() as conn:
        row = conn.execute(
            text("SELECT totp_secret, recovery_codes FROM users WHERE id = :id"), {"id": cast.alice.id}
        ).one()
    assert secret not in str(row[0])
    assert not any(code in str(row[1]) for code in codes)


def test_wrong_codes_count_towards_the_lockout(rt: Runtime, cast: Cast) -> None:
    enrol(rt, cast.alice.id)
    user_id = login(rt, "alice@example.com", PASSWORD).user_id
    statuses = []
    for _ in range(MAX_FAILURES):
        with rt.transaction() as db:
            statuses.append(check_second_factor(db, user_id, "not-a-code").status)
    assert statuses[-1] == "locked"


def test_a_platform_account_without_two_factor_must_set_it_up_when_required(rt: Runtime, make_user) -> None:
    make_user("root@example.com", role="SUPER_ADMIN")
    assert login(rt, "root@example.com", PASSWORD, require_second_factor=True).status == "setup_second_factor"
    assert login(rt, "root@example.com", PASSWORD).status == "ok"


def test_disabling_two_factor_forgets_everything(rt: Runtime, cast: Cast) -> None:
    enrol(rt, cast.alice.id)
    with rt.transaction() as db:
        user = db.get(User, cast.alice.id)
        second_factor.disable(user)
        assert (user.totp_secret, user.totp_confirmed_at, user.recovery_codes) == (None, None, [])
    assert login(rt, "alice@example.com", PASSWORD).status == "ok"


def test_workplaces_lists_the_stores_and_roles_of_a_user(rt: Runtime, cast: Cast, make_user) -> None:
    from appliance.infra.db import Tenant
    from appliance.tenants.registry import add_membership

    with rt.transaction() as db:
        add_membership(db, db.get(Tenant, cast.tenant_b.id), db.get(User, cast.bob.id), "ADMIN")
    with rt.transaction() as db:
        places = {(w.slug, w.role) for w in workplaces(db, cast.bob.id)}
    assert places == {(cast.tenant_a.slug, "AGENT"), (cast.tenant_b.slug, "ADMIN")}


@pytest.mark.parametrize("role", ["OWNER", "ADMIN", "AGENT"])
def test_every_tenant_role_may_read_leads_but_only_managers_change_settings(role: str) -> None:
    from appliance.security.permissions import allowed

    assert allowed(role, "leads.read")
    assert allowed(role, "config.write") == (role != "AGENT")
    assert not allowed(role, "admin.read")


def test_staff_changes_to_flows_and_settings_are_audited(client, rt: Runtime, cast: Cast) -> None:
    from appliance.core.flows.presets import preset

    alice = {"Authorization": f"Bearer {cast.alice_token}"}
    version = client.post("/v1/flows", json=preset("base"), headers=alice).get_json()["version"]
    assert client.post(f"/v1/flows/{version}/publish", headers=alice).status_code == 200
    branding = client.get("/v1/config/branding", headers=alice).get_json()["payload"]
    assert client.put("/v1/config/branding", json=branding, headers=alice).status_code == 200
    with rt.transaction() as db:
        entries = db.scalars(
            select(Audit).where(Audit.tenant_id == cast.tenant_a.id, Audit.actor_token_id.is_not(None))
        ).all()
    assert {(e.action, e.target_id) for e in entries} >= {
        ("flow.draft_created", str(version)),
        ("flow.published", str(version)),
        ("config.saved", "branding"),
    }
    assert all(e.actor_user_id == cast.alice.id and e.ip for e in entries)
