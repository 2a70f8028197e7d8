"""The panels' languages: Flask-Babel set up over three catalogues, compiled from .po at start-up.

The .po files are the source of truth (package data under ``webui/translations/<area>``, one
directory per area so engineers never edit the same file). Compiled .mo files are not shipped:
they are written to a cache directory the first time the app starts and again whenever a .po
is newer, so a fresh checkout, a wheel and the PyInstaller binary all behave the same."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel, refresh

LANGUAGES = ("es", "ca", "pt", "en")
LANGUAGE_NAMES = {"es": "Español", "ca": "Català", "pt": "Português", "en": "English"}
DEFAULT_LANGUAGE = "es"
DEFAULT_TIMEZONE = "Europe/Madrid"
# One directory per area; Flask-Babel merges them (later ones win on a clash, so keep msgids distinct).
AREAS = ("core", "config", "admin", "flow", "alerts", "events", "billing")
SESSION_KEY = "lang"


def init_i18n(app: Flask, cache_root: Path) -> None:
    """Compile the catalogues into ``cache_root`` and install Flask-Babel on ``app``."""
    directories = [str(compile_area(area, cache_root)) for area in AREAS]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    app.config["BABEL_DEFAULT_TIMEZONE"] = DEFAULT_TIMEZONE
    Babel(app, locale_selector=select_language, timezone_selector=select_timezone)


def catalogue_sources(area: str) -> Traversable:
    """Return the package directory holding ``area``'s .po files (``<lang>/LC_MESSAGES/messages.po``)."""
    return resources.files("webui") / "translations" / area


def compile_area(area: str, cache_root: Path) -> Path:
    """Compile ``area``'s .po files that are newer than their .mo into ``cache_root/area``; return that dir."""
    target = cache_root / area
    source = catalogue_sources(area)
    for language in LANGUAGES:
        po = source / language / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            _compile(po, target / language / "LC_MESSAGES" / "messages.mo")
    return target


def _compile(po: Traversable, mo: Path) -> None:
    with resources.as_file(po) as po_path:
        if mo.exists() and mo.stat().st_mtime >= po_path.stat().st_mtime:
            return
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so another worker starting at the same time never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        write_mo(handle, catalog)
    os.replace(tmp, mo)


def translation_cache(data_dir: Path) -> Path:
    """Return a writable directory for compiled catalogues: under the data dir, or a temp dir."""
    for candidate in (data_dir / "cache" / "translations", Path(tempfile.gettempdir()) / f"ebanista-mo-{os.getuid()}"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    raise RuntimeError("No writable directory for the compiled panel translations")


def select_language() -> str:
    """Choose the request's language: the person's choice (session), else the browser's, else Spanish."""
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def select_timezone() -> str:
    """Show times in the current store's time zone (set on ``g`` by the panel), else Madrid's."""
    return g.get("timezone") or DEFAULT_TIMEZONE


def remember_language(language: str) -> bool:
    """Keep ``language`` for this browser session; return False for a language the panel does not speak."""
    if language not in LANGUAGES:
        return False
    session[SESSION_KEY] = language
    refresh()
    return True
