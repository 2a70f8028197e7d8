"""A person's own account: password, two-factor on and off, language. Both panels add these routes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.accounts import own_account
from appliance.accounts.own_account import PasswordProblem
from appliance.accounts.people import end_every_session
from appliance.infra.runtime import current_runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH
from webui.ui.auth import renew_session, require, sign_out, signed_in


def add_account_routes(bp: Blueprint, *, login: str, store: bool) -> None:
    """Add /account and its forms to ``bp`` (``login`` and ``store`` as for ``require``)."""
    guard = require(None, login=login, store=store)
    bp.add_url_rule("/account", "account", guard(account), methods=["GET"])
    bp.add_url_rule("/account/password", "account_password", guard(change_password), methods=["POST"])
    bp.add_url_rule(
        "/account/sign-out-everywhere", "account_sign_out_everywhere", guard(sign_out_everywhere), methods=["POST"]
    )
    bp.add_url_rule("/account/two-factor", "account_two_factor", guard(two_factor_setup), methods=["POST"])
    bp.add_url_rule(
        "/account/two-factor/confirm", "account_two_factor_confirm", guard(two_factor_confirm), methods=["POST"]
    )
    bp.add_url_rule(
        "/account/two-factor/disable", "account_two_factor_disable", guard(two_factor_disable), methods=["POST"]
    )


def _back() -> Response:
    return redirect(url_for(f"{request.blueprint}.account"))


def account() -> str:
    """Show the account page."""
    settings = own_account.account_settings(current_runtime(), signed_in().user_id)
    return render_template(
        "ui/account.html",
        user=settings,
        two_factor=settings.two_factor,
        recovery_left=settings.recovery_left,
        min_length=MIN_PASSWORD_LENGTH,
    )


def password_problem_words(problem: PasswordProblem) -> str:
    """Say in the page's language why a password was refused."""
    if problem == "wrong_password":
        return _("The current password is not right.")
    if problem == "too_short":
        return _("The new password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    return _("The two new passwords are different.")


def change_password() -> Response:
    """Change the password after checking the current one."""
    form = request.form
    changed = own_account.change_password(
        current_runtime(),
        signed_in().user_id,
        form.get("current_password", ""),
        form.get("new_password", ""),
        form.get("repeat_password", ""),
    )
    if changed.problem:
        flash(password_problem_words(changed.problem), "error")
        return _back()
    renew_session(changed.password_mark, changed.session_generation)  # this session stays; the others end
    flash(_("Your password has been changed."), "success")
    return _back()


def sign_out_everywhere() -> Response:
    """End every session of the person, this one and those on other devices, and go to the sign-in page."""
    end_every_session(current_runtime(), signed_in().user_id, why="sign_out_everywhere")
    sign_out()
    flash(_("You have signed out on every device."), "success")
    return redirect(url_for(f"{request.blueprint}.login"))


def two_factor_setup() -> str:
    """Start turning two-factor on: show the secret to add to an authenticator app."""
    started = own_account.start_two_factor(current_runtime(), signed_in().user_id)
    return render_template("ui/two_factor_setup.html", secret=started.secret, uri=started.uri)


def two_factor_confirm() -> Response | tuple[str, int] | str:
    """Finish turning two-factor on with a first code; show the recovery codes once."""
    confirmed = own_account.confirm_two_factor(current_runtime(), signed_in().user_id, request.form.get("code", ""))
    if confirmed.again is not None:
        error = _("That code is not right. Check the phone's clock and try the newest code.")
        page = render_template(
            "ui/two_factor_setup.html", secret=confirmed.again.secret, uri=confirmed.again.uri, error=error
        )
        return page, 400
    return render_template(
        "ui/recovery_codes.html", codes=confirmed.codes, continue_url=url_for(f"{request.blueprint}.account")
    )


def two_factor_disable() -> Response:
    """Turn two-factor off (the password is asked again, since this weakens the account)."""
    if not own_account.disable_two_factor(current_runtime(), signed_in().user_id, request.form.get("password", "")):
        flash(_("The password is not right; two-factor is still on."), "error")
        return _back()
    flash(_("Two-factor sign-in is off."), "success")
    return _back()
