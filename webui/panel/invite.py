"""Accepting an invitation: the invited person sets a password and is signed in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.accounts.acceptance import Invitation, accept_invitation, read_invitation
from appliance.errors import AppError
from appliance.infra.runtime import current_runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH
from webui.panel.blueprint import finish_sign_in, panel
from webui.ui.account import password_problem_words
from webui.ui.area import error_page
from webui.ui.auth import sign_in


def _invitation_problem(code: str) -> tuple[str, int]:
    if code == "invitation_expired":
        return error_page(400, _("This invitation has expired"), _("Ask the store's owner to invite you again."))
    return error_page(400, _("This invitation link is not valid"), _("Check that you copied the whole link."))


def _found(token: str) -> Invitation:
    """Read the invitation (GET) or accept it with the typed password (POST)."""
    rt = current_runtime()
    if request.method == "GET":
        return read_invitation(rt, token)
    form = request.form
    return accept_invitation(rt, token, form.get("password", ""), form.get("repeat_password", ""))


@panel.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Response | tuple[str, int] | str:
    """Show the set-a-password form of an invitation, and accept it."""
    try:
        found = _found(token)
    except AppError as exc:
        return _invitation_problem(exc.code)
    if found.state == "invalid":
        return _invitation_problem("invitation_invalid")
    if found.account is not None:
        sign_in(found.account)
        target = finish_sign_in(found.account, None)
        flash(_("Welcome! Your password is set."), "success")
        return redirect(target)
    if found.state == "accepted":
        flash(_("This invitation was already accepted. Sign in with your password."), "info")
        return redirect("/panel/login")
    if found.problem is None:
        return render_template("panel/invite.html", email=found.email, min_length=MIN_PASSWORD_LENGTH)
    error = password_problem_words(found.problem)
    return render_template("panel/invite.html", email=found.email, min_length=MIN_PASSWORD_LENGTH, error=error), 400
