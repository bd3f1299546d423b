"""`evalkit judge RUN --panel PANEL` (and `--pairwise BASELINE`)."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("run")
@store_option
@click.option(
    "--panel",
    "panel_ref",
    default="default",
    show_default=True,
    help="Panel YAML path or built-in name (default, default-cascade, sim).",
)
@click.option("--tasks", default=None, help="Comma-separated task types (default: all).")
@click.option(
    "--pairwise",
    "baseline",
    default=None,
    metavar="BASELINE",
    help="Judge RUN against BASELINE pairwise, both orders per item.",
)
@click.option("--concurrency", default=16, show_default=True)
@handle_errors
def judge(
    run: str,
    store: str | None,
    panel_ref: str,
    tasks: str | None,
    baseline: str | None,
    concurrency: int,
) -> None:
    """Judge the replies of RUN with a judge panel; verdicts and scores go to the store."""
    from evalkit.commands import judge_command

    click.echo(
        judge_command(
            run,
            store=store,
            panel=panel_ref,
            tasks=tasks,
            baseline=baseline,
            concurrency=concurrency,
        )
    )
