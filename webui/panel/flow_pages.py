"""The Flow page: versions of the bot's conversation, publishing, rollback, the JSON editor and its preview."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.core.flows.validation import explain_flow
from appliance.errors import Conflict, Invalid
from appliance.flows import versions as flows
from appliance.infra.runtime import Runtime, current_runtime
from webui.panel.blueprint import panel, panel_nav
from webui.panel.config_forms import FORM_PROBLEMS
from webui.panel.flow_editor_pages import gist
from webui.panel.flow_problems import LANGUAGE_NAMES, say
from webui.ui.auth import in_store, require

panel_nav.add("panel.flow", _l("Flow"), permission="flows.write", order=40)

STATE_LABELS = {"draft": _l("Draft"), "published": _l("Live"), "archived": _l("Archived")}


@panel.get("/flow")
@require("flows.write")
def flow() -> str:
    """List every version with who created and published it, and what can be done with each."""
    rows = flows.flow_versions(current_runtime(), in_store()[1])
    live = next((r for r in rows if r.state == "published"), None)
    return render_template("panel/flow.html", rows=rows, live=live, state_labels=STATE_LABELS)


@panel.route("/flow/edit", methods=["GET", "POST"])
@require("flows.write")
def flow_edit() -> Response | tuple[str, int] | str:
    """Edit the flow as JSON: load a version, save the text as a new draft, or show every problem."""
    if request.method == "POST":
        return _save_draft()
    source = flows.version_to_edit(current_runtime(), in_store()[1], request.args.get("from", type=int))
    text = json.dumps(source.document, indent=2, ensure_ascii=False) if source else "{}"
    return render_template("panel/flow_edit.html", text=text, loaded=source, problems=[], state_labels=STATE_LABELS)


def _save_draft() -> Response | tuple[str, int]:
    text = request.form.get("document", "")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = _("line %(line)s, column %(column)s", line=exc.lineno, column=exc.colno)
        problems = [{"path": where, "message": _("This is not valid JSON: %(reason)s.", reason=exc.msg)}]
        return _editor_with_problems(text, problems)
    try:
        version = flows.save_draft(current_runtime(), in_store()[1], document, in_store()[0].user_id).version
    except Invalid:
        # Said in the staff member's language, each still with its path in the document.
        problems = [{"path": p["path"], "message": say(p)} for p in explain_flow(document)[1]]
        return _editor_with_problems(text, problems)
    flash(
        _("Saved as draft version %(version)s. Try it on the right, then publish it from the list.", version=version),
        "success",
    )
    return redirect(url_for("panel.flow_edit", **{"from": version}))


def _editor_with_problems(text: str, problems: list[dict[str, str]]) -> tuple[str, int]:
    page = render_template("panel/flow_edit.html", text=text, loaded=None, problems=problems, state_labels=STATE_LABELS)
    return page, FORM_PROBLEMS


@panel.get("/flow/<int:version>/publish")
@require("flows.write")
def flow_publish_review(version: int) -> str:
    """Show what publishing ``version`` changes in texts and paths, and ask to confirm."""
    target, live, diff = flows.changes_to_publish(current_runtime(), in_store()[1], version)
    gists = {b.get("id"): gist(b, target.document) for b in target.document.get("blocks", [])}
    page = {"target": target, "live": live, "diff": diff, "gists": gists, "language_names": LANGUAGE_NAMES}
    return render_template("panel/flow_publish.html", **page)


@panel.post("/flow/<int:version>/publish")
@require("flows.write")
def flow_publish(version: int) -> Response:
    """Make a version the one new conversations use."""
    done = _("Version %(version)s is live: new conversations use it.", version=version)
    return _act(lambda rt: flows.publish_version(rt, in_store()[1], version, in_store()[0].user_id), done, "success")


@panel.post("/flow/<int:version>/unpublish")
@require("flows.write")
def flow_unpublish(version: int) -> Response:
    """Take the live version offline (new visitors are told the chat is closed)."""
    done = _(
        "Version %(version)s is offline. The chat is closed to new visitors until you publish a version.",
        version=version,
    )
    return _act(lambda rt: flows.unpublish_version(rt, in_store()[1], version), done, "warning")


@panel.post("/flow/rollback")
@require("flows.write")
def flow_rollback() -> Response:
    """Bring back a version that was live before, in one click."""
    version = request.form.get("to_version", type=int)
    if version is None:
        flash(_("Choose the version to bring back."), "error")
        return redirect(url_for("panel.flow"))
    done = _("Version %(version)s is live again.", version=version)
    return _act(lambda rt: flows.roll_back(rt, in_store()[1], version, in_store()[0].user_id), done, "success")


def _act(change: Callable[[Runtime], object], done: str, category: str) -> Response:
    """Run one change of the flow's versions and say how it went on the list page."""
    try:
        change(current_runtime())
    except Conflict as exc:
        refusals = {
            "not_published": _("That version is not live, so it cannot be taken offline."),
            "never_published": _("That version was never live; publish it instead."),
        }
        flash(refusals.get(exc.code, exc.message), "error")
    else:
        flash(done, category)
    return redirect(url_for("panel.flow"))
