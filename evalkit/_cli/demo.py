"""`evalkit demo`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@store_option
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Only the first N items of each set."
)
@click.option(
    "--report",
    default="runs/demo-report.html",
    show_default=True,
    help="Where to write the HTML report ('' for none).",
)
@handle_errors
def demo(store: str | None, limit: int | None, report: str) -> None:
    """Offline tour: simulator, two candidates, judges, DuckDB, measures, compare. No API key."""
    from evalkit.demo import run_demo

    run_demo(store=store, limit=limit, echo=click.echo, report=report or None)
