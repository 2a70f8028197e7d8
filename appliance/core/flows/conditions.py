"""Evaluating a flow's conditions over the conversation's variables."""

from __future__ import annotations

from typing import Any

from appliance.core.flows.schema import AllOf, AnyOf, Compare, Condition, NotOf


def holds(condition: Condition, variables: dict[str, Any]) -> bool:
    """Tell whether ``condition`` is true for ``variables``; a missing variable never errors."""
    if isinstance(condition, AllOf):
        return all(holds(c, variables) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(holds(c, variables) for c in condition.any)
    if isinstance(condition, NotOf):
        return not holds(condition.not_, variables)
    return _compare(condition, variables.get(condition.var))


def _compare(test: Compare, actual: Any) -> bool:
    if test.op == "exists":
        return (actual is not None) == (test.value is not False)
    if test.op == "equals":
        return actual == test.value
    if test.op == "not_equals":
        return actual != test.value
    if test.op == "in":
        return isinstance(test.value, list) and actual in test.value
    return _order(test.op, actual, test.value)


def _order(op: str, actual: Any, expected: Any) -> bool:
    # Comparisons only between numbers; a text or a missing value is simply not greater or less.
    if not _is_number(actual) or not _is_number(expected):
        return False
    return {"gt": actual > expected, "gte": actual >= expected, "lt": actual < expected, "lte": actual <= expected}[op]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
