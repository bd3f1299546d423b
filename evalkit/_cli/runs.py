"""`evalkit runs`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@store_option
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Newest N runs."
)
@handle_errors
def runs(store: str | None, limit: int) -> None:
    """List stored runs, newest first."""
    import pandas as pd

    from evalkit.store import Store

    with Store(store, read_only=True) as db:
        frame = db.runs().head(limit)
    if frame.empty:
        click.echo(f"no runs in {db.path}")
        return
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        click.echo(frame.to_string(index=False))
