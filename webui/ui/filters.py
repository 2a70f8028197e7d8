"""Template filters for dates and numbers in the person's language and the store's time zone."""

from __future__ import annotations

from datetime import datetime

import segno
from flask import Flask
from flask_babel import format_datetime, format_percent, format_timedelta
from markupsafe import Markup

from appliance.core.moments import utcnow
from webui.ui.daytime import day_text


def _moment(value: datetime | str | None) -> datetime | None:
    # Services return ISO 8601 strings with an offset; the ORM returns aware datetimes.
    if value is None or value == "":
        return None
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def when(value: datetime | str | None, pattern: str = "d MMM y, HH:mm") -> str:
    """Format a moment in the store's time zone ("3 dic 2026, 10:30" in Spanish)."""
    moment = _moment(value)
    return "" if moment is None else format_datetime(moment, pattern)


def ago(value: datetime | str | None) -> str:
    """Say how long ago a moment was ("hace 5 minutos")."""
    moment = _moment(value)
    if moment is None:
        return ""
    return format_timedelta(moment - utcnow(), granularity="minute", add_direction=True, threshold=0.9)


def percent(value: float | None) -> str:
    """Format a fraction as a percentage ("42 %"), or a dash when there is nothing to divide."""
    return "—" if value is None else format_percent(value)


def qr_svg(text: str) -> Markup:
    """Draw ``text`` as a QR code in inline SVG, made here (an authenticator set-up must not reach a CDN)."""
    svg = segno.make(text, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff", omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own markup, with the text encoded as modules, not as characters


def install_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(when=when, ago=ago, percent=percent, qr_svg=qr_svg, day_text=day_text)
