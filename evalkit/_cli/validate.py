"""`evalkit validate PATH`."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1)
def validate(paths: tuple[str, ...]) -> None:
    """Check golden sets: schema, duplicate ids, pairs and language balance.

    PATHS are set folders, manifests, folders of sets, CSV files, or hub datasets
    (hf://owner/name[:split], which needs network); the built-in sets when omitted.
    Exits 2 when any problem is found.
    """
    from evalkit.errors import GoldenSetError
    from evalkit.goldensets import builtin_root, validate_path

    targets: list[str | Path] = [*paths] or [builtin_root()]
    bad = 0
    for target in targets:
        try:
            reports = validate_path(target)
        except GoldenSetError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        for rep in reports:
            counts = ", ".join(f"{k}={v}" for k, v in sorted(rep.counts.items()))
            status = "ok" if not rep.problems else f"{len(rep.problems)} problem(s)"
            name = rep.manifest.name if rep.manifest else Path(str(rep.folder)).name
            click.echo(f"{name}: {len(rep.items)} items ({counts}) - {status}")
            for problem in rep.problems:
                click.echo(f"  {problem}")
            bad += len(rep.problems)
    if bad:
        sys.exit(2)
