"""Where a store lives: one parser for every door (flag, environment, pyproject, default).

A store is a DuckDB file (the default), ``:memory:``, or a DuckLake catalog:
``ducklake:sqlite:/path/meta.sqlite``, ``ducklake:duckdb:/path/meta.ducklake`` or
``ducklake:postgres:dbname=evalkit host=... user=...``, whose Parquet data lives under a data path
(a folder or ``s3://bucket/prefix/``). Credentials never appear in a spec: PostgreSQL reads the
libpq ``PG*`` variables, S3 the standard ``AWS_*`` ones.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from evalkit.errors import StoreError

STORE_ENV = "EVALKIT_STORE"
DATA_PATH_ENV = "EVALKIT_DATA_PATH"
DEFAULT_STORE = "runs/evalkit.duckdb"
LAKE_PREFIX = "ducklake:"
CATALOGS = ("sqlite", "postgres", "duckdb")

_PASSWORD = re.compile(r"(?i)(?:^|\s)password\s*=|://[^/@\s]*:[^/@\s]*@")
"""A libpq ``password=`` keyword, or ``user:password@`` in a connection URI."""


@dataclass(frozen=True)
class StoreSpec:
    """A parsed store location.

    Attributes:
        text: The spec as given (a path, ``:memory:`` or ``ducklake:...``); safe to print.
        catalog: ``None`` for a DuckDB file, else ``sqlite``, ``postgres`` or ``duckdb``.
        target: The catalog's file path or PostgreSQL connection string (lakes only).
        data_path: Where a lake's Parquet files go (None: the catalog's own, or the default).
    """

    text: str
    catalog: str | None = None
    target: str = ""
    data_path: str | None = None

    @property
    def is_lake(self) -> bool:
        """Whether this is a DuckLake catalog."""
        return self.catalog is not None

    @property
    def catalog_file(self) -> Path | None:
        """The catalog file of a SQLite or DuckDB catalog."""
        return Path(self.target) if self.catalog in ("sqlite", "duckdb") else None

    def default_data_path(self) -> str | None:
        """A folder beside a file catalog (``meta.sqlite`` -> ``meta.sqlite.files/``)."""
        file = self.catalog_file
        return f"{file}.files/" if file is not None else None


def resolve_store_text(explicit: str | Path | None = None) -> str:
    """Store location: explicit flag, then ``EVALKIT_STORE``, then pyproject, then the default."""
    if explicit:
        return str(explicit)
    if os.environ.get(STORE_ENV):
        return os.environ[STORE_ENV]
    from evalkit._config import project_config

    return str(project_config().get("store", DEFAULT_STORE))


def resolve_data_path(explicit: str | None = None) -> str | None:
    """Lake data path: flag, then ``EVALKIT_DATA_PATH``, then ``[tool.evalkit] data_path``."""
    if explicit:
        return explicit
    if os.environ.get(DATA_PATH_ENV):
        return os.environ[DATA_PATH_ENV]
    from evalkit._config import project_config

    value = project_config().get("data_path")
    return str(value) if value else None


def parse_store(text: str | Path | None = None, data_path: str | None = None) -> StoreSpec:
    """Resolve and parse a store location (see the module docstring for the forms).

    Raises:
        StoreError: An unknown catalog kind, an empty catalog, or a password in the spec.
    """
    raw = resolve_store_text(text)
    if not raw.startswith(LAKE_PREFIX):
        return StoreSpec(raw)
    kind, sep, target = raw[len(LAKE_PREFIX) :].partition(":")
    if kind not in CATALOGS or not sep:
        raise StoreError(
            f"store {raw!r}: a DuckLake store is ducklake:sqlite:PATH, ducklake:duckdb:PATH or "
            f"ducklake:postgres:CONNINFO (catalog kind {kind!r} is not one of "
            f"{', '.join(CATALOGS)})"
        )
    target = target.strip()
    if not target:
        raise StoreError(f"store {raw!r}: give the catalog after ducklake:{kind}:")
    if kind == "postgres" and _PASSWORD.search(target):
        raise StoreError(
            "store ducklake:postgres:...: the connection string holds a password, which would "
            "be stored and printed; remove it and set PGPASSWORD (or use ~/.pgpass) instead"
        )
    return StoreSpec(raw, kind, target, resolve_data_path(data_path))
