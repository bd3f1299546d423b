"""`evalkit compare BASELINE CANDIDATE`."""

from __future__ import annotations

import sys

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("baseline")
@click.argument("candidate")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Also write the report to this file."
)
@click.option("--alpha", type=float, default=None, help="Gate family-wise alpha (default 0.05).")
@click.option(
    "--margin", type=float, default=None, help="Practical / non-inferiority margin (default 0.02)."
)
@click.option("--mode", type=click.Choice(["regression", "non_inferiority"]), default=None)
@handle_errors
def compare(
    baseline: str,
    candidate: str,
    store: str | None,
    fmt: str,
    output: str | None,
    alpha: float | None,
    margin: float | None,
    mode: str | None,
) -> None:
    """Compare two runs per task x language x metric; exit 1 when the gate fails.

    BASELINE and CANDIDATE are run ids, unique prefixes, run names, or `latest`.
    Gate settings come from [tool.evalkit.gate] in pyproject.toml, overridden by the flags.
    """
    from evalkit.commands import compare_command

    result = compare_command(
        baseline, candidate, store=store, alpha=alpha, margin=margin, mode=mode
    )
    text = result.render(fmt)
    click.echo(text)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    sys.exit(0 if result.passed else 1)
