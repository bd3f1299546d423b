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
    default=None,
    show_default=True,
    help="Where to write the HTML report ('' for none; default: demo-report.html beside the "
    "store).",
)
@handle_errors
def demo(store: str | None, limit: int | None, report: str | None) -> None:
    """Offline tour: simulator, two candidates, judges, DuckDB, measures, compare. No API key."""
    from pathlib import Path

    from evalkit.demo import run_demo
    from evalkit.store import default_store_path

    if report is None:  # beside the store: a demo on a scratch store never overwrites runs/
        where = default_store_path(store)
        folder = Path(where).parent if where != ":memory:" else Path("runs")
        report = str(folder / "demo-report.html")
    run_demo(store=store, limit=limit, echo=click.echo, report=report or None)
