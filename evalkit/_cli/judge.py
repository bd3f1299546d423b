"""`evalkit judge RUN --panel PANEL` (and `--pairwise BASELINE`)."""

from __future__ import annotations

import sys

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
@click.option(
    "--replies",
    type=click.Choice(["all", "unsure"]),
    default=None,
    help="Which replies go to judges: all, or only those the deterministic grader left unsure "
    "(QA grade, refusal label; score rubrics are always judged). Default: the panel's "
    "`replies` setting, itself `all` unless the panel says so.",
)
@click.option("--concurrency", type=click.IntRange(min=1), default=16, show_default=True)
@click.option(
    "--max-error-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Exit 1 when more than this share of judge calls failed.",
)
@handle_errors
def judge(
    run: str,
    store: str | None,
    panel_ref: str,
    tasks: str | None,
    baseline: str | None,
    replies: str | None,
    concurrency: int,
    max_error_rate: float,
) -> None:
    """Judge the replies of RUN with a judge panel; verdicts and scores go to the store.

    One call per judge first checks the panel: a missing model, a wrong key or a server that is
    down stops with exit 2 before anything is judged. Exit 1 when more judge calls failed than
    --max-error-rate allows.
    """
    from evalkit.commands import judge_command

    outcome = judge_command(
        run, store=store, panel=panel_ref, tasks=tasks, baseline=baseline,
        concurrency=concurrency, replies=replies,
    )  # fmt: skip
    click.echo(outcome.text)
    if outcome.error_rate > max_error_rate:
        click.echo(
            f"error: {outcome.errors} of {outcome.calls} judge calls failed "
            f"({outcome.error_rate:.1%} > --max-error-rate {max_error_rate:.1%})",
            err=True,
        )
        sys.exit(1)
