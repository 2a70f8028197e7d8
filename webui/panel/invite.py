"""Accepting an invitation: the invited person sets a password and is signed in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from appliance.accounts.invitations import read_invitation_token
from appliance.errors import AppError
from appliance.infra.audit import Actor, record
from appliance.infra.db import User
from appliance.infra.runtime import current_runtime
from appliance.security.passwords import MIN_PASSWORD_LENGTH, hash_password
from webui.panel.blueprint import finish_sign_in, panel
from webui.ui.account import password_problem
from webui.ui.area import error_page
from webui.ui.auth import sign_in


def _invitation_problem(code: str) -> tuple[str, int]:
    if code == "invitation_expired":
        return error_page(400, _("This invitation has expired"), _("Ask the store's owner to invite you again."))
    return error_page(400, _("This invitation link is not valid"), _("Check that you copied the whole link."))


@panel.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Response | tuple[str, int] | str:
    """Show the set-a-password form of an invitation, and accept it."""
    rt = current_runtime()
    try:
        user_id = read_invitation_token(rt.settings.secret_key or "", token)
    except AppError as exc:
        return _invitation_problem(exc.code)
    with rt.transaction() as db:
        user = db.get(User, user_id)
        if user is None or not user.is_active:
            return _invitation_problem("invitation_invalid")
        if user.password_hash:
            flash(_("This invitation was already accepted. Sign in with your password."), "info")
            return redirect("/panel/login")
        if request.method == "GET":
            return render_template("panel/invite.html", email=user.email, min_length=MIN_PASSWORD_LENGTH)
        problem = password_problem(request.form.get("password", ""), request.form.get("repeat_password", ""))
        if problem:
            page = render_template("panel/invite.html", email=user.email, min_length=MIN_PASSWORD_LENGTH, error=problem)
            return page, 400
        user.password_hash = hash_password(request.form["password"])
        record(
            db,
            "user.invitation_accepted",
            tenant_id=None,
            target_type="user",
            target_id=user.id,
            actor=Actor(user_id=user.id, label=f"user {user.id}"),
        )
        sign_in(user)
        target = finish_sign_in(db, user, None)
    flash(_("Welcome! Your password is set."), "success")
    return redirect(target)
