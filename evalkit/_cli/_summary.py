"""Printing a finished run."""

from __future__ import annotations

import click

from evalkit._api import RunResult


def print_run(result: RunResult) -> float:
    """Counts, cost and the per-slice metric means of one run; returns its error rate."""
    s = result.summary
    counts = result.store.counts(s.run_id)
    click.echo(
        f"run {s.run_id}: {s.planned} requests ({s.already_done} already done, {s.cached} cached, "
        f"{s.called} called, {s.failed} failed, {s.retries} retries) "
        f"cost {s.cost:.4f} {s.currency} in {s.elapsed_s:.1f}s"
    )
    click.echo(
        f"  {counts.answered} answered, {counts.failed} failed, {counts.missing} never attempted "
        f"of {counts.planned}: error rate {counts.error_rate:.1%}"
    )
    if s.errors_by_kind:
        click.echo(
            "  errors: " + ", ".join(f"{k}={v}" for k, v in sorted(s.errors_by_kind.items()))
        )
    table = result.metrics()
    if not table.empty:
        pivot = table.pivot_table(index=["task", "metric"], columns="lang", values="mean")
        click.echo(pivot.to_string(float_format=lambda v: f"{v:.3f}"))
    return counts.error_rate
