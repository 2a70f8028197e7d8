"""The JSON provider every request body is read through: it refuses what would exhaust the stack."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

# Deep enough for any flow document or settings body we take, shallow enough that validating,
# storing and answering the value never comes near the interpreter's recursion limit.
MAX_DEPTH = 64


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing bodies nested deeper than ``MAX_DEPTH`` as invalid JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse ``s``; raise ValueError (what Flask answers 400 to) for a value nested too deeply.

        The standard parser recurses once per level, so about a thousand ``[`` in a 2 KB body make
        it raise RecursionError, which Flask does not expect and would answer 500 to.
        """
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON value is nested too deeply.") from None
        if too_deep(value, MAX_DEPTH):
            raise ValueError("The JSON value is nested too deeply.")
        return value


def too_deep(value: Any, limit: int) -> bool:
    """Tell whether ``value`` nests lists and objects more than ``limit`` levels deep."""
    # A walk with its own stack, so a value that did parse cannot exhaust the interpreter's.
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False
