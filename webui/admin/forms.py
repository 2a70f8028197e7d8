"""Reading the /admin forms into the plain values the admin services take.

Form fields are text; the services check meaning (plans, origins, limits) and raise Invalid. Only
what a browser cannot send as the right type (numbers, lists) is converted and checked here."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from appliance.errors import AppError
from appliance.infra.ratelimit import PLAN_LIMITS
from appliance.tenants.registry import TenantSpec
from appliance.tenants.validation import LANGUAGES, parse_origins

LIMIT_NAMES = tuple(sorted(PLAN_LIMITS["base"]))
# What each field is called on the page, for the problems the services report by path.
FIELD_LABELS = {
    "name": _l("Name"),
    "slug": _l("Address name"),
    "plan": _l("Plan"),
    "default_language": _l("Default language"),
    "timezone": _l("Time zone"),
    "allowed_origins": _l("Allowed websites"),
    "owner_email": _l("Owner's e-mail"),
    "ai_monthly_cap_eur": _l("AI spending cap"),
    "status": _l("Status"),
    "limits": _l("Rate limits"),
    "message": _l("Maintenance message"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "from": _l("From"),
    "to": _l("Until"),
}


def error_text(exc: AppError) -> str:
    """Return a service refusal as a sentence in the page's language (the service's own for others)."""
    known = {
        "slug_taken": _l("A store with that address name already exists. Choose another one."),
        "email_taken": _l("An account with that e-mail address already exists."),
        "cannot_deactivate_self": _l("You cannot switch off your own account."),
    }
    return str(known.get(exc.code, exc.message))


class FormProblem(Exception):
    """A form value that cannot even be handed to a service; ``problems`` as Invalid lists them."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def new_store(form: MultiDict[str, str]) -> TenantSpec:
    """Return the store to create from the creation form."""
    return TenantSpec(
        name=form.get("name", ""),
        slug=form.get("slug", "").strip() or None,
        plan=form.get("plan", "base"),
        default_language=form.get("default_language", "es"),
        timezone=form.get("timezone", "").strip() or "Europe/Madrid",
        allowed_origins=parse_origins(form.get("allowed_origins", "")),
        owner_email=form.get("owner_email", "").strip() or None,
    )


def store_changes(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the changes of the store settings form (every field of it; the service keeps what is equal)."""
    problems: list[dict[str, str]] = []
    changes: dict[str, Any] = {
        "name": form.get("name", ""),
        "plan": form.get("plan", ""),
        "status": form.get("status", ""),
        "allowed_origins": parse_origins(form.get("allowed_origins", "")),
        "ai_monthly_cap_eur": _whole_number(form.get("ai_monthly_cap_eur", ""), "ai_monthly_cap_eur", problems),
    }
    limits = {}
    for name in LIMIT_NAMES:
        value = _whole_number(form.get(f"limit_{name}", ""), f"limits.{name}", problems)
        if value is not None:
            limits[name] = value
    changes["limits"] = limits
    if problems:
        raise FormProblem(problems)
    return changes


def _whole_number(text: str, path: str, problems: list[dict[str, str]]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        problems.append({"path": path, "message": _("must be a whole number, or empty")})
        return None
    return int(text)


def maintenance(form: MultiDict[str, str]) -> tuple[bool, dict[str, str]]:
    """Return whether maintenance is switched on, and its message per language."""
    messages = {lang: form.get(f"message_{lang}", "") for lang in LANGUAGES}
    return form.get("enabled") == "on", {lang: text for lang, text in messages.items() if text.strip()}


def describe(problems: list[dict[str, str]]) -> list[str]:
    """Return one line per problem, naming the field as the page does."""
    lines = []
    for problem in problems:
        path = problem.get("path", "")
        root = path.split(".", 1)[0].split("[", 1)[0]
        label = FIELD_LABELS.get(root)
        lines.append(f"{label}: {problem['message']}" if label else problem["message"])
    return lines
