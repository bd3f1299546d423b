"""`evalkit demo`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@store_option
@click.option("--limit", type=int, default=None, help="Only the first N items of each set.")
@handle_errors
def demo(store: str | None, limit: int | None) -> None:
    """Offline tour: simulator, two candidates, DuckDB, compare. No API key needed."""
    from evalkit.demo import run_demo

    run_demo(store=store, limit=limit, echo=click.echo)
