"""Opening a DuckLake store: extensions from their PyPI packages, credentials from the environment.

Nothing is downloaded at run time: the ``duckdb-ext-*`` packages (the ``lake`` extra) install the
extension files for DuckDB 1.4.4, which are loaded by path with auto-install off. Secrets are read
from the environment into an in-memory DuckDB secret, registered for redaction, and never written
to the catalog (the catalog stores only the data path).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from evalkit._secrets import redact, remember
from evalkit.errors import StoreError
from evalkit.store._spec import StoreSpec

LAKE_DUCKDB = "1.4.4"
"""The DuckDB version whose extension packages the ``lake`` extra pins."""
INSTALL_HINT = "pip install 'evalkit[lake]'"
LAKE_ALIAS = "lake"

_EXTENSIONS = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner", "duckdb": None}
_PACKAGES = {
    "ducklake": "duckdb-ext-ducklake",
    "sqlite_scanner": "duckdb-ext-sqlite",
    "postgres_scanner": "duckdb-ext-postgres",
    "httpfs": "duckdb-ext-httpfs",
}

_RETRIES = 100
"""DuckLake retries a commit that raced another writer's; many shards start and finish together."""


def extension_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """The folder of the installed ``duckdb-ext-*`` files for this DuckDB and platform.

    Raises:
        StoreError: The wrong DuckDB version, or no extension package installed.
    """
    if duckdb.__version__ != LAKE_DUCKDB:
        raise StoreError(
            f"a DuckLake store needs DuckDB {LAKE_DUCKDB} with its extension packages; this "
            f"environment has DuckDB {duckdb.__version__}: {INSTALL_HINT}"
        )
    spec = importlib.util.find_spec("duckdb_ext")
    roots = list(spec.submodule_search_locations or []) if spec else []
    row = con.execute("PRAGMA platform").fetchone()
    platform = str(row[0]) if row else ""
    for root in roots:
        folder = Path(root) / "extensions" / f"v{LAKE_DUCKDB}" / platform
        if folder.is_dir():
            return folder
    raise StoreError(
        f"a DuckLake store needs the DuckDB extension packages (none found for DuckDB "
        f"{LAKE_DUCKDB} on {platform}): {INSTALL_HINT}"
    )


def load_extensions(con: duckdb.DuckDBPyConnection, spec: StoreSpec, data_path: str | None) -> bool:
    """LOAD ducklake and what the catalog and data path need, from the package files.

    Returns:
        Whether httpfs was loaded: the data path is remote, or unknown until the catalog is read
        (an existing catalog opened without one may keep its data on S3).
    """
    folder = extension_dir(con)
    names = ["ducklake", _EXTENSIONS[spec.catalog or "duckdb"]]
    known = data_path or _sqlite_data_path(spec)
    remote = known is None or _is_remote(known)
    if remote:
        names.append("httpfs")
    for name in filter(None, names):
        path = folder / f"{name}.duckdb_extension"
        if not path.is_file():
            raise StoreError(
                f"DuckDB extension {name} is not installed ({_PACKAGES[name]}): {INSTALL_HINT}"
            )
        con.execute(f"LOAD '{_quote(str(path))}'")
    return remote


def _sqlite_newest(spec: StoreSpec) -> int | None:
    """The newest snapshot an existing SQLite catalog holds (None: another catalog, or
    unreadable: the reader is then pinned after attaching)."""
    value = _sqlite_value(spec, "SELECT max(snapshot_id) FROM ducklake_snapshot")
    return int(value) if isinstance(value, int) else None


def _sqlite_value(spec: StoreSpec, query: str) -> object:
    file = spec.catalog_file
    if spec.catalog != "sqlite" or file is None or not file.is_file():
        return None
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as db:
            row = db.execute(query).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _sqlite_data_path(spec: StoreSpec) -> str | None:
    """The data path an existing SQLite catalog records (None: another catalog, or unreadable).

    Read with the standard library before DuckDB attaches, so a lake on a local folder never
    loads httpfs (with its TLS stack, about a third of a second of every open)."""
    value = _sqlite_value(spec, "SELECT value FROM ducklake_metadata WHERE key = 'data_path'")
    return str(value) if value else None


def _is_remote(path: str) -> bool:
    return path.startswith(("s3://", "s3a://", "gs://", "r2://", "http://", "https://"))


def _quote(text: str) -> str:
    return text.replace("'", "''")


def s3_secret(con: duckdb.DuckDBPyConnection) -> None:
    """An in-memory S3 secret from ``AWS_*`` variables (nothing when none is set).

    ``AWS_ENDPOINT_URL_S3`` (or ``AWS_ENDPOINT_URL``) points at an S3-compatible server; its
    scheme decides TLS and a custom endpoint uses path-style URLs.
    """
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    token = os.environ.get("AWS_SESSION_TOKEN")
    for value in (key, secret, token):
        remember(value)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if not (key or endpoint or region):
        return
    parts = ["TYPE s3"]
    if key and secret:
        parts += [f"KEY_ID '{_quote(key)}'", f"SECRET '{_quote(secret)}'"]
    if token:
        parts.append(f"SESSION_TOKEN '{_quote(token)}'")
    if region:
        parts.append(f"REGION '{_quote(region)}'")
    if endpoint:
        url = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        parts += [
            f"ENDPOINT '{_quote(url.netloc)}'",
            "URL_STYLE 'path'",
            f"USE_SSL {'true' if url.scheme == 'https' else 'false'}",
        ]
    try:
        con.execute(f"CREATE OR REPLACE SECRET evalkit_s3 ({', '.join(parts)})")
    except duckdb.Error as exc:
        raise StoreError(f"cannot set up S3 access from AWS_* variables: {_first(exc)}") from None


class LakeInvalidated(StoreError):
    """DuckLake failed fatally while attaching (a catalog being created by another process);
    the connection is unusable, a new one may succeed."""


def _first(exc: BaseException) -> str:
    return redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def attach(
    spec: StoreSpec, read_only: bool, snapshot: int | None = None
) -> tuple[duckdb.DuckDBPyConnection, int | None]:
    """An in-memory DuckDB connection with the lake attached as ``lake`` and in use, and the
    DuckLake snapshot it reads.

    A reader is pinned to one snapshot (``snapshot``, else the newest when it opens): every
    query and cursor of a compare then reads the same history while shard writers commit,
    and the report can name it so the compare can be repeated. A writer reads and writes the
    newest (its snapshot is None).

    Raises:
        StoreError: Missing extensions, a missing catalog file when reading, or a catalog that
            cannot be reached (the driver's message, with any secret redacted).
    """
    from evalkit.store._store import _NO_DOWNLOADS, quiet

    remember(os.environ.get("PGPASSWORD"))
    con = duckdb.connect(":memory:", config=_NO_DOWNLOADS)
    quiet(con)  # before the ATTACH, which can take seconds while other writers commit
    try:
        extension_dir(con)  # before anything is created: a missing extra changes nothing
    except StoreError:
        con.close()
        raise
    file = spec.catalog_file
    if file is not None and not file.exists():
        if read_only:
            con.close()
            raise StoreError(
                f"no store at {spec.text}: the catalog file {file} does not exist; `evalkit run` "
                "creates it"
            )
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        new = _is_new(spec)
        if new and spec.catalog == "sqlite" and file is not None and not file.exists():
            _sqlite_wal(file)
        data_path = spec.data_path or (spec.default_data_path() if new else None)
        if load_extensions(con, spec, data_path):
            s3_secret(con)
        con.execute(f"SET ducklake_max_retry_count = {_RETRIES}")
        # a SQLite catalog names its newest snapshot before DuckDB attaches: pin at once
        at = snapshot if not read_only or snapshot is not None else _sqlite_newest(spec)
        _attach_retrying(con, _attach_sql(spec, data_path, read_only, new=new, snapshot=at))
        con.execute(f"USE {LAKE_ALIAS}")
        if read_only:
            snapshot = _pin(con, spec, data_path, at)
    except StoreError:
        con.close()
        raise
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            con.close()
        if isinstance(exc, (duckdb.FatalException, duckdb.InternalException)):
            raise LakeInvalidated(_first(exc)) from None
        if read_only and "creating a new DuckLake is explicitly disabled" in str(exc):
            raise StoreError(
                f"no store at {spec.text}: the catalog holds no DuckLake yet; `evalkit run` "
                "creates it"
            ) from None
        if snapshot is not None and "snapshot" in str(exc).lower():
            raise StoreError(
                f"store {spec.text} has no snapshot {snapshot}: {_first(exc)}; `evalkit runs "
                f"--store {spec.text}` reads the newest, and a compare report names the "
                "snapshot it read"
            ) from None
        if "data_path is not set" in str(exc):
            raise StoreError(
                f"store {spec.text} is a new DuckLake catalog and needs a data path: give "
                "--data-path, EVALKIT_DATA_PATH or [tool.evalkit] data_path (a folder or "
                "s3://bucket/prefix/)"
            ) from None
        raise StoreError(f"cannot open DuckLake store {spec.text}: {_first(exc)}") from None
    return con, (snapshot if read_only else None)


def _pin(
    con: duckdb.DuckDBPyConnection, spec: StoreSpec, data_path: str | None, snapshot: int | None
) -> int:
    """The snapshot a reader reads; an unpinned reader is re-attached at the newest one
    (about 50 ms), so nothing a writer commits later changes what it reads."""
    row = con.execute(f"SELECT id FROM {LAKE_ALIAS}.current_snapshot()").fetchone()
    current = int(row[0]) if row else 0
    if snapshot is not None:
        return current
    con.execute("USE memory")
    con.execute(f"DETACH {LAKE_ALIAS}")
    _attach_retrying(con, _attach_sql(spec, data_path, True, new=False, snapshot=current))
    con.execute(f"USE {LAKE_ALIAS}")
    return current


_RACES = ("database is locked", "busy", "conflict", "already exists", "duplicate key")
"""What several processes opening one new catalog at once see; the catalog exists a moment later."""


def _attach_retrying(con: duckdb.DuckDBPyConnection, sql: str, attempts: int = 40) -> None:
    for attempt in range(1, attempts + 1):
        try:
            con.execute(sql)
            return
        except duckdb.Error as exc:
            if attempt == attempts or not any(r in str(exc).lower() for r in _RACES):
                raise
            time.sleep(min(2.0, 0.05 * 1.5**attempt) * (0.5 + random.random()))


@contextlib.contextmanager
def opening(spec: StoreSpec, read_only: bool) -> Iterator[None]:
    """Hold ``<catalog>.lock`` on a SQLite catalog: exclusively while a writer attaches and
    creates or migrates the schema, and around each of its commits (``Store._turn``); shared
    while a reader attaches.

    Four shard processes creating one new SQLite catalog at once (a CI matrix starting
    together) could leave it corrupt ("database disk image is malformed", items lost after a
    resume) in about one run in three of the killed-shard test; four committing at once, in
    about one run in five of the four-shards test. Writers still send requests and score
    concurrently; only their commits take turns. Other catalogs (PostgreSQL, DuckDB) and
    platforms without ``fcntl`` take no lock."""
    file = spec.catalog_file
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        fcntl = None  # type: ignore[assignment]
    if spec.catalog != "sqlite" or file is None or fcntl is None:
        yield
        return
    lock_file = Path(f"{file}.lock")
    if read_only and not lock_file.exists():
        # no lock-aware writer has opened it: a catalog made before the lock, or none (attach
        # says so); a reader creates nothing
        yield
        return
    if not read_only:
        file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "rb" if read_only else "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH if read_only else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_wal(file: Path) -> None:
    """A new SQLite catalog in WAL mode: readers never wait for a writer's commit."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(file)) as con:
        con.execute("PRAGMA journal_mode=WAL")


def _is_new(spec: StoreSpec) -> bool:
    """A file catalog that DuckLake has not initialised yet (it then needs a data path)."""
    file = spec.catalog_file
    if file is None:
        return False
    if not file.exists() or file.stat().st_size == 0:
        return True
    if spec.catalog != "sqlite":
        return False
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as con:
            found = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'ducklake_metadata'"
            ).fetchone()
    except sqlite3.Error as exc:
        raise StoreError(
            f"store {spec.text}: {file} is not a SQLite catalog ({exc}); give the path of a "
            "DuckLake SQLite catalog, or a new file name"
        ) from None
    return not found or not found[0]


def _attach_sql(
    spec: StoreSpec,
    data_path: str | None,
    read_only: bool,
    new: bool,
    snapshot: int | None = None,
) -> str:
    options = []
    if data_path and (new or spec.data_path):
        if not _is_remote(data_path) and not read_only:
            Path(data_path).mkdir(parents=True, exist_ok=True)
        options.append(f"DATA_PATH '{_quote(data_path)}'")
    if read_only:
        options.append("READ_ONLY")
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    tail = f" ({', '.join(options)})" if options else ""
    url = LAKE_PREFIX_FOR[spec.catalog or "duckdb"] + spec.target
    return f"ATTACH '{_quote(url)}' AS {LAKE_ALIAS}{tail}"


LAKE_PREFIX_FOR = {
    "sqlite": "ducklake:sqlite:",
    "postgres": "ducklake:postgres:",
    "duckdb": "ducklake:",
}
"""How DuckDB's ATTACH names each catalog kind (a DuckDB catalog is plain ``ducklake:PATH``)."""
