"""`evalkit merge OUT SHARD...`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors


@click.command()
@click.argument("out")
@click.argument("shards", nargs=-1, required=True)
@click.option(
    "--run",
    default="latest",
    show_default=True,
    help="Run in each shard store: id, name or latest.",
)
@click.option("--name", default=None, help="Name of the merged run (default: the shards' name).")
@handle_errors
def merge(out: str, shards: tuple[str, ...], run: str, name: str | None) -> None:
    """Merge the stores of a sharded run (`evalkit run --shard i/n`) into OUT as one run, or
    copy one run between stores (a DuckDB file or a ducklake:... spec, either way)."""
    from evalkit.store import Store, merge_shards

    with Store(out) as db:
        run_id = merge_shards(db, list(shards), run=run, name=name)
    click.echo(f"merged {len(shards)} store(s) into run {run_id} in {db.path}")
