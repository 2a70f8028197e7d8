"""A person's own account: password, two-factor on and off, language. Both panels add these routes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from appliance.accounts import second_factor
from appliance.errors import NotFound
from appliance.infra.audit import record
from appliance.infra.db import User, utcnow
from appliance.infra.runtime import current_runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from webui.ui.auth import password_mark, require, signed_in
from webui.ui.login import start_or_resume_setup


def add_account_routes(bp: Blueprint, *, login: str, store: bool) -> None:
    """Add /account and its forms to ``bp`` (``login`` and ``store`` as for ``require``)."""
    guard = require(None, login=login, store=store)
    bp.add_url_rule("/account", "account", guard(account), methods=["GET"])
    bp.add_url_rule("/account/password", "account_password", guard(change_password), methods=["POST"])
    bp.add_url_rule("/account/two-factor", "account_two_factor", guard(two_factor_setup), methods=["POST"])
    bp.add_url_rule(
        "/account/two-factor/confirm", "account_two_factor_confirm", guard(two_factor_confirm), methods=["POST"]
    )
    bp.add_url_rule(
        "/account/two-factor/disable", "account_two_factor_disable", guard(two_factor_disable), methods=["POST"]
    )


def _me(db: Session) -> User:
    user = db.get(User, signed_in().user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    return user


def _back() -> Response:
    return redirect(url_for(f"{request.blueprint}.account"))


def account() -> str:
    """Show the account page."""
    with current_runtime().sessions() as db:
        user = _me(db)
        return render_template(
            "ui/account.html",
            user=user,
            two_factor=second_factor.enabled(user),
            recovery_left=len(user.recovery_codes or []),
            min_length=MIN_PASSWORD_LENGTH,
        )


def password_problem(new: str, repeat: str) -> str | None:
    """Return why a new password is refused, or None."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return _("The new password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if new != repeat:
        return _("The two new passwords are different.")
    return None


def change_password() -> Response:
    """Change the password after checking the current one."""
    new, repeat = request.form.get("new_password", ""), request.form.get("repeat_password", "")
    with current_runtime().transaction() as db:
        user = _me(db)
        if not verify_password(user.password_hash, request.form.get("current_password", "")):
            flash(_("The current password is not right."), "error")
            return _back()
        problem = password_problem(new, repeat)
        if problem:
            flash(problem, "error")
            return _back()
        user.password_hash = hash_password(new)
        record(db, "user.password_changed", tenant_id=None, target_type="user", target_id=user.id)
        session["pw"] = password_mark(user)  # this session stays; the others end
    flash(_("Your password has been changed."), "success")
    return _back()


def two_factor_setup() -> str:
    """Start turning two-factor on: show the secret to add to an authenticator app."""
    with current_runtime().transaction() as db:
        secret, uri = start_or_resume_setup(_me(db))
    return render_template("ui/two_factor_setup.html", secret=secret, uri=uri)


def two_factor_confirm() -> Response | tuple[str, int] | str:
    """Finish turning two-factor on with a first code; show the recovery codes once."""
    with current_runtime().transaction() as db:
        user = _me(db)
        codes = second_factor.confirm(user, request.form.get("code", ""), utcnow())
        if codes is None:
            secret, uri = start_or_resume_setup(user)
            error = _("That code is not right. Check the phone's clock and try the newest code.")
            return render_template("ui/two_factor_setup.html", secret=secret, uri=uri, error=error), 400
        record(db, "user.two_factor_enabled", tenant_id=None, target_type="user", target_id=user.id)
    return render_template("ui/recovery_codes.html", codes=codes, continue_url=url_for(f"{request.blueprint}.account"))


def two_factor_disable() -> Response:
    """Turn two-factor off (the password is asked again, since this weakens the account)."""
    with current_runtime().transaction() as db:
        user = _me(db)
        if not verify_password(user.password_hash, request.form.get("password", "")):
            flash(_("The password is not right; two-factor is still on."), "error")
            return _back()
        second_factor.disable(user)
        record(db, "user.two_factor_disabled", tenant_id=None, target_type="user", target_id=user.id)
    flash(_("Two-factor sign-in is off."), "success")
    return _back()
