"""The house's layers: the web panels reach the database only through the services."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import webui

FORBIDDEN = ("sqlalchemy", "appliance.infra.db")


def _imports(path: Path) -> Iterator[str]:
    """Yield every module ``path`` imports, at the top, inside functions and under TYPE_CHECKING alike."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # "from appliance.infra import db" imports appliance.infra.db.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_panels_never_import_the_database_or_sqlalchemy() -> None:
    root = Path(webui.__file__).parent
    found = [
        f"{path.relative_to(root.parent)} imports {name}"
        for path in sorted(root.rglob("*.py"))
        for name in _imports(path)
        if any(name == forbidden or name.startswith(f"{forbidden}.") for forbidden in FORBIDDEN)
    ]
    assert found == []
