"""Score understand() on the shared visible evaluation set and hold it to the targets.

The file sits beside the repository (../shared/eval), in CI too. LABELS.md names no store
language for the extraction set, so every message is read with default_language="es".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from appliance.core.understanding import understand
from tests.contract import LABELLED_KEYS as FIELDS
from tests.contract import VISIBLE_SET


def same(got: object, expected: object) -> bool:
    """Tell whether two labels agree, comparing numbers as numbers (12 == 12.0)."""
    if isinstance(got, int | float) and isinstance(expected, int | float):
        return not isinstance(got, bool) and float(got) == float(expected)
    return got == expected


def load() -> list[dict[str, Any]]:
    """Return the labelled visible messages."""
    with VISIBLE_SET.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Scores:
    """Hold per-field hits, whole-message hits and the misses over the visible set."""

    rows: int = 0
    whole: int = 0
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any], got: dict[str, object]) -> None:
        """Count one message."""
        expected = row["expect"]
        wrong = [name for name in FIELDS if not same(got[name], expected[name])]
        self.rows += 1
        self.whole += not wrong
        for name in FIELDS:
            self.hits[name] += name not in wrong
        self.misses += [f"{row['id']} {n}: got {got[n]!r}, want {expected[n]!r}" for n in wrong]

    def field_rate(self) -> float:
        """Return the share of all fields that were right."""
        return sum(self.hits.values()) / (self.rows * len(FIELDS))


@pytest.fixture(scope="module")
def scores() -> Scores:
    """Return the scores of understand() over the visible set."""
    result = Scores()
    for row in load():
        result.add(row, understand(str(row["text"]), default_language="es"))
    return result


def test_it_prints_an_accuracy_report(scores: Scores) -> None:
    rows = scores.rows
    print(f"\nvisible set: {rows} messages")
    for name in FIELDS:
        print(f"  {name:<15} {scores.hits[name]:>3}/{rows}  {100 * scores.hits[name] / rows:6.1f}%")
    total = sum(scores.hits.values())
    print(f"  {'all fields':<15} {total:>3}/{rows * len(FIELDS)}  {100 * scores.field_rate():6.1f}%")
    print(f"  {'whole messages':<15} {scores.whole:>3}/{rows}  {100 * scores.whole / rows:6.1f}%")
    for miss in scores.misses:
        print(f"  miss {miss}")
    assert rows == 40


def test_it_gets_at_least_95_percent_of_fields_right(scores: Scores) -> None:
    assert scores.field_rate() >= 0.95


def test_it_gets_at_least_85_percent_of_messages_entirely_right(scores: Scores) -> None:
    assert scores.whole / scores.rows >= 0.85


def test_it_gets_the_language_of_at_least_97_percent_right(scores: Scores) -> None:
    assert scores.hits["language"] / scores.rows >= 0.97
