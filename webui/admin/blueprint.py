"""The /admin blueprint: its navigation bar, its own sign-in (platform staff only) and access checks.

Only people with a platform role use this panel: SUPER_ADMIN does everything, INTERNAL reads. Anyone
else is treated as not signed in here, and the login form answers them exactly as it answers a
wrong password, so it never tells which addresses belong to a store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from werkzeug.wrappers import Response

from appliance.accounts.login import refuse_in_equal_time
from appliance.accounts.people import Account
from appliance.core.kinds import PLATFORM_ROLES
from appliance.infra.audit import Actor
from appliance.infra.runtime import current_runtime
from appliance.operator.panel_support import count_stores, must_use_second_factor, platform_role_for_email
from webui.admin.labels import template_helpers
from webui.ui.account import add_account_routes
from webui.ui.area import setup_area
from webui.ui.auth import Principal, check_access, current_principal, safe_next, sign_out
from webui.ui.login import SignInArea, add_login_routes
from webui.ui.nav import Nav

F = TypeVar("F", bound=Callable[..., Any])

admin = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")
admin_nav = Nav()


class ModeLabel:
    """A navigation label that reads differently when this server runs one store (appliance mode)."""

    def __init__(self, platform: object, appliance: object) -> None:
        self.platform, self.appliance = platform, appliance

    def __str__(self) -> str:
        return str(self.appliance if one_store_only() else self.platform)

    def __html__(self) -> str:
        return str(escape(str(self)))


admin_nav.add("admin.home", _l("Overview"), permission="admin.read", order=10, exact=True)
admin_nav.add("admin.tenants", ModeLabel(_l("Stores"), _l("The store")), permission="admin.read", order=20)
admin_nav.add("admin.health", _l("Health"), permission="admin.read", order=30)
admin_nav.add("admin.errors", _l("Errors"), permission="admin.read", order=40)
admin_nav.add("admin.audit", _l("Audit log"), permission="admin.read", order=50)
admin_nav.add("admin.staff", _l("Platform staff"), permission="admin.read", order=60)
admin_nav.add("admin.account", _l("My account"), permission="admin.read", order=90)


def is_appliance() -> bool:
    """Tell whether this server runs one store (the panel then shows that store, not a list)."""
    return current_runtime().settings.mode == "appliance"


def one_store_only() -> bool:
    """Tell whether this is an appliance with exactly one store (counted by ``_count_stores``)."""
    return bool(g.get("one_store_only"))


def _count_stores() -> None:
    # Counted before the view runs: a view may hold the only SQLite connection while it renders.
    if is_appliance():
        g.one_store_only = count_stores(current_runtime()) == 1


def must_have_second_factor(email: str) -> bool:
    """Tell whether this account must use two-factor: a SUPER_ADMIN on the hosted platform."""
    return must_use_second_factor(current_runtime(), email)


def finish_sign_in(account: Account, next_url: str | None) -> str:
    """Send platform staff to the page they asked for; refuse anyone else (a second line of defence:
    ``_refuse_non_staff`` already turned them away before their password was checked)."""
    if account.platform_role not in PLATFORM_ROLES:
        sign_out()
        flash(_("That e-mail and password do not match an account."), "error")
        return url_for("admin.login")
    return safe_next(next_url, url_for("admin.home"))


def _refuse_non_staff() -> tuple[str, int] | None:
    """Answer a sign-in attempt by anyone without a platform role as a wrong password would be
    answered, spending the same password-hashing time, without checking (or counting) the password."""
    if request.endpoint != "admin.login" or request.method != "POST":
        return None
    email = request.form.get("email", "").strip().lower()
    role = platform_role_for_email(current_runtime(), email) if email else None
    if role in PLATFORM_ROLES:
        return None
    refuse_in_equal_time(request.form.get("password", ""))
    error = _("That e-mail and password do not match an account.")
    page = render_template("ui/login.html", email=email, next=request.form.get("next", ""), error=error)
    return page, 401


SIGN_IN_ENDPOINTS = frozenset({"admin.login", "admin.login_code", "admin.login_setup", "admin.logout"})


def _only_platform_staff() -> Response | None:
    """Send a store's user who is signed in to /panel to the /admin login from every /admin page,
    their own account page included: here they are not signed in."""
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return None
    principal = current_principal()
    if principal is not None and principal.platform_role is None:
        return redirect(url_for("admin.login"))
    return None


def operator() -> Principal:
    """Return the signed-in platform staff member (views behind ``require_operator`` only)."""
    principal = current_principal()
    assert principal is not None
    assert principal.platform_role is not None
    return principal


def operator_actor() -> Actor:
    """Return the operator as the audit trail names them: never as an impersonation, even while one
    is going on in /panel, since /admin actions are their own."""
    principal = operator()
    return Actor(user_id=principal.user_id, label=f"user {principal.user_id}")


def require_operator(permission: str = "admin.read") -> Callable[[F], F]:
    """Decorate an /admin view: signed in with a platform role (else the /admin login page) and
    holding ``permission`` (else the 403 page: INTERNAL staff may not write)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None or principal.platform_role is None:
                here = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("admin.login", next=here))
            refusal = check_access(permission, login="admin.login", store=False)
            return refusal if refusal is not None else view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def when(iso: str | None) -> datetime | None:
    """Turn an ISO time from a service answer into a datetime for the date filters."""
    return datetime.fromisoformat(iso) if iso else None


setup_area(admin, name="admin", nav=admin_nav, home="admin.home", login="admin.login")
admin.before_request(_refuse_non_staff)
admin.before_request(_only_platform_staff)
admin.before_request(_count_stores)
admin.context_processor(
    lambda: {"when": when, "appliance_mode": is_appliance(), "one_store": one_store_only(), **template_helpers()}
)
add_login_routes(admin, SignInArea("admin", must_have_second_factor, finish_sign_in))
add_account_routes(admin, login="admin.login", store=False)


@admin.get("/<path:_rest>")
def not_found(_rest: str) -> None:
    """Answer unknown /admin addresses with the panel's 404 page instead of a bare one."""
    from werkzeug.exceptions import NotFound

    raise NotFound()
