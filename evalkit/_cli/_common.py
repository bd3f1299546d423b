"""Shared CLI plumbing: options used by several commands and error handling."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

store_option = click.option(
    "--store",
    "store",
    default=None,
    metavar="PATH",
    help="DuckDB file (default: $EVALKIT_STORE, [tool.evalkit] store, or runs/evalkit.duckdb).",
)


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
