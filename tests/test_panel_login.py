"""Signing in to /panel: passwords, lockout, two-factor, store picking, invitations, sign-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
import segno
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from appliance.accounts.invitations import make_invitation_token
from appliance.infra.db import Audit, LoginThrottle, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.security.passwords import verify_password
from appliance.tenants.registry import add_membership
from tests.conftest import Cast
from tests.panel import csrf_token, post_form, sign_in


def test_it_redirects_strangers_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/panel/leads?status=new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/panel/login?next=/panel/leads?status%3Dnew"


def test_it_signs_in_with_email_and_password_and_goes_to_the_one_store(client: FlaskClient, cast: Cast) -> None:
    response = sign_in(client, "alice@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/panel"
    page = client.get("/panel")
    assert page.status_code == 200
    assert cast.tenant_a.name in page.get_data(as_text=True)


def test_it_returns_to_the_page_asked_for_before_signing_in(client: FlaskClient, cast: Cast) -> None:
    token = csrf_token(client)
    response = client.post(
        "/panel/login",
        data={
            "email": "bob@example.com",
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/panel/leads",
        },
    )
    assert response.headers["Location"] == "/panel/leads"


def test_it_never_redirects_to_another_site_after_signing_in(client: FlaskClient, cast: Cast) -> None:
    token = csrf_token(client)
    data = {"email": "bob@example.com", "password": "correct horse battery", "csrf_token": token}
    response = client.post("/panel/login", data={**data, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/panel"


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(client: FlaskClient, cast: Cast) -> None:
    response = sign_in(client, "alice@example.com", "wrong password")
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/panel").status_code == 302


def test_it_locks_the_account_after_five_wrong_passwords_and_says_until_when(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    for _ in range(4):
        assert sign_in(client, "alice@example.com", "wrong password").status_code == 401
    response = sign_in(client, "alice@example.com", "wrong password")
    assert response.status_code == 423
    assert "locked for 15 minutes, until" in response.get_data(as_text=True)
    # Even the right password is refused while locked.
    assert sign_in(client, "alice@example.com").status_code == 423
    with rt.sessions() as db:
        # The lock is kept for this e-mail from this address only (see test_login_lockout.py).
        assert db.scalar(select(LoginThrottle.locked_until)) > utcnow() + timedelta(minutes=14)


def _turn_on_two_factor(rt: Runtime, user_id: str) -> str:
    secret = pyotp.random_base32()
    with rt.transaction() as db:
        user = db.get(User, user_id)
        user.totp_secret = secret
        user.totp_confirmed_at = utcnow()
    return secret


def test_it_asks_for_the_second_factor_and_accepts_a_current_code(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    secret = _turn_on_two_factor(rt, cast.alice.id)
    response = sign_in(client, "alice@example.com")
    assert response.headers["Location"] == "/panel/login/code"
    assert client.get("/panel").status_code == 302  # not signed in yet
    token = csrf_token(client, "/panel/login/code")
    wrong = client.post("/panel/login/code", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    right = client.post("/panel/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert right.headers["Location"] == "/panel"
    assert client.get("/panel").status_code == 200


def test_the_code_step_needs_the_password_step_first(client: FlaskClient, cast: Cast) -> None:
    response = client.get("/panel/login/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/panel/login"


def test_two_factor_set_up_shows_a_qr_code_of_the_setup_address_drawn_on_the_server(
    panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    client = panel_login("alice@example.com")
    page = post_form(client, "/panel/account/two-factor").get_data(as_text=True)
    with rt.sessions() as db:
        secret = db.get(User, cast.alice.id).totp_secret
    figure = page.split('data-testid="totp-qr"')[1].split("</figure>")[0]
    assert "<svg" in figure
    assert "http" not in figure.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    uri = pyotp.TOTP(secret).provisioning_uri(name="alice@example.com", issuer_name="Ebanista")
    assert segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff", omitsize=True) in figure


def test_a_person_turns_two_factor_on_gets_recovery_codes_and_then_needs_a_code(
    panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    client = panel_login("alice@example.com")
    page = post_form(client, "/panel/account/two-factor").get_data(as_text=True)
    assert 'data-testid="totp-secret"' in page
    with rt.sessions() as db:
        secret = db.get(User, cast.alice.id).totp_secret
    done = post_form(client, "/panel/account/two-factor/confirm", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.get_data(as_text=True).count("<li><code>") == 10
    fresh = client.application.test_client()
    assert sign_in(fresh, "alice@example.com").headers["Location"] == "/panel/login/code"


def _signed_in_with_code(app: Flask, rt: Runtime, email: str, secret: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    token = csrf_token(client, "/panel/login/code")
    client.post("/panel/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    return client


def test_a_person_turns_two_factor_off_with_their_password(app: Flask, cast: Cast, rt: Runtime) -> None:
    client = _signed_in_with_code(app, rt, "bob@example.com", _turn_on_two_factor(rt, cast.bob.id))
    post_form(client, "/panel/account/two-factor/disable", {"password": "wrong"})
    with rt.sessions() as db:
        assert db.get(User, cast.bob.id).totp_confirmed_at is not None
    post_form(client, "/panel/account/two-factor/disable", {"password": "correct horse battery"})
    with rt.sessions() as db:
        assert db.get(User, cast.bob.id).totp_secret is None


def test_a_recovery_code_signs_in_once(app: Flask, cast: Cast, rt: Runtime) -> None:
    client = app.test_client()
    sign_in(client, "alice@example.com")
    with rt.transaction() as db:
        user = db.get(User, cast.alice.id)
        from appliance.accounts import second_factor

        second_factor.begin(user)
        codes = second_factor.confirm(user, pyotp.TOTP(user.totp_secret).now(), utcnow())
    client = app.test_client()
    sign_in(client, "alice@example.com")
    token = csrf_token(client, "/panel/login/code")
    assert client.post("/panel/login/code", data={"code": codes[0], "csrf_token": token}).status_code == 302
    again = app.test_client()
    sign_in(again, "alice@example.com")
    token = csrf_token(again, "/panel/login/code")
    assert again.post("/panel/login/code", data={"code": codes[0], "csrf_token": token}).status_code == 401


def test_a_person_with_several_stores_picks_one(app: Flask, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        add_membership(db, db.get(Tenant, cast.tenant_b.id), db.get(User, cast.alice.id), "AGENT")
    client = app.test_client()
    response = sign_in(client, "alice@example.com")
    assert response.headers["Location"] == "/panel/stores"
    assert client.get("/panel").headers["Location"].startswith("/panel/stores")
    picked = post_form(client, "/panel/stores", {"tenant_id": cast.tenant_b.id}, page="/panel/stores")
    assert picked.headers["Location"] == "/panel"
    assert cast.tenant_b.name in client.get("/panel").get_data(as_text=True)


def test_a_person_cannot_pick_a_store_they_do_not_work_for(app: Flask, cast: Cast, rt: Runtime) -> None:
    with rt.transaction() as db:
        add_membership(db, db.get(Tenant, cast.tenant_b.id), db.get(User, cast.alice.id), "AGENT")
    client = app.test_client()
    sign_in(client, "bob@example.com")
    refused = post_form(client, "/panel/stores", {"tenant_id": cast.tenant_b.id}, page="/panel/stores")
    assert refused.status_code == 404


def test_an_operators_admin_session_does_not_open_the_store_panel(app: Flask, make_user: Callable[..., User]) -> None:
    make_user("ops@example.com", None, "INTERNAL")
    client = app.test_client()
    sign_in(client, "ops@example.com", area="admin")
    assert client.get("/panel/stores").headers["Location"].startswith("/panel/login")


def test_the_panel_and_admin_sessions_live_side_by_side_in_one_browser(
    app: Flask, make_user: Callable[..., User], cast: Cast
) -> None:
    make_user("ops@example.com", None, "INTERNAL")  # a super admin must set up two-factor on the platform first
    client = app.test_client()
    sign_in(client, "alice@example.com")
    assert sign_in(client, "ops@example.com", area="admin").status_code == 302
    assert client.get("/panel/leads").status_code == 200
    assert client.get("/admin/").status_code == 200
    post_form(client, "/panel/logout")
    assert client.get("/panel/leads").headers["Location"].startswith("/panel/login")
    assert client.get("/admin/").status_code == 200


def test_signing_out_needs_a_post_and_ends_the_session(panel_login: Callable[..., FlaskClient], cast: Cast) -> None:
    client = panel_login("alice@example.com")
    assert client.get("/panel/logout").status_code in {404, 405}
    assert client.get("/panel").status_code == 200
    post_form(client, "/panel/logout")
    assert client.get("/panel").status_code == 302


def _copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Return a new client holding ``client``'s session cookie, as a thief who copied it would."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


@pytest.mark.parametrize("area", ["panel", "admin"])
def test_a_cookie_copied_before_signing_out_is_refused_after_it(
    app: Flask, cast: Cast, make_user: Callable[..., User], area: str
) -> None:
    email = "alice@example.com" if area == "panel" else "ops@example.com"
    if area == "admin":
        make_user(email, None, "INTERNAL")
    client = app.test_client()
    assert sign_in(client, email, area=area).status_code == 302
    thief = _copy_of(client, app)
    assert thief.get(f"/{area}/account").status_code == 200
    post_form(client, f"/{area}/logout", page=f"/{area}/account")
    assert client.get(f"/{area}/account").headers["Location"].startswith(f"/{area}/login")
    assert thief.get(f"/{area}/account").headers["Location"].startswith(f"/{area}/login")
    assert thief.get(f"/{area}/account", headers={"HX-Request": "true"}).status_code == 401


def test_signing_in_again_after_signing_out_does_not_revive_the_old_cookie(
    app: Flask, panel_login: Callable[..., FlaskClient], cast: Cast
) -> None:
    client = panel_login("alice@example.com")
    thief = _copy_of(client, app)
    post_form(client, "/panel/logout")
    sign_in(client, "alice@example.com")
    assert client.get("/panel/leads").status_code == 200
    assert thief.get("/panel/leads").status_code == 302


def test_signing_out_everywhere_ends_the_session_of_a_second_browser(
    panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    client = panel_login("alice@example.com")
    elsewhere = panel_login("alice@example.com")
    someone_else = panel_login("bob@example.com")
    assert "Sign out everywhere" in client.get("/panel/account").get_data(as_text=True)
    response = post_form(client, "/panel/account/sign-out-everywhere")
    assert response.headers["Location"].startswith("/panel/login")
    assert client.get("/panel/leads").headers["Location"].startswith("/panel/login")
    assert elsewhere.get("/panel/leads").headers["Location"].startswith("/panel/login")
    assert someone_else.get("/panel/leads").status_code == 200  # only Alice's sessions end
    with rt.sessions() as db:
        assert db.scalar(select(Audit).where(Audit.action == "user.sessions_ended")) is not None


def test_an_invited_person_sets_a_password_and_is_signed_in(
    app: Flask, client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    with rt.transaction() as db:
        user = User(email="dora@example.com", name="Dora", password_hash=None)
        db.add(user)
        db.flush()
        add_membership(db, db.get(Tenant, cast.tenant_a.id), user, "AGENT")
        user_id = user.id
    token = make_invitation_token(app.config["SECRET_KEY"], user_id)
    page = client.get(f"/panel/invite/{token}")
    assert "dora@example.com" in page.get_data(as_text=True)
    short = post_form(
        client,
        f"/panel/invite/{token}",
        {"password": "short", "repeat_password": "short"},
        page=f"/panel/invite/{token}",
    )
    assert short.status_code == 400
    done = post_form(
        client,
        f"/panel/invite/{token}",
        {"password": "a long new password", "repeat_password": "a long new password"},
        page=f"/panel/invite/{token}",
    )
    assert done.headers["Location"] == "/panel"
    assert client.get("/panel").status_code == 200
    with rt.sessions() as db:
        assert verify_password(db.get(User, user_id).password_hash, "a long new password")
        assert db.scalar(select(Audit).where(Audit.action == "user.invitation_accepted")) is not None
    # The link works once.
    assert app.test_client().get(f"/panel/invite/{token}").status_code == 302


def test_a_forged_invitation_is_refused(client: FlaskClient) -> None:
    response = client.get("/panel/invite/not-a-token", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_a_person_changes_their_password(panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime) -> None:
    client = panel_login("bob@example.com")
    elsewhere = panel_login("bob@example.com")
    post_form(
        client,
        "/panel/account/password",
        {
            "current_password": "correct horse battery",
            "new_password": "another long one",
            "repeat_password": "another long one",
        },
    )
    with rt.sessions() as db:
        assert verify_password(db.get(User, cast.bob.id).password_hash, "another long one")
    # This session goes on; the one on another device has ended.
    assert client.get("/panel/leads").status_code == 200
    assert client.get("/panel/leads").status_code == 200
    assert elsewhere.get("/panel/leads").headers["Location"].startswith("/panel/login")


def test_a_new_password_raises_the_session_generation_and_ends_the_other_sessions(
    app: Flask, panel_login: Callable[..., FlaskClient], cast: Cast, rt: Runtime
) -> None:
    client = panel_login("bob@example.com")
    elsewhere = panel_login("bob@example.com")
    copied = _copy_of(client, app)
    with rt.sessions() as db:
        before = db.get(User, cast.bob.id).session_generation
    post_form(
        client,
        "/panel/account/password",
        {
            "current_password": "correct horse battery",
            "new_password": "another long one",
            "repeat_password": "another long one",
        },
    )
    with rt.sessions() as db:
        assert db.get(User, cast.bob.id).session_generation == before + 1
    assert client.get("/panel/leads").status_code == 200  # this session is renewed, not ended
    assert elsewhere.get("/panel/leads").headers["Location"].startswith("/panel/login")
    assert copied.get("/panel/leads").headers["Location"].startswith("/panel/login")


def test_a_password_set_from_the_command_line_ends_the_persons_sessions(
    panel_login: Callable[..., FlaskClient], cli: Callable[..., Result], cast: Cast
) -> None:
    client = panel_login("bob@example.com")
    assert client.get("/panel/leads").status_code == 200
    assert (
        cli(
            "user",
            "create",
            "bob@example.com",
            "--tenant",
            cast.tenant_a.slug,
            "--role",
            "AGENT",
            "--password",
            "a brand new password",
        ).exit_code
        == 0
    )
    assert client.get("/panel/leads").headers["Location"].startswith("/panel/login")


def test_an_account_that_must_have_two_factor_sets_it_up_before_entering(
    fresh_app: Callable[..., Flask], cast: Cast, rt: Runtime
) -> None:
    from flask import Blueprint

    from webui.ui.area import setup_area
    from webui.ui.login import SignInArea, add_login_routes

    app = fresh_app()
    forced = Blueprint("forced", __name__, url_prefix="/forced")
    setup_area(forced, name="forced", nav=None, home="panel.today", login="forced.login")
    add_login_routes(forced, SignInArea("forced", lambda _email: True, lambda _account, _next: "/panel"))
    app.register_blueprint(forced)
    client = app.test_client()
    response = sign_in(client, "alice@example.com", area="forced")
    assert response.headers["Location"] == "/forced/login/setup"
    page = client.get("/forced/login/setup").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    assert client.get("/panel/account").status_code == 302  # not in until the code is proven
    token = csrf_token(client, "/forced/login/setup")
    wrong = client.post("/forced/login/setup", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 400
    done = client.post("/forced/login/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.get_data(as_text=True).count("<li><code>") == 10
    assert client.get("/panel/account").status_code == 200
    with rt.sessions() as db:
        assert db.get(User, cast.alice.id).totp_confirmed_at is not None
