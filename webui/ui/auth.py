"""Who is using a panel: the signed-in person, the store they work in, and what they may do.

Flask's signed cookie session holds, per panel (``panel`` and ``admin`` side by side, so signing
in to one never signs the browser out of the other), only ids (``uid``, ``tid``), the last activity
time and what lets the server take it back: the password's fingerprint (``pw``) and the person's
session generation (``gen``) at sign-in; the language is shared. The person, the role and the store are read from
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
from appliance.infra.store_scope import work_for_store
from appliance.security.impersonation import LIFETIME_SECONDS as IMPERSONATION_SECONDS
from appliance.security.permissions import allowed
from webui.ui.i18n import SESSION_KEY as LANGUAGE_KEY

IDLE_SECONDS = 12 * 3600
# Rewriting the cookie on every request is needless; a minute's precision is enough for a 12 h timeout.
SEEN_GRANULARITY = 60

F = TypeVar("F", bound=Callable[..., Any])
AREAS = ("panel", "admin")


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


def current_area() -> str:
    """Return which panel this request belongs to: ``admin`` for /admin, else ``panel``."""
    if request.blueprint == "admin" or request.path.startswith("/admin"):
        return "admin"
    if request.blueprint == "ui" and (request.form.get("next") or "").startswith("/admin"):
        return "admin"
    return "panel"


def _slot(area: str | None = None) -> dict[str, Any]:
    """Return a copy of one panel's part of the cookie (write it back with ``_save``)."""
    return dict(session.get(area or current_area()) or {})


def _save(slot: dict[str, Any], area: str | None = None) -> None:
    # Assigning (not mutating) the nested dict is what tells Flask the cookie changed.
    if slot:
        session[area or current_area()] = slot
    else:
        session.pop(area or current_area(), None)


def current_principal() -> Principal | None:
    """Return the signed-in person of this request (cached on ``g``), or None."""
    if "principal" not in g:
        g.principal = _load_principal()
        if g.principal is not None:
            _bind_request(g.principal)
    return g.principal


def _load_principal() -> Principal | None:
    slot = _slot()
    user_id = slot.get("uid")
    if not user_id:
        return None
    now = time.time()
    if now - slot.get("seen", 0) > IDLE_SECONDS:
        sign_out()
        return None
    if now - slot.get("seen", 0) > SEEN_GRANULARITY:
        slot["seen"] = int(now)
        _save(slot)
    chosen = slot.get("tid")
    found = presence(current_runtime(), user_id, impersonating=_impersonated_store(slot, now), chosen=chosen)
    if found is None or not _still_valid(slot, found.account):
        sign_out()
        return None
    account = found.account
    base = Principal(account.id, account.email, account.name, account.language, account.platform_role)
    impersonation = _impersonation(now)
    if found.seat is None:
        # The chosen store is gone, or the person no longer works there.
        if chosen:
            slot.pop("tid", None)
            _save(slot)
        return base
    return _in_store(base, found.seat, impersonation if found.seat.impersonated else None)


def _still_valid(slot: dict[str, Any], account: Account) -> bool:
    # A changed password or a sign-out (here or on another device) ends every other session of the
    # person. A cookie signed before generations existed has none and counts as generation 0.
    return (
        account.is_active
        and slot.get("pw") == account.password_mark
        and slot.get("gen", 0) == account.session_generation
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


def _impersonated_store(slot: dict[str, Any], now: float) -> str | None:
    """Return the store of an impersonation still going on, without ending an expired one."""
    data = slot.get("imp")
    return data["tid"] if data and data.get("exp", 0) > now else None


def _impersonation(now: float) -> Impersonation | None:
    slot = _slot()
    data = slot.get("imp")
    if not data:
        return None
    if data.get("exp", 0) <= now:
        _end_impersonation_slot(slot)
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
    """Start a fresh session of this panel for ``account``, optionally in a store (the other panel's
    session, if any, goes on)."""
    session.permanent = True
    # Only a fingerprint of the password hash: the cookie never holds the hash itself.
    slot = {"uid": account.id, "pw": account.password_mark, "gen": account.session_generation, "seen": int(time.time())}
    if tenant_id:
        slot["tid"] = tenant_id
    _save(slot)
    session.setdefault(LANGUAGE_KEY, account.language)
    session.pop("pending", None)
    g.pop("principal", None)


def renew_session(password_mark: str, session_generation: int) -> None:
    """Keep this session valid after its person changed the password (which ends all the others)."""
    for area in AREAS:
        slot = _slot(area)
        if slot.get("uid") == session.get(current_area(), {}).get("uid"):
            _save({**slot, "pw": password_mark, "gen": session_generation}, area)
    g.pop("principal", None)


def choose_store(tenant_id: str) -> None:
    """Make ``tenant_id`` the store this session works in (the caller checked the membership)."""
    _save({**_slot(), "tid": tenant_id})
    g.pop("principal", None)


def sign_out() -> None:
    """Forget this panel's session in this browser (``end_every_session`` is what ends it on the
    server, for a copy of the cookie too); the language and the other panel's session stay."""
    _save({})
    g.pop("principal", None)


def start_impersonation(tenant_id: str, admin_user_id: str | None, admin_label: str, token_id: str) -> datetime:
    """Let the signed-in operator act as an OWNER of ``tenant_id`` in /panel for 15 minutes; return the end.
    The operator's /admin session becomes this browser's /panel session until the impersonation ends."""
    ends = int(time.time()) + IMPERSONATION_SECONDS
    imp = {"tid": tenant_id, "uid": admin_user_id, "label": admin_label, "jti": token_id, "exp": ends}
    _save({**_slot("admin"), "imp": imp, "tid": tenant_id}, "panel")
    g.pop("principal", None)
    return datetime.fromtimestamp(ends, UTC)


def end_impersonation() -> Impersonation | None:
    """Stop impersonating; return what ended (None when nothing was going on)."""
    principal = current_principal()
    _end_impersonation_slot(_slot())
    g.pop("principal", None)
    return principal.impersonation if principal else None


def _end_impersonation_slot(slot: dict[str, Any]) -> None:
    # The /panel session was the operator's only for the impersonation: it ends with it.
    if slot.pop("imp", None) is not None:
        slot = {}
    _save(slot)


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
    if store and principal.tenant_id is not None:
        # A page of one store works for it alone (row-level security on PostgreSQL). Pages that
        # need no store (the store picker, the account, /admin) span the person's stores or none.
        work_for_store(principal.tenant_id)
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
