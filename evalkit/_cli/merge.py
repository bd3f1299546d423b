"""`evalkit merge OUT SHARD...`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors


@click.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--run",
    default="latest",
    show_default=True,
    help="Run in each shard store: id, name or latest.",
)
@click.option("--name", default=None, help="Name of the merged run (default: the shards' name).")
@handle_errors
def merge(out: str, shards: tuple[str, ...], run: str, name: str | None) -> None:
    """Merge the DuckDB files of a sharded run (`evalkit run --shard i/n`) into OUT as one run."""
    from evalkit.store import Store, merge_shards

    with Store(out) as db:
        run_id = merge_shards(db, list(shards), run=run, name=name)
    click.echo(f"merged {len(shards)} shards into run {run_id} in {out}")
