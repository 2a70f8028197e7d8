"""Commands for plans: list and change what each plan gives, and put a store on a plan.

In the appliance there is no billing: the plan is whatever the operator sets here or in /admin.
"""

from __future__ import annotations

import json

import click

from appliance.cli.base import main, make_app, reports_errors
from appliance.cli.stores import tenant
from appliance.infra.runtime import runtime_of

PLAN_NAMES = click.Choice(["base", "pro", "elite"])


@main.group()
def plan() -> None:
    """List and change the plans (AI cap, requests per minute, WhatsApp numbers, seats, features)."""


@plan.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
def plan_list(as_json: bool) -> None:
    """Print every plan's limits and features."""
    from appliance.billing.plans import all_plans

    plans = all_plans(runtime_of(make_app()))
    if as_json:
        click.echo(json.dumps(plans))
        return
    for p in plans:
        on = ",".join(name for name, value in p["features"].items() if value) or "-"
        row = f"{p['name']:<6} ai={p['ai_cap_eur']}€ rpm={p['requests_per_minute']}"
        click.echo(f"{row} whatsapp={p['whatsapp_numbers']} seats={p['staff_seats']} features={on}")


@plan.command("set")
@click.argument("name", type=PLAN_NAMES)
@click.option("--ai-cap-eur", type=int, help="Monthly AI cap in euros.")
@click.option("--requests-per-minute", type=int, help="Per-store API and chat requests per minute.")
@click.option("--whatsapp-numbers", type=int, help="WhatsApp numbers a store may connect.")
@click.option("--staff-seats", type=int, help="People in a store's team (invitations included).")
@click.option(
    "--two-factor-required/--no-two-factor-required", default=None, help="Staff must sign in with two-factor."
)
@click.option("--teams-alerts/--no-teams-alerts", default=None, help="Alerts to Microsoft Teams.")
@reports_errors
def plan_set(name: str, two_factor_required: bool | None, teams_alerts: bool | None, **numbers: int | None) -> None:
    """Change a plan; every store on it gets the new limits at once (audited as the command line)."""
    from appliance.billing.plans import update_plan

    changes: dict[str, object] = {key: value for key, value in numbers.items() if value is not None}
    features = {"two_factor_required": two_factor_required, "teams_alerts": teams_alerts}
    if any(value is not None for value in features.values()):
        changes["features"] = {key: value for key, value in features.items() if value is not None}
    click.echo(json.dumps(update_plan(runtime_of(make_app()), name, changes)))


@tenant.command("set-plan")
@click.argument("slug")
@click.argument("plan_name", metavar="PLAN", type=PLAN_NAMES)
@reports_errors
def tenant_set_plan(slug: str, plan_name: str) -> None:
    """Put a store on a plan (in the appliance, the plan is what the operator sets)."""
    from appliance.operator.tenants import update_store
    from appliance.tenants.registry import tenant_called

    rt = runtime_of(make_app())
    update_store(rt, tenant_called(rt, slug).id, {"plan": plan_name})
    click.echo(f"{slug} {plan_name}")
