"""Preset flows shipped with the program (package data, found through importlib.resources)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _load(name: str) -> str:
    return (resources.files(__package__) / f"{name}.json").read_text(encoding="utf-8")


def preset(name: str = "base") -> dict[str, Any]:
    """Return a fresh copy of the preset flow document ``name``."""
    return json.loads(_load(name))
