"""The operator's panel (/admin) with the test client: who may sign in, who may write, CSRF on
every form, and the audit entry each action leaves."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from appliance.accounts import second_factor
from appliance.infra.db import ApiToken, Audit, Tenant, User, utcnow
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import create_api_token, upsert_user
from tests.conftest import PASSWORD, Cast
from tests.operators import audits
from tests.panel import csrf_token, sign_in

ROOT = "root@ebanista.test"
STAFF = "staff@ebanista.test"
WRONG = "do not match an account"


def operator_client(app: Flask, rt: Runtime, email: str = ROOT, role: str = "SUPER_ADMIN") -> FlaskClient:
    """Return a client signed in to /admin as a platform user of ``role`` (with two-factor on, which a
    SUPER_ADMIN must have on the platform)."""
    with rt.transaction() as db:
        user = upsert_user(db, email, PASSWORD, platform_role=role)
        secret, _uri = second_factor.begin(user)
        second_factor.confirm(user, pyotp.TOTP(secret).now(), utcnow())
    client = app.test_client()
    assert sign_in(client, email, area="admin").headers["Location"] == "/admin/login/code"
    token = csrf_token(client, "/admin/login/code")
    response = client.post("/admin/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.headers["Location"] == "/admin/"
    return client


@pytest.fixture
def root(app: Flask, rt: Runtime) -> FlaskClient:
    return operator_client(app, rt)


@pytest.fixture
def internal(app: Flask, rt: Runtime) -> FlaskClient:
    return operator_client(app, rt, STAFF, "INTERNAL")


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> Any:
    """POST a form with a valid CSRF token, as the page would."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/admin/account")})


def tenant_row(rt: Runtime, tenant_id: str) -> Tenant | None:
    with rt.sessions() as db:
        return db.get(Tenant, tenant_id)


# --- signing in ---------------------------------------------------------------------------------------


def test_a_store_user_gets_the_wrong_password_answer_even_with_the_right_password(
    client: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    right = sign_in(client, "alice@example.com", area="admin")
    assert right.status_code == 401
    assert WRONG in right.get_data(as_text=True)
    nobody = sign_in(client, "nobody@example.com", area="admin")
    assert (nobody.status_code, WRONG in nobody.get_data(as_text=True)) == (401, True)
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    # The password was not even checked: no sign-in recorded, no failure counted.
    assert audits(rt, "login.succeeded") == []
    assert audits(rt, "login.failed") == []


def test_a_store_user_signed_in_to_the_panel_is_sent_to_the_admin_login(
    panel_login: Callable[..., FlaskClient], cast: Cast
) -> None:
    client = panel_login("alice@example.com")
    response = client.get("/admin/tenants")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert client.get("/admin/account").headers["Location"].startswith("/admin/login")


def test_a_super_admin_needs_a_second_factor_on_the_platform_only(client: FlaskClient, rt: Runtime) -> None:
    with rt.transaction() as db:
        upsert_user(db, ROOT, PASSWORD, platform_role="SUPER_ADMIN")
    response = sign_in(client, ROOT, area="admin")
    expected = "/admin/login/setup" if rt.settings.mode == "platform" else "/admin/"
    assert response.headers["Location"] == expected


def test_a_wrong_password_of_an_operator_gets_the_same_answer(client: FlaskClient, rt: Runtime) -> None:
    with rt.transaction() as db:
        upsert_user(db, STAFF, PASSWORD, platform_role="INTERNAL")
    response = sign_in(client, STAFF, "not the password", area="admin")
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert len(audits(rt, "login.failed")) == 1


def test_strangers_are_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/admin/audit?action=tenant.created")
    assert response.headers["Location"] == "/admin/login?next=/admin/audit?action%3Dtenant.created"


# --- pages ---------------------------------------------------------------------------------------------


def test_every_page_is_in_the_one_nav(root: FlaskClient, cast: Cast) -> None:
    html = root.get("/admin/").get_data(as_text=True)
    navs = re.findall(r"<nav\b.*?</nav>", html, re.S)
    assert len(navs) == 1
    links = set(re.findall(r'href="([^"]+)"', navs[0]))
    assert links == {
        "/admin/",
        "/admin/tenants",
        "/admin/health",
        "/admin/plans",
        "/admin/errors",
        "/admin/audit",
        "/admin/staff",
        "/admin/account",
    }
    for link in links:
        assert root.get(link, follow_redirects=True).status_code == 200, link


def test_the_overview_shows_the_platform_numbers_and_health(root: FlaskClient, cast: Cast) -> None:
    html = root.get("/admin/").get_data(as_text=True)
    assert 'data-testid="kpi-tenants">2<' in html
    for service in ("database", "cache", "queue", "storage"):
        assert f'data-testid="health-{service}"' in html


def test_the_overview_says_one_store_only_when_it_lists_one(
    root: FlaskClient, cast: Cast, make_tenant: Callable[..., Tenant], rt: Runtime
) -> None:
    html = root.get("/admin/").get_data(as_text=True)  # the cast has two stores
    assert "runs one store" not in html
    if rt.settings.mode == "appliance":
        assert "Every store on this server" in html
        with rt.transaction() as db:
            db.execute(delete(Tenant).where(Tenant.id == cast.tenant_b.id))
        assert "This server runs one store" in root.get("/admin/").get_data(as_text=True)


def test_the_list_shows_status_plan_and_usage(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    response = root.get("/admin/tenants")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('data-testid="store-row"') == 2
    assert "Cuines Alícia" in html
    assert "Armaris Carles" in html
    paused = root.get("/admin/tenants?status=paused").get_data(as_text=True)
    assert 'data-testid="store-row"' not in paused


def test_in_appliance_mode_the_only_store_is_shown_directly(
    root: FlaskClient, make_tenant: Callable[..., Tenant], rt: Runtime
) -> None:
    store = make_tenant("Fusteria Sola")
    response = root.get("/admin/tenants")
    if rt.settings.mode == "appliance":
        assert response.headers["Location"] == f"/admin/tenants/{store.id}"
    else:
        assert response.status_code == 200
        assert 'data-testid="store-row"' in response.get_data(as_text=True)


def test_creating_a_store_shows_its_key_snippet_and_owner_invitation(root: FlaskClient, rt: Runtime) -> None:
    data = {
        "name": "Fusteria Nova",
        "plan": "pro",
        "default_language": "ca",
        "timezone": "Europe/Madrid",
        "allowed_origins": "https://www.fusterianova.example\nhttps://*.fusterianova.example",
        "owner_email": "nuria@fusterianova.example",
    }
    response = post(root, "/admin/tenants/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    with rt.sessions() as db:
        store = db.scalar(select(Tenant).where(Tenant.slug == "fusteria-nova"))
        assert store is not None
        assert (store.plan, store.default_language) == ("pro", "ca")
        assert store.allowed_origins == ["https://www.fusterianova.example", "https://*.fusterianova.example"]
    assert f'value="{store.widget_key}"' in html
    assert f"data-key=&#34;{store.widget_key}&#34;" in html
    assert "/panel/invite/" in html
    assert audits(rt, "tenant.created")[0]["target_id"] == store.id


def test_a_bad_store_is_refused_with_every_problem_and_the_typed_values_kept(root: FlaskClient, rt: Runtime) -> None:
    response = post(root, "/admin/tenants/new", {"name": "Fusteria", "slug": "-bad-", "allowed_origins": "ftp://x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('data-testid="form-error"') == 2
    assert 'value="-bad-"' in html
    with rt.sessions() as db:
        assert db.scalar(select(Tenant.id)) is None


def test_the_settings_form_changes_the_store(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    data = {
        "name": "Cuines Alícia i Fills",
        "plan": "elite",
        "status": "paused",
        "ai_monthly_cap_eur": "25",
        "allowed_origins": "https://www.alicia.example",
        "limit_tenant_per_minute": "900",
        "limit_whatsapp_sender_per_minute": "",
    }
    response = post(root, f"/admin/tenants/{cast.tenant_a.id}", data)
    assert response.status_code == 302
    store = tenant_row(rt, cast.tenant_a.id)
    assert store is not None
    assert (store.name, store.plan, store.status, store.ai_monthly_cap_eur) == (
        "Cuines Alícia i Fills",
        "elite",
        "paused",
        25,
    )
    assert store.allowed_origins == ["https://www.alicia.example"]
    assert store.limits == {"tenant_per_minute": 900}


def test_a_bad_setting_changes_nothing_and_says_why(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    data = {"name": "X", "plan": "base", "status": "active", "ai_monthly_cap_eur": "lots", "allowed_origins": ""}
    response = post(root, f"/admin/tenants/{cast.tenant_a.id}", data)
    assert response.status_code == 302
    page = root.get(response.headers["Location"]).get_data(as_text=True)
    assert "must be a whole number" in page
    assert tenant_row(rt, cast.tenant_a.id).name == "Cuines Alícia"  # type: ignore[union-attr]


def test_purging_needs_the_typed_address_name(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    path = f"/admin/tenants/{cast.tenant_b.id}/purge"
    refused = post(root, path, {"confirm_slug": "tenant-a"})
    assert refused.status_code == 400
    assert tenant_row(rt, cast.tenant_b.id) is not None
    done = post(root, path, {"confirm_slug": "tenant-b"})
    assert done.headers["Location"] == "/admin/tenants"
    assert tenant_row(rt, cast.tenant_b.id) is None
    assert audits(rt, "tenant.purged")[0]["target_id"] == cast.tenant_b.id


def test_impersonating_opens_the_panel_as_the_store_with_a_banner(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    response = post(root, f"/admin/tenants/{cast.tenant_a.id}/impersonate")
    assert response.headers["Location"] == "/panel"
    page = root.get("/panel").get_data(as_text=True)
    assert "impersonation-banner" in page
    assert "Cuines Alícia" in page
    requests = audits(rt, "impersonation.request")
    assert requests[0]["impersonated"] is True
    assert requests[0]["tenant_id"] == cast.tenant_a.id
    ended = post(root, "/panel/impersonation/end")
    assert ended.headers["Location"] == "/admin"
    assert "impersonation-banner" not in root.get("/admin/").get_data(as_text=True)
    assert audits(rt, "impersonation.started")[0]["target_id"] == requests[0]["target_id"]


def test_the_audit_log_filters_by_store_action_and_actor(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    post(root, f"/admin/tenants/{cast.tenant_a.id}/widget-key")
    post(root, f"/admin/tenants/{cast.tenant_b.id}/widget-key")
    by_store = root.get(f"/admin/audit?tenant_id={cast.tenant_a.id}&action=widget_key.rotated").get_data(as_text=True)
    assert by_store.count('data-testid="audit-row"') == 1
    by_actor = root.get(f"/admin/audit?actor={ROOT}&action=widget_key.rotated").get_data(as_text=True)
    assert by_actor.count('data-testid="audit-row"') == 2
    nobody = root.get("/admin/audit?actor=someone@else.example").get_data(as_text=True)
    assert 'data-testid="audit-row"' not in nobody
    bad = root.get("/admin/audit?from=yesterday")
    assert bad.status_code == 400


def test_the_errors_page_lists_failures_by_store(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    from appliance.operator.telemetry import Failure, record_failure

    record_failure(
        rt, Failure(status=500, code="internal_error", message="boom", path="/v1/leads", tenant_id=cast.tenant_a.id)
    )
    record_failure(
        rt, Failure(status=502, code="upstream", message="", path="/v1/chat/send", tenant_id=cast.tenant_b.id)
    )
    everything = root.get("/admin/errors").get_data(as_text=True)
    assert everything.count('data-testid="error-row"') == 2
    one = root.get(f"/admin/errors?tenant_id={cast.tenant_a.id}").get_data(as_text=True)
    assert one.count('data-testid="error-row"') == 1
    assert "/v1/leads" in one


# --- platform staff ----------------------------------------------------------------------------------


def test_adding_platform_staff_shows_a_first_password_that_signs_in(root: FlaskClient, app: Flask, rt: Runtime) -> None:
    response = post(root, "/admin/staff", {"email": "Pere@Ebanista.test", "name": "Pere", "role": "INTERNAL"})
    html = response.get_data(as_text=True)
    password = re.search(r'id="first-password" type="text" readonly value="([^"]+)"', html)
    assert password is not None
    fresh = app.test_client()
    assert sign_in(fresh, "pere@ebanista.test", password.group(1), area="admin").headers["Location"] == "/admin/"
    created = audits(rt, "platform_user.created")
    assert created[0]["details"] == {"role": "INTERNAL"}


def test_an_address_that_has_an_account_is_not_taken_over(root: FlaskClient, cast: Cast, rt: Runtime) -> None:
    response = post(root, "/admin/staff", {"email": "alice@example.com", "name": "", "role": "SUPER_ADMIN"})
    assert response.status_code == 409
    with rt.sessions() as db:
        assert db.scalar(select(User.platform_role).where(User.email == "alice@example.com")) is None


def test_switching_someone_off_signs_them_out_and_revokes_their_tokens(
    root: FlaskClient, internal: FlaskClient, rt: Runtime
) -> None:
    with rt.transaction() as db:
        staff = db.scalar(select(User).where(User.email == STAFF))
        assert staff is not None
        create_api_token(db, None, "INTERNAL", name="console", user=staff)
        staff_id = staff.id
    assert post(root, f"/admin/staff/{staff_id}/active", {"active": "0"}).status_code == 302
    assert internal.get("/admin/").headers["Location"].startswith("/admin/login")
    with rt.sessions() as db:
        assert db.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == staff_id)) is not None
    assert audits(rt, "platform_user.deactivated")[0]["details"] == {"tokens_revoked": 1}
    post(root, f"/admin/staff/{staff_id}/active", {"active": "1"})
    assert len(audits(rt, "platform_user.reactivated")) == 1


def test_nobody_switches_themselves_off(root: FlaskClient, rt: Runtime) -> None:
    with rt.sessions() as db:
        me = db.scalar(select(User.id).where(User.email == ROOT))
    post(root, f"/admin/staff/{me}/active", {"active": "0"})
    assert root.get("/admin/").status_code == 200
    assert audits(rt, "platform_user.deactivated") == []


# --- read-only staff and CSRF ------------------------------------------------------------------------


def write_forms(app: Flask, cast: Cast, rt: Runtime) -> list[str]:
    """Return every address of /admin that takes a POST (new forms are covered without listing them)."""
    with rt.sessions() as db:
        someone = db.scalar(select(User.id).where(User.email == "bob@example.com"))
    values = {"tenant_id": cast.tenant_a.id, "user_id": someone}
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and "POST" in (rule.methods or ()):
            paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule))
    return sorted(paths)


def test_read_only_staff_see_no_write_buttons_and_are_refused_every_write(
    internal: FlaskClient, app: Flask, cast: Cast, rt: Runtime
) -> None:
    page = internal.get(f"/admin/tenants/{cast.tenant_a.id}").get_data(as_text=True)
    assert 'data-testid="impersonate"' not in page
    assert 'data-testid="rotate-key"' not in page
    assert "<fieldset disabled>" in page
    assert 'data-testid="new-store"' not in internal.get("/admin/tenants").get_data(as_text=True)
    account_forms = {
        "/admin/account/password",
        "/admin/account/two-factor",
        "/admin/account/two-factor/confirm",
        "/admin/account/two-factor/disable",
        "/admin/account/sign-out-everywhere",
        "/admin/logout",
        "/admin/login",
        "/admin/login/code",
        "/admin/login/setup",
    }
    writes = [path for path in write_forms(app, cast, rt) if path not in account_forms]
    assert len(writes) >= 8
    for path in writes:
        assert post(internal, path, {"confirm_slug": "tenant-a", "active": "0"}).status_code == 403, path
    assert tenant_row(rt, cast.tenant_a.id) is not None
    assert internal.get(f"/admin/tenants/{cast.tenant_a.id}/purge").status_code == 403


def test_every_form_refuses_a_missing_csrf_token(root: FlaskClient, app: Flask, cast: Cast, rt: Runtime) -> None:
    before = tenant_row(rt, cast.tenant_a.id)
    assert before is not None
    for path in write_forms(app, cast, rt):
        response = root.post(path, data={"confirm_slug": "tenant-a", "name": "Changed", "active": "0"})
        assert response.status_code == 400, path
        assert "The form has expired" in response.get_data(as_text=True)
    after = tenant_row(rt, cast.tenant_a.id)
    assert after is not None
    assert (after.name, after.widget_key) == (before.name, before.widget_key)


# --- the audit trail ---------------------------------------------------------------------------------


ACTIONS: list[tuple[str, str, dict[str, str]]] = [
    ("tenant.created", "/admin/tenants/new", {"name": "Fusteria Nova"}),
    ("tenant.updated", "/admin/tenants/{a}", {"name": "Nou nom", "plan": "pro", "status": "active"}),
    ("tenant.maintenance", "/admin/tenants/{a}/maintenance", {"enabled": "on", "message_ca": "Tancat"}),
    ("widget_key.rotated", "/admin/tenants/{a}/widget-key", {}),
    ("impersonation.started", "/admin/tenants/{a}/impersonate", {}),
    ("tenant.purged", "/admin/tenants/{a}/purge", {"confirm_slug": "tenant-a"}),
    ("platform_user.created", "/admin/staff", {"email": "new@ebanista.test", "role": "INTERNAL"}),
]


@pytest.mark.parametrize(("action", "path", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_action_leaves_an_audit_entry_naming_the_operator(
    root: FlaskClient, cast: Cast, rt: Runtime, action: str, path: str, data: dict[str, str]
) -> None:
    response = post(root, path.format(a=cast.tenant_a.id), data)
    assert response.status_code in {200, 302}
    with rt.sessions() as db:
        entry = db.scalar(select(Audit).where(Audit.action == action))
        me = db.scalar(select(User.id).where(User.email == ROOT))
    assert entry is not None
    assert entry.actor_user_id == me
    assert entry.impersonated is False


def test_the_audit_page_names_each_action_in_words_in_the_readers_language(
    root: FlaskClient, cast: Cast, rt: Runtime
) -> None:
    post(root, f"/admin/tenants/{cast.tenant_a.id}/maintenance", {"enabled": "on", "message_ca": "Tancat"})
    root.post("/ui/language", data={"language": "es", "csrf_token": csrf_token(root, "/admin/account")})
    html = root.get("/admin/audit?action=tenant.maintenance").get_data(as_text=True)
    cells = re.findall(r'data-testid="audit-action">([^<]*)<', html)
    assert cells
    assert set(cells) == {"Mantenimiento de la tienda cambiado"}
