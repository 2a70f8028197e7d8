"""A store's team and api tokens, as its managers change them (the services behind the panel)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.accounts.invitations import read_invitation_token
from appliance.errors import Conflict, Forbidden, Invalid, NotFound
from appliance.infra.db import Audit, Membership
from appliance.infra.runtime import Runtime
from appliance.tenants import team
from appliance.tenants.api_tokens import issue_token, revoke_token, tenant_tokens
from tests.backends import SECRET
from tests.conftest import Cast


def role_of(rt: Runtime, cast: Cast, user_id: str) -> str | None:
    with rt.sessions() as db:
        query = select(Membership.role).where(Membership.tenant_id == cast.tenant_a.id, Membership.user_id == user_id)
        return db.scalar(query)


def actions(rt: Runtime, tenant_id: str) -> list[str]:
    with rt.sessions() as db:
        return list(db.scalars(select(Audit.action).where(Audit.tenant_id == tenant_id).order_by(Audit.created_at)))


def test_it_invites_a_new_person_with_a_link_that_names_them(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        invitation = team.invite(rt, db, cast.tenant_a.id, " Pau@Example.com ", "agent", "ADMIN")
    assert invitation["email"] == "pau@example.com"
    token = invitation["url"].rsplit("/", 1)[1]
    assert read_invitation_token(SECRET, token) == invitation["user_id"]
    assert role_of(rt, cast, invitation["user_id"]) == "AGENT"
    assert "team.invited" in actions(rt, cast.tenant_a.id)
    with rt.sessions() as db:
        listed = {m.email: m for m in team.members(db, cast.tenant_a.id)}
    assert listed["pau@example.com"].invited is True
    assert listed["alice@example.com"].invited is False


def test_someone_with_a_password_already_gets_no_link(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        invitation = team.invite(rt, db, cast.tenant_a.id, "charlie@example.com", "ADMIN", "OWNER")
    assert invitation["url"] is None
    assert role_of(rt, cast, cast.charlie.id) == "ADMIN"


def test_it_refuses_a_member_twice_and_a_bad_email(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db, pytest.raises(Conflict):
        team.invite(rt, db, cast.tenant_a.id, "bob@example.com", "AGENT", "OWNER")
    with rt.transaction() as db, pytest.raises(Invalid):
        team.invite(rt, db, cast.tenant_a.id, "not-an-email", "AGENT", "OWNER")


def test_only_an_owner_makes_owners_or_touches_them(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db, pytest.raises(Forbidden):
        team.change_role(db, cast.tenant_a.id, cast.bob.id, "OWNER", "ADMIN")
    with rt.transaction() as db, pytest.raises(Forbidden):
        team.remove(db, cast.tenant_a.id, cast.alice.id, "ADMIN")
    with rt.transaction() as db:
        team.change_role(db, cast.tenant_a.id, cast.bob.id, "OWNER", "OWNER")
    assert role_of(rt, cast, cast.bob.id) == "OWNER"


def test_the_last_owner_can_be_neither_demoted_nor_removed(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db, pytest.raises(Conflict) as demoted:
        team.change_role(db, cast.tenant_a.id, cast.alice.id, "ADMIN", "OWNER")
    with rt.transaction() as db, pytest.raises(Conflict):
        team.remove(db, cast.tenant_a.id, cast.alice.id, "OWNER")
    assert demoted.value.code == "last_owner"
    assert role_of(rt, cast, cast.alice.id) == "OWNER"


def test_removing_takes_the_person_out_of_this_store_only(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        team.remove(db, cast.tenant_a.id, cast.bob.id, "ADMIN")
    assert role_of(rt, cast, cast.bob.id) is None
    with rt.transaction() as db, pytest.raises(NotFound):
        team.remove(db, cast.tenant_a.id, cast.charlie.id, "OWNER")  # works for another store


def test_a_token_is_shown_once_works_at_once_and_stops_when_revoked(
    client: FlaskClient, rt: Runtime, cast: Cast
) -> None:
    with rt.transaction() as db:
        token, plaintext = issue_token(db, cast.tenant_a.id, "Zapier", "agent", "ADMIN", cast.alice.id)
        token_id = token.id
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/v1/flows", headers=headers).status_code == 200
    with rt.sessions() as db:
        listed = tenant_tokens(db, cast.tenant_a.id)
        assert token_id in [t.id for t in listed]
        assert next(t for t in listed if t.id == token_id).last_used_at is not None
    with rt.transaction() as db:
        revoke_token(db, cast.tenant_a.id, token_id)
    assert client.get("/v1/flows", headers=headers).status_code == 401
    assert {"api_token.created", "api_token.revoked"} <= set(actions(rt, cast.tenant_a.id))


def test_nobody_issues_a_token_stronger_than_themselves(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db, pytest.raises(Forbidden):
        issue_token(db, cast.tenant_a.id, "escalate", "OWNER", "ADMIN")
    with rt.transaction() as db, pytest.raises(Invalid):
        issue_token(db, cast.tenant_a.id, " ", "ROOT", "OWNER")


def test_another_stores_token_cannot_be_revoked(rt: Runtime, cast: Cast) -> None:
    with rt.transaction() as db:
        foreign = tenant_tokens(db, cast.tenant_b.id)[0].id
    with rt.transaction() as db, pytest.raises(NotFound):
        revoke_token(db, cast.tenant_a.id, foreign)
