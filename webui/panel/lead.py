"""One lead: what they want, the score in words, the conversation, photos, appointments, follow-up, GDPR."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from appliance.core.kinds import LEAD_STATUSES
from appliance.errors import Conflict, Invalid
from appliance.infra.runtime import current_runtime
from appliance.leads.detail import NOTES_MAX, edit_lead, lead_record
from appliance.leads.photos import lead_file
from appliance.leads.summary import render_summary_pdf
from appliance.privacy.erase import erase_subject
from appliance.privacy.export import export_subject
from appliance.web.files import file_response
from webui.panel.blueprint import panel
from webui.panel.present import facts, score_in_words, word
from webui.ui.auth import in_store, require

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


@panel.get("/leads/<lead_id>")
@require("leads.read")
def lead(lead_id: str, contact_problems: list[str] | None = None) -> str:
    """Show everything about one lead (with what was wrong in a contact correction, if any)."""
    _principal, tenant_id = in_store()
    lang = str(get_locale())
    record = lead_record(current_runtime(), tenant_id, lead_id, lang)
    found, transcript = record["lead"], record["transcript"]
    context: dict[str, Any] = {
        "lead": found,
        "transcript": transcript,
        "photos": [a for m in transcript for a in m["attachments"] if a["content_type"] in IMAGE_TYPES],
        "appointments": record["appointments"],
        "services": record["services"],
        "score_rows": score_in_words(record["weights"], found, lang),
        "facts": facts(found["fields"], lang),
        "team": record["team"],
    }
    statuses = [(s, word("status", s, lang)) for s in LEAD_STATUSES]
    return render_template(
        "panel/lead.html", statuses=statuses, notes_max=NOTES_MAX, contact_problems=contact_problems or [], **context
    )


@panel.post("/leads/<lead_id>")
@require("leads.write")
def lead_update(lead_id: str) -> Response:
    """Change the lead's status, assignee and notes (the service audits what changed)."""
    tenant_id = in_store()[1]
    changes: dict[str, Any] = {
        "status": request.form.get("status", ""),
        "assignee_id": request.form.get("assignee_id") or None,
    }
    if "notes" in request.form:
        changes["notes"] = request.form["notes"].strip() or None
    try:
        edit_lead(current_runtime(), tenant_id, lead_id, changes)
    except (Invalid, Conflict):
        flash(_("The lead was not changed: check the status, the person assigned and the notes."), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("panel.lead", lead_id=lead_id))


CONTACT_PROBLEMS = {
    "contact.email": lambda: _("That e-mail address is not valid."),
    "contact.phone": lambda: _("That phone number is not valid."),
}


@panel.post("/leads/<lead_id>/contact")
@require("leads.write")
def lead_contact(lead_id: str) -> Response | tuple[str, int]:
    """Correct the lead's name, e-mail, phone and address (the service audits it and scores again)."""
    tenant_id = in_store()[1]
    given = {key: request.form.get(key, "") for key in ("name", "email", "phone", "address")}
    try:
        edit_lead(current_runtime(), tenant_id, lead_id, {"contact": given})
    except Invalid as exc:
        paths = [p.get("path") for p in exc.details.get("problems", [])]
        problems = [CONTACT_PROBLEMS[p]() for p in paths if p in CONTACT_PROBLEMS]
        return lead(lead_id, problems or [_("The contact was not changed.")]), 422
    except Conflict:
        flash(_("This person's data was erased; their contact cannot be set again."), "error")
    else:
        flash(_("The contact was corrected."), "success")
    return redirect(url_for("panel.lead", lead_id=lead_id))


@panel.get("/leads/<lead_id>/files/<file_id>")
@require("leads.read")
def lead_photo(lead_id: str, file_id: str) -> Response:
    """Send a file of the lead's conversation, decrypted (images inline, plans downloaded by name);
    ``?size=thumb`` sends an image's thumbnail."""
    thumbnail = request.args.get("size") == "thumb"
    data, content_type, name = lead_file(current_runtime(), in_store()[1], lead_id, file_id, thumbnail)
    return file_response(data, content_type, name)


@panel.get("/leads/<lead_id>/summary.pdf")
@require("leads.export")
def lead_summary(lead_id: str) -> Response:
    """Download the lead's branded PDF summary in the panel's language."""
    pdf = render_summary_pdf(current_runtime(), in_store()[1], lead_id, str(get_locale()))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{lead_id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@panel.get("/leads/<lead_id>/export.json")
@require("privacy.export")
def lead_export(lead_id: str) -> Response:
    """Download everything stored about the person as JSON (GDPR access; the service audits it)."""
    document = export_subject(current_runtime(), in_store()[1], lead_id)
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{lead_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@panel.post("/leads/<lead_id>/erase")
@require("privacy.erase")
def lead_erase(lead_id: str) -> Response:
    """Erase the person everywhere (GDPR erasure), after the confirmation dialog."""
    if request.form.get("confirm") != "erase":
        flash(_("Nothing was erased: confirm in the dialog first."), "warning")
        return redirect(url_for("panel.lead", lead_id=lead_id))
    erase_subject(current_runtime(), in_store()[1], lead_id)
    flash(_("The person's data was erased. The anonymous numbers stay in the statistics."), "success")
    return redirect(url_for("panel.lead", lead_id=lead_id))
