"""The DuckDB result store."""

from evalkit.store._merge import merge_shards
from evalkit.store._migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from evalkit.store._rows import (
    ErrorRow,
    ResponseRow,
    RunRecord,
    RunStatus,
    ScoreKind,
    ScoreRow,
    StoredRun,
    VerdictRow,
    VerdictStatus,
)
from evalkit.store._store import (
    DEFAULT_STORE,
    STORE_ENV,
    RunCounts,
    Store,
    StoredVerdict,
    default_store_path,
    utcnow,
)

__all__ = [
    "DEFAULT_STORE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "ErrorRow",
    "ResponseRow",
    "RunCounts",
    "RunRecord",
    "RunStatus",
    "ScoreKind",
    "ScoreRow",
    "Store",
    "StoredRun",
    "StoredVerdict",
    "VerdictRow",
    "VerdictStatus",
    "default_store_path",
    "merge_shards",
    "migrate",
    "utcnow",
]
