"""Shared CLI plumbing: options used by several commands and error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _set_data_path(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # the data path reaches the store the way the environment's does, through one parser
    if value:
        import os

        from evalkit.store import DATA_PATH_ENV

        os.environ[DATA_PATH_ENV] = value


def store_option(func: F) -> F:
    """``--store`` (passed on) and ``--data-path`` (read by the store through the environment)."""
    func = click.option(
        "--data-path",
        default=None,
        expose_value=False,
        callback=_set_data_path,
        metavar="DIR|S3",
        help="A DuckLake store's data folder or s3://bucket/prefix/ (default: "
        "$EVALKIT_DATA_PATH, [tool.evalkit] data_path, or beside a new file catalog).",
    )(func)
    return click.option(
        "--store",
        "store",
        default=None,
        metavar="STORE",
        help="DuckDB file, or ducklake:sqlite:PATH | ducklake:duckdb:PATH | "
        "ducklake:postgres:CONNINFO (default: $EVALKIT_STORE, [tool.evalkit] store, or "
        "runs/evalkit.duckdb).",
    )(func)


def handle_errors(func: F) -> F:
    """Turn evalkit's configuration errors into a message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from evalkit._secrets import redact
        from evalkit.errors import EvalkitError

        try:
            return func(*args, **kwargs)
        except EvalkitError as exc:
            click.echo(f"error: {redact(str(exc))}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]
