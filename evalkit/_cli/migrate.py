"""`evalkit migrate`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@store_option
@handle_errors
def migrate(store: str | None) -> None:
    """Upgrade a store made by an older evalkit to this version's schema (reads never do)."""
    from evalkit.store import SCHEMA_VERSION, Store

    with Store(store) as db:
        click.echo(f"{db.path}: schema version {SCHEMA_VERSION}")
