"""The pure core: it imports no web framework, no database and no service, and core.flows has no cycle."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

CORE = Path(str(resources.files("appliance.core")))
FORBIDDEN = ("flask", "werkzeug", "sqlalchemy", "alembic", "redis", "huey", "psycopg")


def module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Return the absolute names of the modules ``path`` imports (anywhere in it, or at its top level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_it_imports_no_framework_database_or_service() -> None:
    for path in core_modules():
        for name in imports(path):
            assert not name.startswith(FORBIDDEN), f"{module_name(path)} imports {name}"
            if name.startswith("appliance."):
                assert name.startswith("appliance.core"), f"{module_name(path)} imports {name}"


def test_the_flow_modules_import_each_other_one_way() -> None:
    flows = {module_name(path): path for path in (CORE / "flows").glob("*.py")}
    graph = {
        name: {m for m in imports(path, top_level_only=True) if m in flows} - {name} for name, path in flows.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, f"import cycle: {' -> '.join((*trail, name))}"
        if name not in done:
            for imported in graph[name]:
                visit(imported, (*trail, name))
            done.add(name)

    for name in graph:
        visit(name, ())
    for name, path in flows.items():
        assert "TYPE_CHECKING" not in path.read_text(encoding="utf-8"), f"{name} hides an import behind TYPE_CHECKING"
