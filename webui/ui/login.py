"""Signing in to a panel: e-mail and password, then the second factor (or its forced set-up), and signing out.

Both panels add the same routes with ``add_login_routes``; they differ only in whether the account
must have two-factor and where a complete sign-in leads (``SignInArea``). The work is done by
``appliance.accounts``; these views only carry the person between the steps. Between the password
and the code the session holds a short-lived "pending" record, never a signed-in user."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from appliance.accounts import second_factor
from appliance.accounts.login import LoginOutcome, check_password, check_second_factor, complete
from appliance.infra.db import User, utcnow
from appliance.infra.runtime import current_runtime
from webui.ui.auth import sign_in, sign_out

PENDING_SECONDS = 10 * 60


@dataclass(frozen=True)
class SignInArea:
    """How one panel signs people in: ``must_have_second_factor(db, email)`` forces two-factor set-up;
    ``finish(db, user, next)`` returns where a signed-in person goes (it may sign them out and refuse)."""

    name: str
    must_have_second_factor: Callable[[Session, str], bool]
    finish: Callable[[Session, User, str | None], str]


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
        with current_runtime().transaction() as db:
            forced = bool(email) and self.area.must_have_second_factor(db, email)
            outcome = check_password(db, email, password, require_second_factor=forced)
            if outcome.status == "ok":
                return redirect(self._finish(db, outcome, next_url))
        if outcome.status in {"second_factor", "setup_second_factor"}:
            step = "code" if outcome.status == "second_factor" else "setup"
            session["pending"] = {"uid": outcome.user_id, "step": step, "at": int(time.time()), "next": next_url}
            return redirect(url_for(self._endpoint("login_code" if step == "code" else "login_setup")))
        return self._refuse(outcome, email, next_url)

    def _refuse(self, outcome: LoginOutcome, email: str, next_url: str | None) -> tuple[str, int]:
        if outcome.status == "locked":
            error, status = locked_message(outcome.locked_until), 423
        else:
            error, status = _("That e-mail and password do not match an account."), 401
        page = render_template("ui/login.html", email=email, next=next_url or "", error=error)
        return page, status

    def _finish(self, db: Session, outcome: LoginOutcome, next_url: str | None) -> str:
        user = db.get(User, outcome.user_id)
        assert user is not None  # the outcome came from this user's row
        sign_in(user)
        return self.area.finish(db, user, next_url)

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
        with current_runtime().transaction() as db:
            outcome = check_second_factor(db, pending["uid"], request.form.get("code", ""))
            if outcome.status == "ok":
                return redirect(self._finish(db, outcome, pending.get("next")))
        if outcome.status == "locked":
            session.pop("pending", None)
            return render_template("ui/login.html", email="", next="", error=locked_message(outcome.locked_until)), 423
        return render_template("ui/login_code.html", error=_("That code is not right. Try the newest one.")), 401

    def setup(self) -> Response | tuple[str, int] | str:
        pending = self._pending("setup")
        if pending is None:
            flash(_("Please sign in again."), "warning")
            return redirect(url_for(self._endpoint("login")))
        with current_runtime().transaction() as db:
            user = db.get(User, pending["uid"])
            if user is None:
                return redirect(url_for(self._endpoint("login")))
            if request.method == "GET":
                secret, uri = start_or_resume_setup(user)
                return render_template("ui/login_setup.html", secret=secret, uri=uri)
            codes = second_factor.confirm(user, request.form.get("code", ""), utcnow())
            if codes is None:
                secret, uri = start_or_resume_setup(user)
                error = _("That code is not right. Check the phone's clock and try the newest code.")
                return render_template("ui/login_setup.html", secret=secret, uri=uri, error=error), 400
            outcome = complete(db, user, utcnow())
            target = self._finish(db, outcome, pending.get("next"))
        return render_template("ui/recovery_codes.html", codes=codes, continue_url=target)

    def logout(self) -> Response:
        sign_out()
        flash(_("You have signed out."), "success")
        return redirect(url_for(self._endpoint("login")))


def start_or_resume_setup(user: User) -> tuple[str, str]:
    """Return the secret and otpauth:// URI of an unfinished set-up, starting one when there is none."""
    if user.totp_secret and user.totp_confirmed_at is None:
        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=second_factor.ISSUER)
        return user.totp_secret, uri
    return second_factor.begin(user)
