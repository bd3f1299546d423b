"""`evalkit measures RUN`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("run")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table")
@handle_errors
def measures(run: str, store: str | None, fmt: str) -> None:
    """Headline measures of RUN per language: hallucination, refusal, code-mixing, parity."""
    from evalkit.measures import measures as compute
    from evalkit.store import Store

    with Store(store, read_only=True) as db:
        click.echo(compute(db, run).render(fmt))
