"""Keep the panels' catalogues complete: find msgids without a translation, and add new ones to a .po.

    python -m webui.ui.catalogue missing              # every msgid of webui/ lacking es, ca or pt
    python -m webui.ui.catalogue add core FILE...     # add FILE's new msgids to core's .po files (empty)

The test suite uses ``missing_translations`` so a page cannot ship with untranslated text."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from webui.ui.i18n import AREAS

WEBUI = Path(__file__).resolve().parent.parent
TRANSLATED = ("es", "ca", "pt")  # English is the language of the msgids
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"}


def source_files(root: Path = WEBUI) -> list[Path]:
    """Return the panel sources whose text is translated (Python modules and templates)."""
    return sorted([*root.rglob("*.py"), *(root / "templates").rglob("*.html")])


def extract(paths: Iterable[Path]) -> Iterator[tuple[str, Path, int]]:
    """Yield (msgid, file, line) for every translatable string in ``paths``."""
    for path in paths:
        if path.suffix == ".py":
            found = extract_from_file("python", str(path), keywords=KEYWORDS)
        else:
            found = extract_from_file(babel_extract, str(path), keywords=KEYWORDS, options=JINJA_OPTIONS)
        for line, message, _comments, _context in found:
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                yield msgid, path, line


def po_path(area: str, language: str, root: Path = WEBUI) -> Path:
    """Return where ``area``'s catalogue for ``language`` lives."""
    return root / "translations" / area / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(path: Path, language: str) -> Catalog:
    """Read a .po file (an empty catalogue when it does not exist yet)."""
    if not path.exists():
        return Catalog(locale=language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def translated_msgids(language: str, root: Path = WEBUI) -> set[str]:
    """Return the msgids with a non-empty translation in any area's catalogue for ``language``."""
    done: set[str] = set()
    for area in AREAS:
        for message in read_catalogue(po_path(area, language, root), language):
            if message.id and message.string and not message.fuzzy:
                done.add(message.id if isinstance(message.id, str) else message.id[0])
    return done


def missing_translations(root: Path = WEBUI) -> dict[str, list[str]]:
    """Return, per language, the msgids used in the sources that no catalogue translates (with a location)."""
    used = {msgid: f"{path.relative_to(root.parent)}:{line}" for msgid, path, line in extract(source_files(root))}
    return {
        language: sorted(f"{where}: {msgid!r}" for msgid, where in used.items() if msgid not in done)
        for language in TRANSLATED
        for done in [translated_msgids(language, root)]
    }


def add_msgids(area: str, paths: list[Path], root: Path = WEBUI) -> int:
    """Add the msgids of ``paths`` that ``area``'s catalogues lack, untranslated; return how many."""
    found = {msgid: (path, line) for msgid, path, line in extract(paths)}
    added = 0
    for language in TRANSLATED:
        path = po_path(area, language, root)
        catalogue = read_catalogue(path, language)
        for msgid, (source, line) in found.items():
            if msgid not in catalogue:
                catalogue.add(msgid, "", locations=[(str(source.relative_to(root.parent)), line)])
                added += 1
        catalogue.fuzzy = False  # the header of a catalogue we maintain by hand is not a guess
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=120, omit_header=False, sort_output=False)
    return added


def main(argv: list[str]) -> int:
    """Run the command line (see the module docstring)."""
    if argv[:1] == ["missing"]:
        missing = missing_translations()
        for language, items in missing.items():
            for item in items:
                print(f"{language}\t{item}")
        return 1 if any(missing.values()) else 0
    if len(argv) >= 3 and argv[0] == "add" and argv[1] in AREAS:
        print(f"added {add_msgids(argv[1], [Path(p).resolve() for p in argv[2:]])} entries")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
