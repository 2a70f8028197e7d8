"""Who is using a panel: the signed-in person, the store they work in, and what they may do.

Flask's signed cookie session holds only ids (``uid``, ``tid``), the last activity time, the
language, and what lets the server take it back: the password's fingerprint (``pw``) and the
person's session generation (``gen``) at sign-in. The person, the role and the store are read from
the database on every request, so a removed membership, a changed role, a new password or a
sign-out (which raises the generation) takes effect at once, even for a copy of the cookie. An
operator impersonating a store (started from /admin) is an OWNER of that store for 15 minutes, with
a banner on every page.
Both panels use these helpers: /panel needs a store, /admin needs a platform role."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from flask import g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from appliance.accounts.people import Account
from appliance.accounts.presence import Seat, presence
from appliance.errors import Forbidden
from appliance.infra.audit import Actor
from appliance.infra.runtime import current_runtime
from appliance.security.impersonation import LIFETIME_SECONDS as IMPERSONATION_SECONDS
from appliance.security.permissions import allowed
from webui.ui.i18n import SESSION_KEY as LANGUAGE_KEY

IDLE_SECONDS = 12 * 3600
# Rewriting the cookie on every request is needless; a minute's precision is enough for a 12 h timeout.
SEEN_GRANULARITY = 60

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Impersonation:
    """An operator acting inside a store; ``ends_at`` is UTC."""

    tenant_id: str
    admin_user_id: str | None
    admin_label: str
    token_id: str
    ends_at: datetime


@dataclass(frozen=True)
class Principal:
    """The signed-in person for this request, and the store they act in (if any)."""

    user_id: str
    email: str
    name: str
    language: str
    platform_role: str | None
    tenant_id: str | None = None
    tenant_name: str = ""
    tenant_timezone: str = "Europe/Madrid"
    role: str | None = None  # the role in the current store (OWNER while impersonating)
    impersonation: Impersonation | None = None

    def can(self, permission: str) -> bool:
        """Tell whether this person may do ``permission`` (store role or platform role)."""
        return allowed(self.role, permission) or allowed(self.platform_role, permission)

    @property
    def display_name(self) -> str:
        """Return the name to show in the header (the e-mail when no name was given)."""
        return self.name or self.email


def current_principal() -> Principal | None:
    """Return the signed-in person of this request (cached on ``g``), or None."""
    if "principal" not in g:
        g.principal = _load_principal()
        if g.principal is not None:
            _bind_request(g.principal)
    return g.principal


def _load_principal() -> Principal | None:
    user_id = session.get("uid")
    if not user_id:
        return None
    now = time.time()
    if now - session.get("seen", 0) > IDLE_SECONDS:
        sign_out()
        return None
    if now - session.get("seen", 0) > SEEN_GRANULARITY:
        session["seen"] = int(now)
    found = presence(current_runtime(), user_id, impersonating=_impersonated_store(now), chosen=session.get("tid"))
    if found is None or not _still_valid(found.account):
        sign_out()
        return None
    account = found.account
    base = Principal(account.id, account.email, account.name, account.language, account.platform_role)
    impersonation = _impersonation(now)
    if found.seat is None:
        # The chosen store is gone, or the person no longer works there.
        if session.get("tid"):
            session.pop("tid", None)
        return base
    return _in_store(base, found.seat, impersonation if found.seat.impersonated else None)


def _still_valid(account: Account) -> bool:
    # A changed password or a sign-out (here or on another device) ends every other session of the
    # person. A cookie signed before generations existed has none and counts as generation 0.
    return (
        account.is_active
        and session.get("pw") == account.password_mark
        and session.get("gen", 0) == account.session_generation
    )


def _in_store(base: Principal, seat: Seat, impersonation: Impersonation | None) -> Principal:
    return Principal(
        base.user_id,
        base.email,
        base.name,
        base.language,
        base.platform_role,
        tenant_id=seat.tenant_id,
        tenant_name=seat.name,
        tenant_timezone=seat.timezone,
        role=seat.role,
        impersonation=impersonation,
    )


def _impersonated_store(now: float) -> str | None:
    """Return the store of an impersonation still going on, without ending an expired one."""
    data = session.get("imp")
    return data["tid"] if data and data.get("exp", 0) > now else None


def _impersonation(now: float) -> Impersonation | None:
    data = session.get("imp")
    if not data:
        return None
    if data.get("exp", 0) <= now:
        session.pop("imp", None)
        g.impersonation_ended = True
        return None
    return Impersonation(
        tenant_id=data["tid"],
        admin_user_id=data.get("uid"),
        admin_label=data.get("label", ""),
        token_id=data["jti"],
        ends_at=datetime.fromtimestamp(data["exp"], UTC),
    )


def in_store() -> tuple[Principal, str]:
    """Return the signed-in person and their store's id, for a view behind ``require`` (which ensured both)."""
    principal = current_principal()
    if principal is None or principal.tenant_id is None:
        raise Forbidden("Choose a store first.", code="no_store")
    return principal, principal.tenant_id


def signed_in() -> Principal:
    """Return the signed-in person, for a view behind ``require(store=False)``."""
    principal = current_principal()
    if principal is None:
        raise Forbidden("Sign in first.", code="signed_out")
    return principal


def _bind_request(principal: Principal) -> None:
    # The audit trail and the dates on the page follow the signed-in person and their store.
    label = principal.impersonation.admin_label if principal.impersonation else f"user {principal.user_id}"
    g.actor = Actor(user_id=principal.user_id, label=label, impersonated=principal.impersonation is not None)
    g.timezone = principal.tenant_timezone if principal.tenant_id else None


def sign_in(account: Account, tenant_id: str | None = None) -> None:
    """Start a fresh session for ``account`` (keeping only the language), optionally in a store."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    session.permanent = True
    session["uid"] = account.id
    # Only a fingerprint of the password hash: the cookie never holds the hash itself.
    session["pw"] = account.password_mark
    session["gen"] = account.session_generation
    session["seen"] = int(time.time())
    session[LANGUAGE_KEY] = language or account.language
    if tenant_id:
        session["tid"] = tenant_id
    g.pop("principal", None)


def renew_session(password_mark: str, session_generation: int) -> None:
    """Keep this session valid after its person changed the password (which ends all the others)."""
    session["pw"] = password_mark
    session["gen"] = session_generation
    g.pop("principal", None)


def choose_store(tenant_id: str) -> None:
    """Make ``tenant_id`` the store this session works in (the caller checked the membership)."""
    session["tid"] = tenant_id
    g.pop("principal", None)


def sign_out() -> None:
    """Forget the session in this browser, keeping only the language choice (``end_every_session``
    is what ends it on the server, for a copy of the cookie too)."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    g.pop("principal", None)


def start_impersonation(tenant_id: str, admin_user_id: str | None, admin_label: str, token_id: str) -> datetime:
    """Let the signed-in operator act as an OWNER of ``tenant_id`` in /panel for 15 minutes; return the end."""
    ends = int(time.time()) + IMPERSONATION_SECONDS
    session["imp"] = {"tid": tenant_id, "uid": admin_user_id, "label": admin_label, "jti": token_id, "exp": ends}
    g.pop("principal", None)
    return datetime.fromtimestamp(ends, UTC)


def end_impersonation() -> Impersonation | None:
    """Stop impersonating; return what ended (None when nothing was going on)."""
    principal = current_principal()
    session.pop("imp", None)
    g.pop("principal", None)
    return principal.impersonation if principal else None


def require(permission: str | None = None, *, login: str = "panel.login", store: bool = True) -> Callable[[F], F]:
    """Decorate a view: signed in (else the ``login`` page), in a store when ``store`` (else the store
    picker), and holding ``permission`` (else the 403 page). /admin views pass ``store=False``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refusal = check_access(permission, login=login, store=store)
            return refusal if refusal is not None else view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def check_access(permission: str | None, *, login: str, store: bool) -> Response | None:
    """Return the redirect a request needs before it may go on, None when it may; raise 403 when refused."""
    principal = current_principal()
    if principal is None:
        return _go_to(url_for(login, next=_here()))
    if store and principal.tenant_id is None:
        return _go_to(url_for("panel.stores", next=_here()))
    if permission is not None and not principal.can(permission):
        raise Forbidden("Your role does not allow this page.", code="forbidden")
    return None


def _here() -> str:
    return request.full_path.rstrip("?") if request.method == "GET" else ""


def _go_to(location: str) -> Response:
    # htmx follows HX-Redirect with a full page load instead of swapping a login form into a fragment.
    if request.headers.get("HX-Request"):
        response = Response(status=401)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` when it is a path on this site (never another host), else ``default``."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
