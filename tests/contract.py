"""Facts of the public contract (shared/API.md, shared/eval/LABELS.md) that several tests check.

Written out here rather than imported from the code, so a change in the code that breaks the
contract fails the tests instead of moving the goalposts with it.
"""

from __future__ import annotations

from pathlib import Path

# `ebanista nlu --json`: every key, always, in this order.
NLU_KEYS = [
    "language",
    "project_type",
    "budget_min_eur",
    "budget_max_eur",
    "area_m2",
    "style",
    "urgency",
    "email",
    "phone",
    "name",
]
# The keys the evaluation sets label (LABELS.md §1); `name` is understood but not labelled there.
LABELLED_KEYS = NLU_KEYS[:9]

# The labelled messages shared with developers; shared/ sits beside the repository, in CI too.
VISIBLE_SET = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "extraction_visible.jsonl"
