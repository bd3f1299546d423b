"""`evalkit drift TARGET`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("target")
@store_option
@click.option("--task", default=None, help="Only this task type.")
@click.option("--lang", default=None, help="Only this prompt language (en, zh, mixed).")
@click.option("--metric", default=None, help="Metric (default: each task's headline metric).")
@click.option(
    "--branch",
    default=None,
    help="Only runs made on this git branch (a shared store holds every branch's runs).",
)
@click.option("--alpha", default=0.05, show_default=True, help="FDR level for marking steps.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@handle_errors
def drift(
    target: str,
    store: str | None,
    task: str | None,
    lang: str | None,
    metric: str | None,
    branch: str | None,
    alpha: float,
    fmt: str,
) -> None:
    """History of a metric across the runs of TARGET (a model or router name).

    Steps where a run differs significantly from the previous run are marked up/down.
    """
    import pandas as pd

    from evalkit.comparison import drift as history
    from evalkit.store import Store

    with Store(store, read_only=True) as db:
        table = history(db, target, task=task, lang=lang, metric=metric, alpha=alpha, branch=branch)
    if table.empty:
        on = f" on branch {branch!r}" if branch else ""
        click.echo(f"no runs of {target!r}{on} with scores for that slice")
        return
    if fmt == "csv":
        click.echo(table.to_csv(index=False))
    elif fmt == "json":
        click.echo(table.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        with pd.option_context("display.width", 200, "display.max_rows", 500):
            click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
