"""`evalkit compare BASELINE CANDIDATE`, or `--baseline-router A --candidate-router B`."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("baseline", required=False)
@click.argument("candidate", required=False)
@store_option
@click.option("--baseline-router", type=click.Path(exists=True), help="Router YAML of today.")
@click.option("--candidate-router", type=click.Path(exists=True), help="Router YAML of tomorrow.")
@click.option("--sets", default=None, help="With routers: comma-separated sets (default: all).")
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With routers: samples per item.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="With routers: only the first N items of each set.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="With routers: requests in flight.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report to this file instead of stdout (the verdict line still prints).",
)
@click.option("--alpha", type=float, default=None, help="Gate family-wise alpha (default 0.05).")
@click.option(
    "--margin", type=float, default=None, help="Practical / non-inferiority margin (default 0.02)."
)
@click.option("--mode", type=click.Choice(["regression", "non_inferiority"]), default=None)
@click.option(
    "--index-margin",
    type=float,
    default=None,
    help="Overall quality drop the gate must detect (default 0.05); else INCONCLUSIVE.",
)
@click.option(
    "--task-margin",
    type=float,
    default=None,
    help="Per-task quality drop the gate must detect (default 0.15); else INCONCLUSIVE.",
)
@click.option(
    "--inconclusive",
    type=click.Choice(["fail", "pass"]),
    default=None,
    help="Exit code of an INCONCLUSIVE gate: fail (3, default) or pass (0).",
)
@click.option(
    "--scope",
    type=click.Choice(["changed", "all"]),
    default=None,
    help="Gate only the items whose request or reply changed (default), or all shared items.",
)
@click.option(
    "--max-drop",
    type=float,
    default=None,
    help="Hard threshold: a larger observed drop always fails.",
)
@click.option(
    "--tasks", "gate_tasks", default=None, help="Gate only these tasks (comma-separated)."
)
@click.option(
    "--langs", "gate_langs", default=None, help="Gate only these languages (comma-separated)."
)
@click.option("--by-route", is_flag=True, help="Split every slice by the candidate's route.")
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Compare even an unfinished run or runs whose items differ; requests the candidate "
    "never made count as its failures, and the report says so first.",
)
@click.option(
    "--snapshot",
    type=click.IntRange(min=0),
    default=None,
    help="A DuckLake store: read it at this snapshot (a report names the one it read), so a "
    "compare can be repeated exactly while runs keep landing.",
)
@click.option("--progress/--no-progress", default=None)
@handle_errors
def compare(
    baseline: str | None,
    candidate: str | None,
    store: str | None,
    baseline_router: str | None,
    candidate_router: str | None,
    sets: str | None,
    repeats: int,
    limit: int | None,
    concurrency: int,
    fmt: str,
    output: str | None,
    alpha: float | None,
    margin: float | None,
    mode: str | None,
    index_margin: float | None,
    task_margin: float | None,
    inconclusive: str | None,
    scope: str | None,
    max_drop: float | None,
    gate_tasks: str | None,
    gate_langs: str | None,
    by_route: bool,
    allow_incomplete: bool,
    snapshot: int | None,
    progress: bool | None,
) -> None:
    """Compare two runs: exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE (underpowered; see docs/cli.md).

    BASELINE and CANDIDATE are run ids, unique prefixes, run names, or `latest`. With
    --baseline-router and --candidate-router instead, both router configs are run first (every
    stored response whose request is unchanged is reused) and then compared.
    Gate settings come from [tool.evalkit.gate] in pyproject.toml, overridden by the flags.
    """
    # evalkit.comparison (pandas, scipy) is imported inside compare_report, while the store
    # opens: importing it here first would leave nothing to overlap
    from evalkit.commands import compare_report, compare_routers_command
    from evalkit.errors import ConfigError

    gate: dict[str, Any] = {
        "alpha": alpha,
        "margin": margin,
        "mode": mode,
        "index_margin": index_margin,
        "task_margin": task_margin,
        "inconclusive": inconclusive,
        "scope": scope,
        "max_drop": max_drop,
        "tasks": gate_tasks.split(",") if gate_tasks else None,
        "langs": gate_langs.split(",") if gate_langs else None,
    }
    if baseline_router or candidate_router:
        if not (baseline_router and candidate_router):
            raise ConfigError("give both --baseline-router and --candidate-router")
        if snapshot is not None:
            raise ConfigError(
                "--snapshot reads stored runs as they were; router configs run first and "
                "write: compare the stored runs by name with --snapshot instead"
            )
        routed, text = compare_routers_command(
            baseline_router,
            candidate_router,
            sets=sets,
            store=store,
            repeats=repeats,
            limit=limit,
            concurrency=concurrency,
            progress=progress,
            by_route=by_route,
            fmt=fmt,
            **gate,
        )
        result = routed.comparison  # the report carries the route diff and per-route deltas
    elif baseline and candidate:
        result, text = compare_report(
            baseline,
            candidate,
            fmt,
            store=store,
            by_route=by_route,
            allow_incomplete=allow_incomplete,
            snapshot=snapshot,
            **gate,
        )
    else:
        raise ConfigError(
            "give BASELINE and CANDIDATE runs, or --baseline-router and --candidate-router"
        )
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "md" and summary_file:  # in GitHub Actions: the job summary gets the report too
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if output:
        from evalkit.comparison import verdict_text

        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"{verdict_text(result)}: report written to {output}")
    else:
        click.echo(text)
    sys.exit(result.exit_code)
