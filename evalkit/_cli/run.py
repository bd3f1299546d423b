"""`evalkit run TARGET...`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from evalkit._cli._common import handle_errors, store_option

if TYPE_CHECKING:
    from evalkit.errors import RunInterrupted


@click.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--targets-file", type=click.Path(exists=True), help="YAML file with a targets: list."
)
@click.option(
    "--router",
    "routers",
    multiple=True,
    type=click.Path(exists=True),
    help="Router config YAML, or a LiteLLM config.yaml (repeatable).",
)
@click.option(
    "--sets",
    "sets",
    default=None,
    help="Comma-separated set names or folders (default: all built-in).",
)
@store_option
@click.option("--name", default=None, help="Run name (with several targets, suffixed by target).")
@click.option(
    "--repeats", type=click.IntRange(min=1), default=None, help="Samples per item (K; default 1)."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Requests in flight.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that make the calls (default 1); helps a CPU-bound run on several cores.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Only the first N items of each set."
)
@click.option("--shard", default=None, metavar="I/N", help="Run shard I of N.")
@click.option(
    "--group",
    default=None,
    metavar="KEY",
    help="With --shard: every shard of KEY writes into one run (default: $EVALKIT_RUN_GROUP; "
    "in GitHub Actions gh-RUN_ID-ATTEMPT); rerunning a shard resumes it.",
)
@click.option(
    "--resume",
    default=None,
    metavar="RUN",
    help="Continue a run: finished items are not called again.",
)
@click.option(
    "--no-cache", is_flag=True, help="Call even when a stored response has the same request hash."
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@click.option(
    "--max-error-rate",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Exit 1 when a run's failed requests exceed this share of those attempted.",
)
@handle_errors
def run(
    targets: tuple[str, ...],
    targets_file: str | None,
    routers: tuple[str, ...],
    sets: str | None,
    store: str | None,
    name: str | None,
    repeats: int | None,
    concurrency: int,
    workers: int | None,
    limit: int | None,
    shard: str | None,
    group: str | None,
    resume: str | None,
    no_cache: bool,
    progress: bool | None,
    max_error_rate: float,
) -> None:
    """Run TARGETS (e.g. deepseek:deepseek-chat, sim:sim-good) or --router configs over golden
    sets; store results. Exit 0 when done, 1 when a run's error rate is above
    --max-error-rate or a worker process died (the run is left to --resume), 2 on a usage or
    configuration error, 130 on Ctrl-C (what came back is stored; --resume calls the rest)."""
    from evalkit.errors import RunInterrupted, WorkerError

    try:
        from evalkit._cli._summary import print_run
        from evalkit.commands import run_targets

        results = run_targets(
            targets,
            targets_file=targets_file,
            routers=routers,
            sets=sets,
            store=store,
            name=name,
            repeats=repeats,
            concurrency=concurrency,
            workers=workers,
            limit=limit,
            shard=shard,
            group=group,
            resume=resume,
            use_cache=not no_cache,
            progress=progress,
        )
    except WorkerError as exc:  # not a usage error: the run itself did not finish
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except RunInterrupted as exc:
        from evalkit.runner._interrupt import presses_end_the_process

        with presses_end_the_process():
            _say_interrupted(exc)
        sys.exit(130)  # the shell's code for Ctrl-C
    except KeyboardInterrupt:  # before any run was opened (imports, the store, the sets)
        click.echo("interrupted before a run was stored", err=True)
        sys.exit(130)  # the shell's code for Ctrl-C
    too_many = [r for r in results if print_run(r) > max_error_rate]
    if too_many:
        click.echo(
            f"error: {len(too_many)} run(s) failed more than {max_error_rate:.1%} of their "
            "requests (see the errors above; --max-error-rate sets the threshold)",
            err=True,
        )
        sys.exit(1)


def _say_interrupted(exc: RunInterrupted) -> None:
    """What Ctrl-C left, on stderr: finished runs' summaries, each stopped run and how to finish
    it, and the targets never started."""
    from evalkit._cli._summary import print_run

    several = len(exc.finished) + len(exc.stopped) + len(exc.not_started) > 1
    for result in exc.finished:
        print_run(result)
    for run in exc.stopped:
        click.echo(f"interrupted: {run.counts.describe() if run.counts else run.run_id}", err=True)
        if exc.forced:
            click.echo("  stopped at once: the counts above are what was stored", err=True)
        else:
            click.echo("  the replies already received are stored", err=True)
        if run.counts is not None and run.counts.complete:
            continue
        if exc.group:
            how = "the same command again continues its shard"
        elif several and run.argument is not None:
            how = (
                f"`evalkit run {run.argument} --resume {run.run_id}` with this command's other"
                " options calls only the rest"
            )
        elif several:
            how = (
                f"a targets file with only {run.target} and `--resume {run.run_id}` (with this"
                " command's other options) calls only the rest"
            )
        else:
            how = f"the same command with `--resume {run.run_id}` calls only the rest"
        click.echo(f"  {how}", err=True)
    if exc.not_started:
        click.echo(f"interrupted: not started: {', '.join(exc.not_started)}", err=True)
    if not exc.stopped and not exc.finished:
        click.echo("interrupted before a run was stored", err=True)
    if not exc.known:
        click.echo("  `evalkit runs` lists the unfinished runs", err=True)
