"""The catalogue page: the price ranges per m² by project and style, and the lines the store sells.

These are the only prices a preliminary proposal may quote (appliance.ai.proposal), so the page
says plainly what each row means and keeps the rows a store typed even when one is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from appliance.core.flows.texts import PROJECTS, STYLES
from webui.panel.blueprint import panel
from webui.panel.settings_pages import _current, _save
from webui.ui.auth import require

# Empty rows offered below the saved ones, so a store adds ranges without any script.
SPARE_ROWS = 3
MAX_LINES = 40


@panel.route("/settings/catalogue", methods=["GET", "POST"])
@require("config.write")
def settings_catalogue() -> Any:
    """Price ranges per m² and product lines: what the preliminary proposal may quote."""
    saved = _current("catalogue")
    if request.method == "GET":
        return _page(saved["payload"], [], saved)
    payload, problems = catalogue_from_form(request.form)
    return _save("catalogue", payload, problems, lambda found: _page(payload, found, saved))


def catalogue_from_form(form: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return the catalogue the form describes (rows left blank are dropped), and what could not be read."""
    problems: list[dict[str, str]] = []
    ranges = []
    projects, styles = form.getlist("project_type"), form.getlist("style")
    lows, highs = form.getlist("min_eur_per_m2"), form.getlist("max_eur_per_m2")
    for n, (project, style, low, high) in enumerate(zip(projects, styles, lows, highs, strict=False), start=1):
        if not (low.strip() or high.strip()):
            continue
        row: dict[str, Any] = {"project_type": project, "style": style or None}
        for key, raw in (("min_eur_per_m2", low), ("max_eur_per_m2", high)):
            # An amount that cannot be read stays as typed, for the page to show it again.
            row[key] = raw if euros(raw) is None else euros(raw)
        if not all(isinstance(row[k], float) and row[k] > 0 for k in ("min_eur_per_m2", "max_eur_per_m2")):
            problems.append({"path": _("Row %(n)s", n=n), "message": _("Write both prices, in euros per m².")})
        elif row["max_eur_per_m2"] < row["min_eur_per_m2"]:
            problems.append({"path": _("Row %(n)s", n=n), "message": _("The highest price is below the lowest.")})
        ranges.append(row)
    lines = list(dict.fromkeys(t.strip() for t in form.get("lines", "").splitlines() if t.strip()))
    if len(lines) > MAX_LINES:
        problems.append({"path": _("Lines"), "message": _("Give at most %(n)s lines.", n=MAX_LINES)})
    return {"price_ranges": ranges, "lines": lines}, problems


def euros(raw: str) -> float | None:
    """Read an amount as people write it here: "1.200,50", "1200.5", "950 €"; None if it is not one."""
    text = raw.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


def _amount(value: Any) -> str:
    """Show a saved amount without a needless ".0"."""
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _page(catalogue: dict[str, Any], problems: list[dict[str, str]], saved: dict[str, Any]) -> str:
    lang = str(get_locale())
    rows = list(catalogue.get("price_ranges") or [])
    rows += [{"project_type": "kitchen", "style": None}] * SPARE_ROWS
    return render_template(
        "panel/settings_catalogue.html",
        rows=[
            row | {"low": _amount(row.get("min_eur_per_m2")), "high": _amount(row.get("max_eur_per_m2"))}
            for row in rows
        ],
        lines="\n".join(catalogue.get("lines") or []),
        projects=[(key, names.get(lang, names["en"])) for key, names in PROJECTS.items()],
        styles=[(key, names.get(lang, names["en"])) for key, names in STYLES.items()],
        problems=problems,
        saved=saved,
    )
