"""The operator's plan commands: in the appliance the plan is what the operator sets."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import Result

from appliance.infra.db import Tenant
from appliance.infra.runtime import Runtime
from tests.conftest import Cast
from tests.operators import audits


def test_plan_set_changes_a_plan_and_list_shows_it(cli: Callable[..., Result], rt: Runtime) -> None:
    changed = cli("plan", "set", "pro", "--staff-seats", "15", "--two-factor-required")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["staff_seats"] == 15
    listed = {p["name"]: p for p in json.loads(cli("plan", "list", "--json").stdout)}
    assert (listed["pro"]["staff_seats"], listed["pro"]["features"]["two_factor_required"]) == (15, True)
    assert listed["base"]["staff_seats"] == 3
    assert [a["actor_label"] for a in audits(rt, "plan.updated")] == ["command line"]


def test_a_bad_plan_value_fails_and_changes_nothing(cli: Callable[..., Result]) -> None:
    refused = cli("plan", "set", "base", "--staff-seats", "0")
    assert refused.exit_code != 0
    assert "staff_seats" in refused.output
    assert json.loads(cli("plan", "list", "--json").stdout)[0]["staff_seats"] == 3


def test_tenant_set_plan_puts_a_store_on_a_plan(cli: Callable[..., Result], rt: Runtime, cast: Cast) -> None:
    assert cli("tenant", "set-plan", "tenant-a", "elite").exit_code == 0
    with rt.sessions() as db:
        assert db.get(Tenant, cast.tenant_a.id).plan == "elite"  # type: ignore[union-attr]
        assert db.get(Tenant, cast.tenant_b.id).plan == "base"  # type: ignore[union-attr]
