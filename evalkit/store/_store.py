"""The DuckDB result store: open, migrate, ingest in bulk through Arrow, read back as pandas."""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb

from evalkit.errors import StoreError
from evalkit.store._lake_schema import migrate_lake, physical
from evalkit.store._migrations import migrate
from evalkit.store._rows import (
    ROW_BY_TABLE,
    ErrorRow,
    ItemRow,
    ResponseRow,
    Row,
    RunItemRow,
    RunRecord,
    RunStatus,
    ScoreRow,
    StoredRun,
    VerdictRow,
    VerdictStatus,
    row_fields,
    to_arrow,
)
from evalkit.store._spec import DEFAULT_STORE, STORE_ENV, parse_store, resolve_store_text

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from evalkit.goldensets import GoldenItem, GoldenSet

TRUNCATED = "finish_reason IN ('length', 'max_tokens')"
"""A reply cut off at the token limit (OpenAI ``length``, Anthropic ``max_tokens``)."""


def default_store_path(explicit: str | Path | None = None) -> str:
    """Store location: explicit flag, then ``EVALKIT_STORE``, then pyproject, then the default."""
    return resolve_store_text(explicit)


def _check_file(path: Path, read_only: bool) -> None:
    """Refuse what is not a DuckDB database before DuckDB sees it; create nothing when reading."""
    if not path.exists():
        if read_only:
            raise StoreError(
                f"no store at {path}; `evalkit run` creates one, or pass --store / set "
                f"{STORE_ENV} to an existing store"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if path.is_dir():
        raise StoreError(f"store {path} is a folder; give the path of a DuckDB file")
    with path.open("rb") as fh:
        head = fh.read(16)
    if len(head) and head[8:12] != _DUCKDB_MAGIC:
        kind = "a SQLite database" if head.startswith(b"SQLite format 3") else "not a DuckDB file"
        raise StoreError(
            f"store {path} is {kind}; give the path of an evalkit DuckDB store (e.g. "
            f"{DEFAULT_STORE})"
        )


def _open_error(path: str, exc: duckdb.Error) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"store {path} is being written by another process ({text.splitlines()[0]}); wait "
            "for it to finish, or give each writer its own store and `evalkit merge` them"
        )
    return f"cannot open store {path}: {text.splitlines()[0]}"


def utcnow() -> datetime:
    """Naive UTC timestamp for DuckDB TIMESTAMP columns."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


_T = TypeVar("_T")
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()
"""Every store not yet closed, so that the command line can close them before it leaves."""


def close_open_stores() -> None:
    """Close every store still open (each checkpoints its file): the `evalkit` command calls
    this before it ends the process without tearing the interpreter down."""
    for store in list(_OPEN):
        store.close()


_JSON_COLUMNS = ("target_json", "goldensets_json", "config_json")

_DUCKDB_MAGIC = b"DUCK"
"""Bytes 8-11 of every DuckDB database file."""

_NO_DOWNLOADS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
"""Never let DuckDB fetch an extension at run time (a SQLite or Parquet path would otherwise
make it try to download one)."""


def quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bar on this connection or cursor: DuckDB prints one to stdout for a query
    slower than 2 s (a loaded machine, a lake on S3), which would land in `--format json` output.

    In Jupyter without ipywidgets DuckDB refuses to change the setting at all (and draws no bar
    there either), so a refusal is ignored.
    """
    with suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")


_FATAL_ATTEMPTS = 5
"""Fresh connections tried when DuckLake invalidates one while a new catalog is being created."""

_LAKE_ATTEMPTS = 40
"""Tries of one lake write that races other writers (about a minute of backing off)."""

_TRANSIENT = ("database is locked", "conflict", "could not serialize", "busy")


def _transient(exc: duckdb.Error) -> bool:
    """A commit that lost a race (retry it), not a bug or a bad statement (raise it)."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or any(t in text for t in _TRANSIENT)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed DuckLake COMMIT has ended it)."""
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _ingest_lake(
    con: duckdb.DuckDBPyConnection, cls: type[Row], batch: pa.Table, replace: bool
) -> None:
    """Keyed writes without keys: insert what is absent by anti-join; replace by delete+insert.

    Each runs in the caller's transaction, so a writer never sees its own half-written batch;
    another writer's concurrent append of the same key is possible and read paths tolerate it.
    """
    table = physical(cls.TABLE, lake=True)
    on = " AND ".join(f"t.{k} = b.{k}" for k in cls.KEY)
    if replace or cls.TABLE == "errors":
        con.execute(f"DELETE FROM {table} t USING batch b WHERE {on}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch")
        return
    keys = ", ".join(cls.KEY)
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT b.* FROM batch b ANTI JOIN {table} USING ({keys})"
    )


@dataclass(frozen=True)
class RunCounts:
    """What happened to every request a run planned: the one definition of "failed".

    Attributes:
        run_id: The run.
        status: ``running`` (in progress, or killed), ``finished`` or ``finished_with_errors``.
        planned: Items x repeats.
        answered: Requests with a stored response.
        failed: Requests whose last attempt failed and that have no response.
        missing: Requests never attempted (a killed or still running run).
        truncated: Answered requests cut off at the token limit (``finish_reason`` ``length``
            or ``max_tokens``): their replies may be incomplete.
        estimated: Answered requests whose token counts (and so cost) are evalkit's estimate:
            the server reported no usage.
        shards: A grouped run's shard progress (``shards 3/4 finished``), else empty.
    """

    run_id: str
    status: str
    planned: int
    answered: int
    failed: int
    missing: int
    truncated: int = 0
    estimated: int = 0
    shards: str = ""

    @property
    def finished(self) -> bool:
        """The run ended by itself (with or without errors)."""
        return self.status.startswith("finished")

    @property
    def complete(self) -> bool:
        """Finished, and every planned request was attempted."""
        return self.finished and self.missing == 0

    @property
    def error_rate(self) -> float:
        """Failed requests over attempted ones (0 when none was attempted)."""
        attempted = self.answered + self.failed
        return self.failed / attempted if attempted else 0.0

    def describe(self) -> str:
        """One line: status and counts."""
        status = f"{self.status}, {self.shards}" if self.shards else self.status
        return (
            f"{self.run_id} ({status}): {self.planned} planned, {self.answered} answered, "
            f"{self.failed} failed, {self.missing} never attempted"
        )


@dataclass(frozen=True)
class StoredVerdict:
    """One judge's stored verdict on one reply (``value`` None: its reply could not be read)."""

    item_id: str
    repeat: int
    measure: str
    judge_name: str
    judge_model: str
    rubric_hash: str
    value: str | float | None


@dataclass(frozen=True)
class StoredLabel:
    """A stored label score of one reply, with its detail (JSON text) for the judge cascade."""

    item_id: str
    repeat: int
    metric: str
    label: str | None
    detail_json: str | None


def pinned_cache(method: Callable[..., _T]) -> Callable[..., _T]:
    """Ask a pinned lake reader each question once (a `Store` method, or a function taking
    the store first): it reads one DuckLake snapshot, so the answer cannot change, and every
    lake query costs tens of milliseconds of catalog reads (a compare resolved the same run ten
    times). Any other store asks every time."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any) -> _T:
        if self.snapshot is None:
            return method(self, *args)
        # a run question is keyed by the run it resolves to: "base" and its id are one run
        name = method.__name__
        first = args[:1] if name == "resolve_run_id" else map(self.resolve_run_id, args[:1])
        key = (name, *first, *args[1:])
        if key not in self._reads:
            self._reads[key] = method(self, *args)
        return cast(_T, self._reads[key])

    return wrapper


class Store:
    """A DuckDB file (or ``":memory:"``), or a DuckLake catalog, holding runs and their results.

    Args:
        path: Database path or ``ducklake:...`` spec; None resolves flag > env >
            ``[tool.evalkit] store`` > default.
        read_only: Open for reading only: the file must exist, nothing is created or migrated,
            and other readers may hold it at the same time.
        data_path: A DuckLake store's data folder or ``s3://`` prefix; None resolves
            ``EVALKIT_DATA_PATH`` > ``[tool.evalkit] data_path`` > the catalog's own (a new file
            catalog puts it beside itself).
        snapshot: A DuckLake store read at this snapshot (read-only): a compare repeated
            exactly as a report that named it read it. None reads the newest.

    Raises:
        StoreError: The file is missing (read-only), is not a DuckDB database, was written by a
            newer evalkit, or is locked by a writer; or a DuckLake store cannot be opened.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        data_path: str | None = None,
        snapshot: int | None = None,
    ) -> None:
        _OPEN.add(self)
        self.spec = parse_store(path, data_path)
        self.path = self.spec.text
        self.read_only = read_only
        self.is_lake = self.spec.is_lake
        self.snapshot: int | None = None
        self._reads: dict[tuple[Any, ...], Any] = {}
        """The DuckLake snapshot a read-only lake store reads (None: a file, or a writer)."""
        if snapshot is not None and not (self.is_lake and read_only):
            where = "a DuckDB file has no snapshots" if not self.is_lake else "only a reader"
            raise StoreError(
                f"--snapshot {snapshot} needs a DuckLake store opened for reading ({where}); "
                "leave --snapshot out"
            )
        if self.is_lake:
            self._open_lake(read_only, snapshot)
            return
        if self.path != ":memory:":
            _check_file(Path(self.path), read_only)
        try:
            self.con = self._connect(read_only)
        except duckdb.Error as exc:
            raise StoreError(_open_error(self.path, exc)) from exc
        quiet(self.con)
        self._check_schema()
        if not read_only:
            migrate(self.con)

    def _open_lake(self, read_only: bool, snapshot: int | None = None) -> None:
        """Attach, check and (for writing) create the schema, on a fresh connection if needed.

        DuckLake 0.3 can fail fatally (``FatalException``: the in-memory database is
        invalidated) when it reads a SQLite catalog that another process is creating at that
        moment; a new connection a moment later finds it complete. The same for an
        ``InternalException`` ("Calling GetValueInternal on a value that is NULL", seen when
        four shards open one new SQLite catalog at once).
        """
        from evalkit.store._lake import LakeInvalidated, attach, opening

        for attempt in range(1, _FATAL_ATTEMPTS + 1):
            try:
                with opening(self.spec, read_only):
                    self.con, self.snapshot = attach(self.spec, read_only, snapshot)
                    self._check_schema()
                    if not read_only:
                        migrate_lake(self.con, self.path)
                return
            except (duckdb.FatalException, duckdb.InternalException, LakeInvalidated) as exc:
                with suppress(Exception):
                    self.con.close()
                if attempt == _FATAL_ATTEMPTS:
                    raise StoreError(
                        f"cannot open DuckLake store {self.path}: {str(exc).splitlines()[0]}"
                    ) from None
                time.sleep(0.2 * attempt * (0.5 + random.random()))

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(self.path, read_only=read_only, config=_NO_DOWNLOADS)
        except duckdb.ConnectionException as exc:
            # this process already holds the file for writing (a notebook ran ek.run, then
            # ek.compare reads): share that database; this object still only reads
            if read_only and "different configuration" in str(exc):
                return duckdb.connect(self.path, read_only=False, config=_NO_DOWNLOADS)
            raise

    def _check_schema(self) -> None:
        from evalkit.store._migrations import SCHEMA_VERSION, applied_versions

        done = applied_versions(self.con)
        newer = sorted(v for v in done if v > SCHEMA_VERSION)
        if newer:
            self.con.close()
            raise StoreError(
                f"store {self.path} was written by a newer evalkit (schema version {max(newer)}; "
                f"this evalkit knows up to {SCHEMA_VERSION}); upgrade evalkit to read it"
            )
        if self.read_only and set(range(1, SCHEMA_VERSION + 1)) - done:
            self.con.close()
            raise StoreError(
                f"store {self.path} has schema version {max(done, default=0)} and this evalkit "
                f"reads version {SCHEMA_VERSION}; upgrade it once with "
                f"`evalkit migrate --store {self.path}` (reads never change a store)"
            )

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A second cursor on this store (its own result set), reading what ``con`` reads.

        Use this, never ``con.cursor()``: a bare DuckDB cursor starts in the in-memory catalog,
        not in a DuckLake store's attached one.
        """
        cursor = self.con.cursor()
        quiet(cursor)
        if self.is_lake:
            from evalkit.store._lake import LAKE_ALIAS

            cursor.execute(f"USE {LAKE_ALIAS}")
        return cursor

    def close(self) -> None:
        """Close the connection."""
        _OPEN.discard(self)
        if hasattr(self, "con"):
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def create_run(self, record: RunRecord) -> None:
        """Insert a run row."""
        self.atomic(lambda: self._ingest([record]))

    def finish_run(self, run_id: str, status: RunStatus) -> None:
        """Mark a run finished (or failed) now."""
        self.set_run_status(run_id, status.value, utcnow())

    def set_run_status(self, run_id: str, status: str, finished_at: datetime | None) -> None:
        """Set a run row's status and finish time (every copy of it, in a lake)."""
        self.atomic(
            lambda: self.con.execute(
                f"UPDATE {physical('runs', self.is_lake)} SET status = ?, finished_at = ? "
                "WHERE run_id = ?",
                [status, finished_at, run_id],
            )
        )

    def add_items(self, run_id: str, sets: Iterable[GoldenSet]) -> None:
        """Record the items of ``sets`` (once per content hash) and link them to the run."""
        if self.is_lake:
            self.atomic(lambda: self.ingest_items(run_id, sets))
        else:
            self.ingest_items(run_id, sets)

    def ingest_items(self, run_id: str, sets: Iterable[GoldenSet]) -> None:
        """`add_items` inside the caller's transaction."""
        rows: list[ItemRow] = []
        links: list[RunItemRow] = []
        for gs in sets:
            for item, h in zip(gs.items, gs.item_hashes, strict=True):
                rows.append(
                    ItemRow(
                        item_id=item.id,
                        content_hash=h,
                        set_name=gs.name,
                        set_version=gs.version,
                        pair_id=item.pair_id,
                        task=item.task,
                        lang=item.lang,
                        reply_lang=item.expected_reply_lang,
                        expected_behavior=item.expected_behavior,
                        category=item.category,
                        tags=list(item.tags),
                        item_json=item.model_dump_json(exclude_none=True, by_alias=True),
                    )
                )
                links.append(RunItemRow(run_id=run_id, item_id=item.id, content_hash=h))
        self._ingest(rows)
        self._ingest(links)

    def write_batch(
        self,
        responses: Sequence[ResponseRow],
        errors: Sequence[ErrorRow],
        scores: Sequence[ScoreRow],
    ) -> None:
        """Ingest one batch of results atomically: a kill never leaves half a batch."""

        def write() -> None:
            self._ingest(responses)
            self._ingest(errors)
            self._ingest(scores)

        self.atomic(write)

    def write_verdicts(self, verdicts: Sequence[VerdictRow], scores: Sequence[ScoreRow]) -> None:
        """Ingest judge verdicts and the scores aggregated from them, in one transaction."""

        def write() -> None:
            self._ingest(verdicts)
            # a re-judged reply replaces its aggregated judge scores
            self._ingest(scores, replace=True)

        self.atomic(write)

    def atomic(self, write: Callable[[], object]) -> None:
        """Run ``write`` in one transaction; in a lake, again while it races another writer.

        A DuckLake commit can fail when another process commits at the same moment (a
        conflicting snapshot, or a SQLite catalog busy); every evalkit write is keyed (insert
        what is absent, replace one's own keys), so running it again after the rollback is safe.
        """
        attempt = 0
        while True:
            try:
                with self._turn(), self._transaction():
                    write()
                return
            except duckdb.Error as exc:
                attempt += 1
                if not self.is_lake or attempt >= _LAKE_ATTEMPTS or not _transient(exc):
                    raise
                time.sleep(min(2.0, 0.05 * 1.5**attempt) * (0.5 + random.random()))

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """A SQLite-catalog lake's writers commit one at a time (the catalog's lock file): SQLite
        has one writer at a time anyway, and with several shard processes committing at once
        the catalog could end corrupt. Any other store: no lock."""
        if not self.is_lake:
            yield
            return
        from evalkit.store._lake import opening  # takes no lock for other catalogs

        with opening(self.spec, read_only=False):
            yield

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            _rollback(self.con)
            raise

    def verdicts_frame(self, run_id: str) -> pd.DataFrame:
        """Judge verdicts of a run, with item attributes."""
        return self.con.execute(
            """
            SELECT v.*, i.task, i.lang, i.pair_id, i.category, i.expected_behavior
            FROM judge_verdicts v
            JOIN run_items ri ON ri.run_id = v.run_id AND ri.item_id = v.item_id
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE v.run_id = ? ORDER BY v.item_id, v.repeat, v.judge_name
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def stored_verdicts(self, run_id: str) -> list[StoredVerdict]:
        """Every judge verdict of a run that a judge returned (read or not): resume keys."""
        rows = self.con.execute(
            "SELECT item_id, repeat, measure, judge_name, judge_model, rubric_hash, label, score "
            "FROM judge_verdicts WHERE run_id = ? AND status IN (?, ?)",
            [run_id, VerdictStatus.OK.value, VerdictStatus.PARSE_ERROR.value],
        ).fetchall()
        return [
            StoredVerdict(
                item_id=r[0], repeat=r[1], measure=r[2], judge_name=r[3], judge_model=r[4],
                rubric_hash=r[5], value=r[6] if r[6] is not None else r[7],
            )
            for r in rows
        ]  # fmt: skip

    def stored_labels(self, run_id: str, metrics: Iterable[str]) -> list[StoredLabel]:
        """The label scores of a run for these metrics (the deterministic tier's decisions)."""
        wanted = sorted(set(metrics))
        if not wanted:
            return []
        rows = self.con.execute(
            "SELECT item_id, repeat, metric, value_label, detail_json FROM scores "
            "WHERE run_id = ? AND list_contains(?, metric)",
            [self.resolve_run_id(run_id), wanted],
        ).fetchall()
        return [StoredLabel(*r) for r in rows]

    def cached_verdicts(self, request_hashes: Iterable[str]) -> dict[str, str]:
        """Raw judge replies already stored for these request hashes (any run)."""
        import pyarrow as pa

        wanted = pa.table({"request_hash": list(set(request_hashes))})  # noqa: F841
        rows = self.con.execute(
            """
            SELECT v.request_hash, any_value(v.raw_text) FROM judge_verdicts v
            JOIN wanted USING (request_hash) WHERE v.status = 'ok' OR v.status = 'parse_error'
            GROUP BY v.request_hash
            """
        ).fetchall()
        return dict(rows)

    def _ingest(self, rows: Sequence[Row], replace: bool = False) -> None:
        if not rows:
            return
        if self.is_lake:
            _ingest_lake(self.con, type(rows[0]), to_arrow(rows), replace)
            return
        table = type(rows[0]).TABLE
        # Keyed tables ignore rows already stored, so a resumed batch can never double-count; a
        # request that fails again on resume replaces its earlier error (one row per request).
        verb = "INSERT OR REPLACE" if replace or table == "errors" else "INSERT OR IGNORE"
        names = row_fields(type(rows[0]))
        # one list parameter per column, unnested by DuckDB: no Arrow, so a run never loads
        # pyarrow and the pandas it imports on first use (~0.5 s of start-up), and as fast as
        # Arrow (2,000 rows x 3 columns: 15 ms)
        columns = {f"c{i}": [getattr(r, n) for r in rows] for i, n in enumerate(names)}
        select = ", ".join(f"unnest($c{i}) AS {n}" for i, n in enumerate(names))
        self.con.execute(f"{verb} INTO {table} BY NAME SELECT {select}", columns)

    def insert_select(self, cls: type[Row], select: str) -> None:
        """Insert the rows a SELECT yields (named like ``cls``'s columns) into ``cls``'s table,
        keyed as `write_batch` keys them: rows already stored are kept, never doubled."""
        keys = ", ".join(cls.KEY)
        if self.is_lake:
            table = physical(cls.TABLE, lake=True)
            self.con.execute(
                f"INSERT INTO {table} BY NAME SELECT b.* FROM ({select}) b "
                f"ANTI JOIN {table} USING ({keys})"
            )
            return
        self.con.execute(f"INSERT OR IGNORE INTO {cls.TABLE} BY NAME {select}")

    def insert_arrow(self, table: str, batch: pa.Table) -> None:
        """Rows of ``table`` as Arrow (a merge's copy), keyed as `write_batch` keys them."""
        if not batch.num_rows:
            return
        cls = ROW_BY_TABLE[table]
        if self.is_lake:
            _ingest_lake(self.con, cls, batch, replace=False)
            return
        verb = "INSERT OR REPLACE" if table == "errors" else "INSERT OR IGNORE"
        self.con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM batch")

    # -- reading -----------------------------------------------------------------------------

    def has_replies(self) -> bool:
        """Whether any run has stored a reply: without one, a run has nothing to reuse."""
        row = self.con.execute("SELECT EXISTS (SELECT 1 FROM responses)").fetchone()
        return bool(row and row[0])

    def done_keys(self, run_id: str) -> set[tuple[str, int]]:
        """(item_id, repeat) pairs that already have a stored response in ``run_id``."""
        rows = self.con.execute(
            "SELECT item_id, repeat FROM responses WHERE run_id = ?", [run_id]
        ).fetchall()
        return {(r[0], r[1]) for r in rows}

    @pinned_cache
    def run(self, run_id: str) -> StoredRun:
        """One run's row, with its JSON columns decoded."""
        run_id = self.resolve_run_id(run_id)
        cols = [f.name for f in dataclasses.fields(RunRecord)]
        # fetchall, not fetchone: DuckDB 2 refuses a relation's fetch on a connection that holds
        # an unfinished result (compare reads the runs' replies right after this)
        (found,) = self.con.execute(
            f"SELECT {', '.join(cols)} FROM runs WHERE run_id = ?", [run_id]
        ).fetchall()  # resolve_run_id found it: one row
        row = dict(zip(cols, found, strict=True))
        row["status"] = self._status(run_id, row["status"])
        decoded = {k.removesuffix("_json"): json.loads(row[k]) for k in _JSON_COLUMNS}
        return StoredRun(**row, **decoded)

    def _status(self, run_id: str, stored: str) -> str:
        """A grouped run is finished only when all its shards are, whatever its row says."""
        from evalkit.store._shards import shard_progress

        progress = shard_progress(self, run_id)
        return stored if progress is None else progress.status()

    @pinned_cache
    def resolve_run_id(self, ref: str) -> str:
        """Resolve a run reference to its id.

        Accepted: a full run id, a run name (the newest run of that name), a prefix of exactly
        one run id, ``latest``, ``target:NAME`` (newest finished run of a model or router named
        NAME) and ``branch:NAME`` (newest finished run made on git branch NAME, e.g.
        ``branch:main``). Characters are literal (``%`` and ``_`` are no wildcards).

        Raises:
            StoreError: No run matches, or a prefix matches several runs (they are listed).
        """
        kind, _, value = ref.partition(":")
        if ref == "latest":
            row = self.con.execute(
                "SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
        elif kind in ("target", "branch") and value:
            column = "target_name" if kind == "target" else "git_branch"
            row = self.con.execute(
                f"SELECT run_id FROM runs WHERE {column} = ? AND status LIKE 'finished%' "
                "ORDER BY created_at DESC LIMIT 1",
                [value],
            ).fetchone()
        else:
            row = self.con.execute(
                "SELECT run_id FROM runs WHERE run_id = $ref OR name = $ref "
                "ORDER BY (run_id = $ref) DESC, created_at DESC LIMIT 1",
                {"ref": ref},
            ).fetchone()
            if row is None and ref:
                row = self._unique_prefix(ref)
        if row is None:
            raise StoreError(f"no run {ref!r} in {self.path}; list runs with `evalkit runs`")
        return str(row[0])

    def _unique_prefix(self, ref: str) -> tuple[str] | None:
        matches = self.con.execute(
            "SELECT run_id, name, created_at FROM runs WHERE starts_with(run_id, ?) "
            "ORDER BY created_at DESC",
            [ref],
        ).fetchall()
        if len(matches) > 1:
            shown = "; ".join(f"{m[0]} ({m[1] or 'no name'})" for m in matches[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise StoreError(
                f"run reference {ref!r} is ambiguous: it starts {len(matches)} run ids: "
                f"{shown}{more}; give more of the id, or the run's name"
            )
        return (matches[0][0],) if matches else None

    @pinned_cache
    def counts(self, run_id: str) -> RunCounts:
        """What happened to every request ``run_id`` planned (see `RunCounts`)."""
        run_id = self.resolve_run_id(run_id)
        row = self.con.execute(  # one query: a lake pays catalog reads per query
            f"""
            SELECT r.status, count(o.item_id),
                   count(*) FILTER (WHERE o.outcome = 'answered'),
                   count(*) FILTER (WHERE o.outcome = 'failed'),
                   count(*) FILTER (WHERE o.outcome = 'missing'),
                   any_value(c.truncated), any_value(c.estimated)
            FROM runs r LEFT JOIN outcomes o USING (run_id)
            CROSS JOIN (
                SELECT count(*) FILTER (WHERE {TRUNCATED}) AS truncated,
                       count(*) FILTER (WHERE usage_estimated) AS estimated
                FROM responses WHERE run_id = $run
            ) c
            WHERE r.run_id = $run GROUP BY r.status
            """,
            {"run": run_id},
        ).fetchone()
        assert row is not None  # the run was just resolved
        planned, answered, failed, missing = (int(v) for v in row[1:5])
        truncated, estimated = int(row[5] or 0), int(row[6] or 0)
        from evalkit.store._shards import shard_progress

        progress = shard_progress(self, run_id)
        status = str(row[0]) if progress is None else progress.status()
        return RunCounts(
            run_id, status, planned, answered, failed, missing, truncated, estimated,
            shards=progress.describe() if progress else "",
        )  # fmt: skip

    def metric_means(self, run_id: str) -> list[tuple[str, str, str, int, float]]:
        """(task, metric, lang, items, mean) of a run, repeats averaged per item first; no pandas.

        Only numeric and pass/fail metrics (labels have no mean).
        """
        rows = self.con.execute(
            """
            WITH per_item AS (
                SELECT task, metric, lang, item_id, avg(value) AS v
                FROM scored WHERE run_id = ? AND value IS NOT NULL
                GROUP BY ALL
            )
            SELECT task, metric, lang, count(*), avg(v) FROM per_item
            GROUP BY ALL ORDER BY task, metric, lang
            """,
            [self.resolve_run_id(run_id)],
        ).fetchall()
        return [(str(t), str(m), str(lang), int(n), float(v)) for t, m, lang, n, v in rows]

    def judge_panel_sizes(self, run_id: str) -> pd.DataFrame:
        """Per judge score of a run: how many judges voted (``n_judges``) and which judge tier
        gave it (``decided_by``: ``cheap`` or ``panel``; None for scores stored before the
        cascade recorded it)."""
        return self.con.execute(
            """
            SELECT item_id, repeat, metric,
                   CAST(json_extract(detail_json, '$.n_judges') AS INTEGER) AS n_judges,
                   json_extract_string(detail_json, '$.decided_by') AS decided_by
            FROM scores WHERE run_id = ? AND starts_with(metric, 'judge_')
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def outcomes_frame(self, run_id: str) -> pd.DataFrame:
        """One row per planned request of a run: its outcome, route and error kind."""
        return self.con.execute(
            """
            SELECT o.*, i.task, i.lang, i.pair_id
            FROM outcomes o JOIN items i USING (item_id, content_hash)
            WHERE o.run_id = ? ORDER BY o.item_id, o.repeat
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def runs(
        self,
        *,
        since: datetime | None = None,
        target: str | None = None,
        name: str | None = None,
        branch: str | None = None,
    ) -> pd.DataFrame:
        """Every run, newest first, with the outcome counts of its planned requests.

        A grouped run is one row; its ``shards`` column says how many of its shards finished.

        Args:
            since: Only runs created at or after this time (naive UTC).
            target: Only runs of this model or router.
            name: Only runs of this name.
            branch: Only runs made on this git branch.
        """
        filters = {
            "r.created_at >= $since": since,
            "r.target_name = $target": target,
            "r.name = $name": name,
            "r.git_branch = $branch": branch,
        }
        where = " AND ".join(k for k, v in filters.items() if v is not None) or "TRUE"
        params = {k.rsplit("$", 1)[1]: v for k, v in filters.items() if v is not None}
        return self.con.execute(
            f"""
            WITH counts AS (
                SELECT run_id, count(*) AS planned,
                       count(*) FILTER (WHERE outcome = 'answered') AS answered,
                       count(*) FILTER (WHERE outcome = 'failed') AS failed,
                       count(*) FILTER (WHERE outcome = 'missing') AS missing
                FROM outcomes GROUP BY run_id
            ),
            costs AS (SELECT run_id, sum(cost) AS cost,
                             count(*) FILTER (WHERE {TRUNCATED}) AS truncated
                      FROM responses GROUP BY run_id),
            shards AS (
                SELECT run_id, max(shard_count) AS n,
                       count(DISTINCT shard_index) FILTER (WHERE starts_with(status, 'finished'))
                           AS done,
                       count(DISTINCT shard_index) FILTER (WHERE status = 'finished_with_errors')
                           AS with_errors
                FROM run_shards GROUP BY run_id
            )
            SELECT r.run_id, r.name, r.target_name,
                   CASE WHEN s.n IS NULL THEN r.status
                        WHEN s.done < s.n THEN 'running'
                        WHEN s.with_errors > 0 THEN 'finished_with_errors'
                        ELSE 'finished' END AS status,
                   CASE WHEN s.n IS NOT NULL
                        THEN 'shards ' || s.done || '/' || s.n || ' finished' END AS shards,
                   r.n_items, r.repeats,
                   COALESCE(c.planned, 0) AS planned, COALESCE(c.answered, 0) AS answered,
                   COALESCE(c.failed, 0) AS failed, COALESCE(c.missing, 0) AS missing,
                   COALESCE(k.truncated, 0) AS truncated, k.cost, r.created_at, r.finished_at
            FROM runs r LEFT JOIN counts c USING (run_id) LEFT JOIN costs k USING (run_id)
                 LEFT JOIN shards s USING (run_id)
            WHERE {where}
            ORDER BY r.created_at DESC
            """,
            params,
        ).df()

    def runs_of_target(
        self, target: str, branch: str | None = None
    ) -> list[tuple[str, str | None, datetime]]:
        """(run_id, name, created_at) of every run of ``target`` (made on git ``branch``, when
        given), oldest first."""
        return self.con.execute(
            "SELECT run_id, name, created_at FROM runs WHERE target_name = $target "
            "AND ($branch IS NULL OR git_branch = $branch) ORDER BY created_at",
            {"target": target, "branch": branch},
        ).fetchall()

    def target_branches(self, target: str) -> list[str | None]:
        """The git branches the runs of ``target`` were made on (None: outside git)."""
        rows = self.con.execute(
            "SELECT DISTINCT git_branch FROM runs WHERE target_name = ?", [target]
        ).fetchall()
        return [r[0] for r in rows]

    def route_economics(self, run_id: str) -> pd.DataFrame:
        """Per route of a run (``(direct)`` for a model target): requests, error and fallback
        rates, cost, blended price per million tokens, latency percentiles and time-to-first-token
        percentiles (NULL where no reply of the route was streamed)."""
        return self.con.execute(
            """
            WITH attempts AS (
                SELECT item_id, repeat, COALESCE(route, '(direct)') AS route, target_name,
                       TRUE AS ok, fallback_used, cost, currency, prompt_tokens, completion_tokens,
                       latency_ms, ttft_ms
                FROM responses WHERE run_id = $run
                UNION ALL
                -- the store's one definition of a failed request (see the `outcomes` view)
                SELECT item_id, repeat, COALESCE(route, '(direct)'), target_name, FALSE,
                       FALSE, NULL, NULL, NULL, NULL, NULL, NULL
                FROM outcomes WHERE run_id = $run AND outcome = 'failed'
            )
            SELECT route, string_agg(DISTINCT target_name, ',' ORDER BY target_name) AS models,
                   count(*) AS n,
                   1 - avg(CAST(ok AS DOUBLE)) AS error_rate,
                   avg(CAST(fallback_used AS DOUBLE)) FILTER (WHERE ok) AS fallback_rate,
                   sum(cost) AS cost, any_value(currency) AS currency,
                   sum(cost) / count(*) FILTER (WHERE ok) AS cost_per_item,
                   sum(cost) * 1e6 / NULLIF(sum(prompt_tokens + completion_tokens), 0)
                       AS cost_per_mtok,
                   quantile_cont(latency_ms, 0.50) AS p50_ms,
                   quantile_cont(latency_ms, 0.95) AS p95_ms,
                   quantile_cont(latency_ms, 0.99) AS p99_ms,
                   quantile_cont(ttft_ms, 0.50) AS ttft_p50_ms,
                   quantile_cont(ttft_ms, 0.95) AS ttft_p95_ms
            FROM attempts GROUP BY route ORDER BY route
            """,
            {"run": run_id},
        ).df()

    def route_model_counts(self, run_id: str) -> list[tuple[str, str, int]]:
        """(route, model, answered requests) of a run, most served first within each route."""
        return self.con.execute(
            """
            SELECT COALESCE(route, '(direct)') AS route, target_name, count(*) AS n
            FROM responses WHERE run_id = ? GROUP BY ALL ORDER BY route, n DESC, target_name
            """,
            [run_id],
        ).fetchall()

    def scores_frame(self, run_id: str) -> pd.DataFrame:
        """One row per (item, repeat, metric) of a run, joined with item attributes."""
        return self.con.execute(
            "SELECT * FROM scored WHERE run_id = ? ORDER BY item_id, repeat, metric",
            [self.resolve_run_id(run_id)],
        ).df()

    def responses_frame(self, run_id: str) -> pd.DataFrame:
        """Responses of a run with item attributes."""
        return self.con.execute(
            """
            SELECT resp.*, i.task, i.lang, i.pair_id, i.category, i.content_hash
            FROM responses resp
            JOIN run_items ri ON ri.run_id = resp.run_id AND ri.item_id = resp.item_id
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE resp.run_id = ? ORDER BY resp.item_id, resp.repeat
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def errors_frame(self, run_id: str) -> pd.DataFrame:
        """Error records of a run (every failed attempt sequence, final or later retried)."""
        return self.con.execute(
            "SELECT * FROM errors WHERE run_id = ? ORDER BY item_id, repeat",
            [self.resolve_run_id(run_id)],
        ).df()

    def answered_frame(self, run_id: str, *, include_missing: bool = False) -> pd.DataFrame:
        """Per planned item and repeat of a run: 1.0 if a response is stored, 0.0 if it failed.

        Shaped like `scores_frame` (metric ``answered``) so the error rate is compared and gated
        with the same machinery as quality. Requests never attempted are left out, or, with
        ``include_missing``, count as 0.0 like failures.
        """
        keep = "('answered', 'failed', 'missing')" if include_missing else "('answered', 'failed')"
        return self.con.execute(
            f"""
            SELECT o.item_id, o.repeat, i.pair_id, i.task, i.lang, 'answered' AS metric,
                   CASE WHEN o.outcome = 'answered' THEN 1.0 ELSE 0.0 END AS value,
                   'answered|v1' AS signature
            FROM outcomes o JOIN items i USING (item_id, content_hash)
            WHERE o.run_id = ? AND o.outcome IN {keep}
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def items_frame(self, run_id: str) -> pd.DataFrame:
        """The items of a run as rows: id, content hash, set, pair, task, language, item JSON."""
        return self.con.execute(
            """
            SELECT i.item_id, i.content_hash, i.set_name, i.set_version, i.pair_id, i.task,
                   i.lang, i.item_json
            FROM run_items ri JOIN items i USING (item_id, content_hash)
            WHERE ri.run_id = ? ORDER BY i.item_id
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def run_items(self, run_id: str) -> list[GoldenItem]:
        """The golden items of a run, as they were when it ran."""
        from evalkit.goldensets import GoldenItem

        rows = self.con.execute(
            """
            SELECT i.item_json FROM run_items ri
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE ri.run_id = ? ORDER BY ri.item_id
            """,
            [self.resolve_run_id(run_id)],
        ).fetchall()
        return [GoldenItem.model_validate_json(r[0]) for r in rows]

    def item_hashes(self, run_id: str) -> dict[str, str]:
        """item_id -> content hash for a run."""
        rows = self.con.execute(
            "SELECT item_id, content_hash FROM run_items WHERE run_id = ?",
            [self.resolve_run_id(run_id)],
        ).fetchall()
        return dict(rows)
