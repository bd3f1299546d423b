"""`evalkit run TARGET...`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


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
@click.option("--repeats", default=1, show_default=True, help="Samples per item (K).")
@click.option("--concurrency", default=16, show_default=True, help="Requests in flight.")
@click.option("--limit", type=int, default=None, help="Only the first N items of each set.")
@click.option("--shard", default=None, metavar="I/N", help="Run shard I of N.")
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
@handle_errors
def run(
    targets: tuple[str, ...],
    targets_file: str | None,
    routers: tuple[str, ...],
    sets: str | None,
    store: str | None,
    name: str | None,
    repeats: int,
    concurrency: int,
    limit: int | None,
    shard: str | None,
    resume: str | None,
    no_cache: bool,
    progress: bool | None,
) -> None:
    """Run TARGETS (e.g. deepseek:deepseek-chat, sim:sim-good) or --router configs over golden
    sets; store results."""
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
        limit=limit,
        shard=shard,
        resume=resume,
        use_cache=not no_cache,
        progress=progress,
    )
    for result in results:
        print_run(result)
