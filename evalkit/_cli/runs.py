"""`evalkit runs`."""

from __future__ import annotations

from datetime import datetime

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@store_option
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Newest N runs."
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    default=None,
    help="Only runs created at or after this UTC date or time (e.g. 2026-01-31).",
)
@click.option("--target", default=None, help="Only runs of this model or router.")
@click.option("--name", default=None, help="Only runs of this name.")
@click.option("--branch", default=None, help="Only runs made on this git branch.")
@handle_errors
def runs(
    store: str | None,
    limit: int,
    since: datetime | None,
    target: str | None,
    name: str | None,
    branch: str | None,
) -> None:
    """List stored runs, newest first (a grouped run is one line with its shards' progress)."""
    import pandas as pd

    from evalkit.store import Store

    with Store(store, read_only=True) as db:
        frame = db.runs(since=since, target=target, name=name, branch=branch).head(limit)
    if frame.empty:
        filtered = any(v is not None for v in (since, target, name, branch))
        click.echo(f"no runs{' match the filters' if filtered else ''} in {db.path}")
        return
    if frame["shards"].isna().all():
        frame = frame.drop(columns="shards")
    else:
        frame["shards"] = frame["shards"].fillna("")
    with pd.option_context("display.width", 220, "display.max_columns", 20):
        click.echo(frame.to_string(index=False))
