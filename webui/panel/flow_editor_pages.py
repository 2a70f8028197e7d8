"""The flow editor for people: the blocks of the flow as a list of forms, saved as a draft version.

The form builds the same document the JSON editor saves and goes through the same service
(appliance.flows.versions.save_draft); a document with problems comes back with each problem
said in the staff member's language beside the field it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from appliance.core.flows.validation import explain_flow
from appliance.core.lead_fields import CONTACT_FIELDS, LEAD_FIELDS
from appliance.errors import Invalid
from appliance.flows import versions as flows
from appliance.infra.runtime import current_runtime
from appliance.tenants.directory import tenant_info
from webui.panel import flow_editor as editor
from webui.panel.blueprint import panel
from webui.panel.config_forms import FORM_PROBLEMS
from webui.panel.flow_problems import LANGUAGE_NAMES, PlacedProblem, place
from webui.ui.auth import in_store, require
from webui.ui.i18n import select_language

KIND_LABELS = {
    "message": _l("Message"),
    "buttons": _l("Question with options"),
    "text": _l("Text question"),
    "name": _l("Name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "number": _l("Number question"),
    "postal_code": _l("Postal code"),
    "date": _l("Appointment"),
    "range": _l("Range (slider)"),
    "media": _l("Photos or plans"),
    "condition": _l("Condition"),
    "end": _l("Ending"),
}
FOLD_AFTER = 6  # blocks shown unfolded; a longer flow starts folded to its outline


@dataclass
class BlockView:
    """One block as its form shows it: the block, its place, and the problems of its fields."""

    index: int
    block: dict[str, Any]
    kind: str
    kept: str
    gist: str = ""  # the block's text, shortened, for the folded card
    open: bool = True
    problems: dict[str, list[str]] = field(default_factory=dict)
    loose: list[str] = field(default_factory=list)  # problems of the block that no field shows

    @property
    def problem_count(self) -> int:
        """Return how many problems the block has."""
        return sum(len(found) for found in self.problems.values()) + len(self.loose)


@panel.route("/flow/editor", methods=["GET", "POST"])
@require("flows.write")
def flow_editor() -> Response | tuple[str, int] | str:
    """Show the flow as a list of block forms (a version, or an empty flow with ``new=1``); on POST
    change the list (add, remove, move) or save it as a new draft."""
    if request.method == "POST":
        return _post()
    rt, tenant_id = current_runtime(), in_store()[1]
    loaded = (
        None if request.args.get("new") else flows.version_to_edit(rt, tenant_id, request.args.get("from", type=int))
    )
    draft = editor.to_draft(loaded.document) if loaded else _empty(tenant_id)
    return _page(draft, loaded=loaded)


def _post() -> Response | tuple[str, int] | str:
    draft = editor.draft_from_form(request.form)
    op = request.form.get("op", "save")
    if op != "save":
        draft, focus = editor.apply(draft, op)
        return _page(draft, focus=focus)
    document = editor.resolve(draft)
    principal, tenant_id = in_store()
    try:
        version = flows.save_draft(current_runtime(), tenant_id, document, principal.user_id).version
    except Invalid:
        # The service says what is wrong in plain words; the core's codes say it in the staff's language.
        problems = place(explain_flow(document)[1])
        return _page(draft, problems=problems), FORM_PROBLEMS
    flash(_("Saved as draft version %(version)s. Try it on the right, then publish it.", version=version), "success")
    return redirect(url_for("panel.flow_editor", **{"from": version}))


def _empty(tenant_id: str) -> dict[str, Any]:
    info = tenant_info(current_runtime(), tenant_id)
    languages = list(info.languages) if info else ["es"]
    return editor.empty_document(languages, info.default_language if info else languages[0])


def _page(
    draft: dict[str, Any], *, loaded: Any = None, focus: str | None = None, problems: list[PlacedProblem] | None = None
) -> str:
    problems = problems or []
    blocks = [_block_view(i, block, draft, problems) for i, block in enumerate(draft["blocks"])]
    shown = {name for i, b in enumerate(draft["blocks"]) for name in _fields(i, b, draft["languages"])}
    anchors = [f"f-{p.field}" if p.field in shown else f"block-{p.block}" for p in problems]
    for view in blocks:
        # A short flow shows every block; a long one folds them, except those that need attention.
        view.open = len(blocks) <= FOLD_AFTER or view.problem_count > 0 or _focused(view.index, focus)
    return render_template(
        "panel/flow_editor.html",
        draft=draft,
        blocks=blocks,
        loaded=loaded,
        focus=focus,
        problems=list(zip(problems, anchors, strict=True)),
        flow_problems={p.field: p.message for p in problems if p.block is None},
        targets=[(b.block.get("id", ""), _target_label(b)) for b in blocks],
        kind_labels=KIND_LABELS,
        palette=list(editor.PALETTE),
        language_names=LANGUAGE_NAMES,
        languages=editor.LANGUAGES,
        variables=[*CONTACT_FIELDS, *LEAD_FIELDS],
        no_next=editor.NO_NEXT,
        number_fields=editor.NUMBER_FIELDS,
        hidden_copy=editor.hidden_copy,
    )


def _focused(index: int, focus: str | None) -> bool:
    return bool(focus) and (focus or "").startswith((f"b{index}.", f"f-b{index}."))


def _block_view(index: int, block: dict[str, Any], draft: dict[str, Any], problems: list[PlacedProblem]) -> BlockView:
    kind = block.get("kind", "text") if block.get("type") == "input" else block.get("type", "message")
    view = BlockView(index, block, kind, editor.hidden_copy(block), gist=gist(block, draft))
    shown = _fields(index, block, draft["languages"])
    for problem in (p for p in problems if p.block == index):
        if problem.field in shown:
            view.problems.setdefault(problem.field, []).append(problem.message)
        else:
            view.loose.append(problem.message)
    return view


def _fields(index: int, block: dict[str, Any], languages: list[str]) -> set[str]:
    """Return the names of the form fields the block's form has (where problems can be shown)."""
    key, kind = f"b{index}", block.get("type")
    names = {f"{key}.id", f"{key}.next"}
    if kind in editor.TEXT_TYPES:
        names |= {f"{key}.text.{lang}" for lang in languages}
    if kind in editor.QUESTION_TYPES:
        names |= {f"{key}.variable", f"{key}.variable_min", f"{key}.service", f"{key}.unit"}
    names |= {f"{key}.{name}" for name in editor.NUMBER_FIELDS.get(kind or "", ())}
    for j, _option in enumerate(block.get("options") or []):
        names |= {f"{key}.o{j}.id", f"{key}.o{j}.next"} | {f"{key}.o{j}.label.{lang}" for lang in languages}
        names |= {f"{key}.o{j}.synonyms.{lang}" for lang in languages}
    return names


def gist(block: dict[str, Any], draft: dict[str, Any], size: int = 70) -> str:
    """Return the block's text in the staff member's language (else the flow's main one), shortened."""
    text = block.get("text") if isinstance(block.get("text"), dict) else {}
    wanted = (select_language(), draft.get("default_language"))
    found = next((text[lang] for lang in wanted if text.get(lang)), "") or next(iter(text.values()), "")
    return found if len(found) <= size else found[: size - 1] + "…"


def _target_label(view: BlockView) -> str:
    short = gist(view.block, {}, 48)
    return f"{view.index + 1}. {view.block.get('id', '')}" + (f" — {short}" if short else "")
