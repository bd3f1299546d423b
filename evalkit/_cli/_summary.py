"""Printing a finished run."""

from __future__ import annotations

import click

from evalkit._api import RunResult


def print_run(result: RunResult) -> None:
    """Counts, cost and the per-slice metric means of one run."""
    s = result.summary
    click.echo(
        f"run {s.run_id}: {s.planned} requests ({s.already_done} already done, {s.cached} cached, "
        f"{s.called} called, {s.failed} failed, {s.retries} retries) "
        f"cost {s.cost:.4f} {s.currency} in {s.elapsed_s:.1f}s"
    )
    if s.errors_by_kind:
        click.echo(
            "  errors: " + ", ".join(f"{k}={v}" for k, v in sorted(s.errors_by_kind.items()))
        )
    table = result.metrics()
    if not table.empty:
        pivot = table.pivot_table(index=["task", "metric"], columns="lang", values="mean")
        click.echo(pivot.to_string(float_format=lambda v: f"{v:.3f}"))
