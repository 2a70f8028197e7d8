"""Signing in to a panel: e-mail and password, then the second factor (or its forced set-up), and signing out.

Both panels add the same routes with ``add_login_routes``; they differ only in whether the account
must have two-factor and where a complete sign-in leads (``SignInArea``). The work is done by
``appliance.accounts``; these views only carry the person between the steps. Signing out ends every
session of the person on the server (see ``webui.ui.auth``), so a copied cookie stops working too. Between the password
and the code the session holds a short-lived "pending" record, never a signed-in user."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.accounts.login import LoginOutcome
from appliance.accounts.people import Account, end_every_session
from appliance.accounts.signing_in import (
    finish_forced_setup,
    forced_setup,
    sign_in_with_code,
    sign_in_with_password,
)
from appliance.core.moments import utcnow
from appliance.infra.runtime import current_runtime
from webui.ui.auth import current_principal, sign_in, sign_out

PENDING_SECONDS = 10 * 60


@dataclass(frozen=True)
class SignInArea:
    """How one panel signs people in: ``must_have_second_factor(email)`` forces two-factor set-up;
    ``finish(account, next)`` returns where a signed-in person goes (it may sign them out and refuse)."""

    name: str
    must_have_second_factor: Callable[[str], bool]
    finish: Callable[[Account, str | None], str]


def add_login_routes(bp: Blueprint, area: SignInArea) -> None:
    """Add /login, /login/code, /login/setup and /logout (POST) to ``bp``."""
    views = _Views(area)
    bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
    bp.add_url_rule("/login/code", "login_code", views.code, methods=["GET", "POST"])
    bp.add_url_rule("/login/setup", "login_setup", views.setup, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])


def locked_message(locked_until: Any) -> str:
    """Say that the account is locked and until when (in the store's or Madrid's time)."""
    minutes = max(1, round((locked_until - utcnow()).total_seconds() / 60))
    return _(
        "Too many failed attempts: this account is locked for %(minutes)s minutes, until %(time)s. "
        "Try again then, or ask the store's owner.",
        minutes=minutes,
        time=format_time(locked_until, "HH:mm"),
    )


def _client_address() -> str:
    """Return the client's address: the socket peer, or what the trusted proxies say (appliance.web.proxy)."""
    return request.remote_addr or ""


class _Views:
    def __init__(self, area: SignInArea) -> None:
        self.area = area

    def _endpoint(self, name: str) -> str:
        return f"{self.area.name}.{name}"

    def login(self) -> Response | tuple[str, int] | str:
        if request.method == "GET":
            return render_template("ui/login.html", email="", next=request.args.get("next", ""))
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        next_url = request.form.get("next") or None
        forced = bool(email) and self.area.must_have_second_factor(email)
        tried = sign_in_with_password(
            current_runtime(), email, password, address=_client_address(), require_second_factor=forced
        )
        outcome = tried.outcome
        if tried.account is not None:
            return redirect(self._finish(tried.account, next_url))
        if outcome.status in {"second_factor", "setup_second_factor"}:
            step = "code" if outcome.status == "second_factor" else "setup"
            session["pending"] = {"uid": outcome.user_id, "step": step, "at": int(time.time()), "next": next_url}
            return redirect(url_for(self._endpoint("login_code" if step == "code" else "login_setup")))
        return self._refuse(outcome, email, next_url)

    def _refuse(self, outcome: LoginOutcome, email: str, next_url: str | None) -> tuple[str, int]:
        # Locks are kept for unknown e-mails too, so "locked" tells nobody that the account exists.
        if outcome.status == "locked":
            error, status = locked_message(outcome.locked_until), 423
        else:
            error, status = _("That e-mail and password do not match an account."), 401
        page = render_template("ui/login.html", email=email, next=next_url or "", error=error)
        return page, status

    def _finish(self, account: Account, next_url: str | None) -> str:
        sign_in(account)
        return self.area.finish(account, next_url)

    def _pending(self, step: str) -> dict[str, Any] | None:
        pending = session.get("pending")
        if not pending or pending.get("step") != step or time.time() - pending.get("at", 0) > PENDING_SECONDS:
            return None
        return pending

    def code(self) -> Response | tuple[str, int] | str:
        pending = self._pending("code")
        if pending is None:
            flash(_("Please sign in again."), "warning")
            return redirect(url_for(self._endpoint("login")))
        if request.method == "GET":
            return render_template("ui/login_code.html")
        tried = sign_in_with_code(
            current_runtime(), pending["uid"], request.form.get("code", ""), address=_client_address()
        )
        outcome = tried.outcome
        if tried.account is not None:
            return redirect(self._finish(tried.account, pending.get("next")))
        if outcome.status == "locked":
            session.pop("pending", None)
            return render_template("ui/login.html", email="", next="", error=locked_message(outcome.locked_until)), 423
        return render_template("ui/login_code.html", error=_("That code is not right. Try the newest one.")), 401

    def setup(self) -> Response | tuple[str, int] | str:
        pending = self._pending("setup")
        if pending is None:
            flash(_("Please sign in again."), "warning")
            return redirect(url_for(self._endpoint("login")))
        if request.method == "GET":
            started = forced_setup(current_runtime(), pending["uid"])
            if started is None:
                return redirect(url_for(self._endpoint("login")))
            return render_template("ui/login_setup.html", secret=started.secret, uri=started.uri)
        finished = finish_forced_setup(
            current_runtime(), pending["uid"], request.form.get("code", ""), address=_client_address()
        )
        if finished is None:
            return redirect(url_for(self._endpoint("login")))
        if finished.again is not None:
            error = _("That code is not right. Check the phone's clock and try the newest code.")
            page = render_template(
                "ui/login_setup.html", secret=finished.again.secret, uri=finished.again.uri, error=error
            )
            return page, 400
        assert finished.account is not None  # a proved set-up signs the person in
        target = self._finish(finished.account, pending.get("next"))
        return render_template("ui/recovery_codes.html", codes=finished.codes, continue_url=target)

    def logout(self) -> Response:
        # Forgetting the cookie in this browser is not enough: a copy of it would still work. Without a
        # server-side record of each session, ending this one means ending all of the person's, which
        # the message says.
        principal = current_principal()
        if principal is not None:
            end_every_session(current_runtime(), principal.user_id, why="sign_out")
        sign_out()
        flash(_("You have signed out, here and on your other devices."), "success")
        return redirect(url_for(self._endpoint("login")))
