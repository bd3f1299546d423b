"""`evalkit power BASELINE`: what a comparison against a stored baseline could detect."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("baseline")
@store_option
@click.option(
    "--rho",
    default=0.45,
    show_default=True,
    help="Expected per-item correlation of baseline and candidate quality.",
)
@click.option(
    "--deff",
    default=1.05,
    show_default=True,
    help="Design effect of the en/zh pairs (variance inflation).",
)
@click.option("--index-margin", type=float, default=None, help="Overall drop to detect.")
@click.option("--task-margin", type=float, default=None, help="Per-task drop to detect.")
@click.option("--alpha", type=float, default=None, help="Gate family-wise alpha.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@handle_errors
def power(
    baseline: str,
    store: str | None,
    rho: float,
    deff: float,
    index_margin: float | None,
    task_margin: float | None,
    alpha: float | None,
    fmt: str,
) -> None:  # fmt: skip
    """Before any call: the drop each gate hypothesis could detect against BASELINE (80% power,
    at the alpha the gate starts it at), and the items it needs to see its margin.

    Uses the baseline's stored item quality; a candidate is assumed to correlate --rho with it.
    Repeats only reduce within-item noise: from a baseline run with --repeats 2 or more the plan
    measures that noise and says whether more repeats or only more items would reach the margin
    (for a deterministic target, at temperature 0, repeats add nothing).
    """
    import pandas as pd

    from evalkit.comparison import baseline_quality, plan_power, resolve_gate
    from evalkit.store import Store

    gate = resolve_gate(index_margin=index_margin, task_margin=task_margin, alpha=alpha)
    with Store(store, read_only=True) as db:
        quality = baseline_quality(db, baseline, gate, by_repeat=True)
    table = plan_power(quality, gate, rho=rho, deff=deff)
    if fmt == "json":
        click.echo(table.to_json(orient="records", force_ascii=False))
        return
    weak = table[~table["powered"].astype(bool)]
    with pd.option_context("display.width", 200):
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if len(weak):
        click.echo("underpowered:")
        for r in weak.itertuples():
            if r.items_needed is None or r.items_needed != r.items_needed:  # None or NaN
                click.echo(f"  {r.hypothesis}: {r.advice}")
            else:
                click.echo(
                    f"  {r.hypothesis}: about {int(r.items_needed)} items (has {r.n}); {r.advice}"
                )
    else:
        click.echo("every gate hypothesis can detect its margin with 80% power")
    if int(table["repeats"].min()) == 1:
        click.echo(
            "repeats: the baseline has one repeat per item, so repeat noise is unmeasured; "
            "run it with --repeats 2 or more to see whether repeats would help"
        )
