"""The task registry: a leaf every module that declares a background task may import.

Tasks are plain functions ``fn(runtime, *args)`` registered by name with ``@task``. The queue wraps
them in huey when an app is built; the catalogue (appliance.jobs.catalogue) imports every module
that declares one, so the registry is complete whichever module is imported first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

TaskFunction = Callable[..., Any]
_REGISTRY: dict[str, TaskFunction] = {}


def task(fn: TaskFunction) -> TaskFunction:
    """Register ``fn(runtime, *args)`` as a background task named after the function."""
    _REGISTRY[fn.__name__] = fn
    return fn


def registered() -> Mapping[str, TaskFunction]:
    """Return the tasks registered so far, by name (read-only)."""
    return MappingProxyType(_REGISTRY)
