"""The house holds its shape: no import cycles, a pure core, interfaces that never reach the database.

`make lint` runs import-linter over the contracts in pyproject.toml; these tests prove what a
contract cannot say (no module-level cycle anywhere, a core that loads without a framework) and
that the contracts themselves hold when the suite runs alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.backends import PLATFORM

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("appliance", "webui", "tui")

pytestmark = pytest.mark.skipif(PLATFORM, reason="the import graph is the same on every backend")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_it_has_no_import_cycles_even_through_function_level_or_type_checking_imports() -> None:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(module)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.one")
    graph.add_import(importer="a.three", imported="a.one")
    assert cycles(graph) == [["a.one", "a.two"]]


def test_the_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module",
    ["appliance.core.scoring", "appliance.core.flows.engine", "appliance.core.understanding", "appliance.errors"],
)
def test_the_core_imports_without_a_web_framework_or_database(module: str) -> None:
    probe = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('flask', 'werkzeug', 'sqlalchemy', 'huey', 'redis') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_appliance_package_is_only_a_docstring() -> None:
    source = (ROOT / "appliance" / "__init__.py").read_text(encoding="utf-8")
    body = [line for line in source.split('"""')[2].splitlines() if line.strip()]
    assert body == []
