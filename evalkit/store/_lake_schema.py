"""The schema of a DuckLake store: the DuckDB file's schema after every migration, minus what
DuckLake lacks.

DuckLake has no primary keys, unique constraints, indexes or non-literal defaults, and its ALTER
support is partial, so the migration chain is not replayed: a fresh lake gets the current tables
and views at once, derived from an in-memory DuckDB migrated to the newest version (one source of
truth), and records every version as applied. A lake made by an older evalkit is upgraded in
place only by the migrations DuckLake runs as written (`LAKE_IN_PLACE`: added nullable columns).

Without keys, two writers can append the same content-addressed row (two runs adding one item, two
shards creating one grouped run's row):
``runs`` and ``items`` are stored as ``runs_stored`` and ``items_stored`` and read through views
that keep one row per key, so every query written against the DuckDB file reads a lake unchanged.
"""

from __future__ import annotations

import contextlib
import random
import time
from functools import lru_cache

import duckdb

from evalkit.errors import StoreError
from evalkit.store._migrations import (
    LAKE_IN_PLACE,
    MIGRATIONS,
    SCHEMA_VERSION,
    applied_versions,
    migrate,
)

DEDUPED = {"runs": ("run_id",), "items": ("item_id", "content_hash")}
"""Tables a lake stores under ``<name>_stored`` and reads through a one-row-per-key view."""


def physical(table: str, lake: bool) -> str:
    """The table a write to ``table`` goes to."""
    return f"{table}_stored" if lake and table in DEDUPED else table


@lru_cache(maxsize=1)
def lake_ddl() -> tuple[str, ...]:
    """CREATE statements for a fresh lake: tables, one-row-per-key views, then the views."""
    con = duckdb.connect(":memory:")
    try:
        migrate(con)
        statements = [_table(con, name) for name in _tables(con)]
        for table, keys in DEDUPED.items():
            order = "created_at" if table == "runs" else "item_json"
            statements.append(
                f"CREATE VIEW {table} AS SELECT * FROM {table}_stored QUALIFY row_number() "
                f"OVER (PARTITION BY {', '.join(keys)} ORDER BY {order}) = 1"
            )
        views = con.execute(
            "SELECT sql FROM duckdb_views() WHERE NOT internal AND database_name = 'memory' "
            "ORDER BY view_oid"
        ).fetchall()
        statements += [str(sql).rstrip(";") for (sql,) in views]
    finally:
        con.close()
    return tuple(statements)


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' ORDER BY table_oid"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _table(con: duckdb.DuckDBPyConnection, name: str) -> str:
    columns = con.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE database_name = 'memory' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    body = ", ".join(f"{c} {t}{'' if nullable else ' NOT NULL'}" for c, t, nullable in columns)
    return f"CREATE TABLE {physical(name, lake=True)} ({body})"


def migrate_lake(con: duckdb.DuckDBPyConnection, where: str) -> list[int]:
    """Create the current schema in an empty lake, or upgrade an older lake in place where
    DuckLake can; return the versions recorded.

    Several writers may open a new (or older) lake at once: DuckLake lets one create (or
    upgrade) the tables and fails the others' commits, which then find the schema in place.

    Raises:
        StoreError: The lake was created by an older evalkit and misses a migration DuckLake
            cannot run in place.
    """
    for attempt in range(1, _ATTEMPTS + 1):
        done = _applied(con)
        if done:
            break
        try:
            _create(con)
            return [v for v, _, _ in MIGRATIONS]
        except (duckdb.FatalException, duckdb.InternalException):
            raise  # this connection is gone; the store opens a new one
        except duckdb.Error:
            # another process created (or is creating) the schema: look again shortly
            if attempt == _ATTEMPTS:
                raise
            time.sleep(min(1.0, 0.05 * attempt) * (0.5 + random.random()))
    missing = _missing(done)
    if missing and not missing <= LAKE_IN_PLACE:
        raise StoreError(
            f"DuckLake store {where} has schema version {max(done)} and this evalkit writes "
            f"version {SCHEMA_VERSION}; a lake's schema is not upgraded in place: create a new "
            "lake and `evalkit merge` the runs into it"
        )
    return _upgrade(con) if missing else []


_ATTEMPTS = 30


def _missing(done: set[int]) -> set[int]:
    return set(range(1, SCHEMA_VERSION + 1)) - done


def _upgrade(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Run the missing in-place migrations in one transaction; another writer doing the same
    at that moment makes this commit fail, and a look again finds them done."""
    for attempt in range(1, _ATTEMPTS + 1):
        missing = _missing(_applied(con))
        if not missing:
            return []
        try:
            _run_in_place(con, sorted(missing))
            return sorted(missing)
        except (duckdb.FatalException, duckdb.InternalException):
            raise
        except duckdb.Error:
            if attempt == _ATTEMPTS:
                raise
            time.sleep(min(1.0, 0.05 * attempt) * (0.5 + random.random()))
    return []


def _run_in_place(con: duckdb.DuckDBPyConnection, versions: list[int]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for version, name, func in MIGRATIONS:
            if version in versions:
                func(con)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Recorded versions; none while another process's half-created schema is unreadable."""
    try:
        return applied_versions(con)
    except duckdb.Error:
        _rollback(con)
        return set()


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for sql in lake_ddl():
            con.execute(sql)
        con.executemany(
            "INSERT INTO schema_migrations VALUES (?, ?, now())",
            [[v, n] for v, n, _ in MIGRATIONS],
        )
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already ended it)."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")
