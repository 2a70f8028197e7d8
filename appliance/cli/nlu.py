"""`ebanista nlu`: what the rules understand in a message, for tuning and for scripts."""

from __future__ import annotations

import json
from typing import Any

import click

from appliance.cli.base import fail, main


@main.command()
@click.argument("text", required=False)
@click.option("--batch", "batch", type=click.File("r", encoding="utf-8"), help='A JSONL file of {"id", "text"}.')
@click.option(
    "--default-language",
    default="es",
    show_default=True,
    type=click.Choice(["es", "ca", "pt", "en"]),
    help="The store's language, used when the text cannot tell.",
)
@click.option("--country", default="ES", show_default=True, help="Country for phone numbers without a prefix.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def nlu(text: str | None, batch: Any, default_language: str, country: str, as_json: bool) -> None:
    """Show what the bot understands of a message (or of each line of --batch)."""
    from appliance.core.understanding import understand

    if (text is None) == (batch is None):
        raise click.UsageError("give either TEXT or --batch FILE")
    if batch is None:
        found = understand(text or "", default_language=default_language, default_country=country.upper())
        click.echo(json.dumps(found, ensure_ascii=False) if as_json else _nlu_table(found))
        return
    for number, line in enumerate(batch, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            found = understand(item["text"], default_language=default_language, default_country=country.upper())
        except (ValueError, KeyError, TypeError):
            fail(f"line {number} of {batch.name} is not a JSON object with a text", 1)
        click.echo(json.dumps({"id": item.get("id"), **found}, ensure_ascii=False))


def _nlu_table(found: dict[str, Any]) -> str:
    return "\n".join(f"{key:<16} {'—' if value is None else value}" for key, value in found.items())
