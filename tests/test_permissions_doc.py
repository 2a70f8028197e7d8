"""The roles table in docs/security.md is the permission table the code enforces, row for row."""

from __future__ import annotations

import re
from pathlib import Path

from appliance.security.permissions import PERMISSIONS, ROLES

DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def documented_table() -> dict[str, frozenset[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- permissions:start -->")[1].split("<!-- permissions:end -->")[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = header[2:]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name = re.sub(r"`", "", cells[0])
        table[name] = frozenset(role for role, mark in zip(roles, cells[2:], strict=True) if mark == "✓")
    return table


def test_the_documented_roles_are_the_roles_of_the_code() -> None:
    header = DOC.read_text(encoding="utf-8").split("<!-- permissions:start -->")[1].splitlines()[1]
    assert [cell.strip() for cell in header.strip("|").split("|")][2:] == list(ROLES)


def test_the_documented_permissions_are_the_enforced_ones() -> None:
    assert documented_table() == PERMISSIONS
