"""`evalkit export RUN -o FILE` or `evalkit export --set SET -o FILE`."""

from __future__ import annotations

import click

from evalkit._cli._common import handle_errors, store_option


@click.command()
@click.argument("run", required=False)
@click.option(
    "--set",
    "goldenset",
    default=None,
    help="Export this golden set instead of a run (name, folder, CSV file or hf://owner/name).",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write: .parquet, .jsonl or .csv.",
)
@store_option
@handle_errors
def export(run: str | None, goldenset: str | None, output: str, store: str | None) -> None:
    """Write a run's replies (one row per item and repeat) or a golden set to a file.

    RUN is a run id, unique prefix, run name or `latest`. The file is what
    `datasets.Dataset` writes; a golden set's rows load back with `--sets FILE.csv` or from the
    hub as hf://owner/name.
    """
    import datasets

    from evalkit._export import export as export_rows

    datasets.disable_progress_bars()  # one summary line, not a bar per write
    ds = export_rows(run, goldenset=goldenset, path=output, store=store)
    what = f"golden set {goldenset}" if goldenset else f"run {run}"
    click.echo(f"{what}: {ds.num_rows} rows x {len(ds.column_names)} columns -> {output}")
