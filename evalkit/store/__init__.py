"""The result store: a DuckDB file by default, or a shared DuckLake catalog."""

from evalkit.store._merge import merge_shards
from evalkit.store._migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from evalkit.store._reuse import Copied, Reuse, copy_cached
from evalkit.store._rows import (
    ErrorRow,
    ResponseRow,
    RunRecord,
    RunStatus,
    ScoreKind,
    ScoreRow,
    ShardRow,
    StoredRun,
    VerdictRow,
    VerdictStatus,
)
from evalkit.store._shards import (
    ShardProgress,
    finish_shard,
    group_run_id,
    restart_shard,
    shard_progress,
    shard_row,
    start_shard,
)
from evalkit.store._spec import DATA_PATH_ENV, StoreSpec, parse_store
from evalkit.store._store import (
    DEFAULT_STORE,
    STORE_ENV,
    RunCounts,
    Store,
    StoredLabel,
    StoredVerdict,
    default_store_path,
    utcnow,
)

__all__ = [
    "DATA_PATH_ENV",
    "DEFAULT_STORE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "Copied",
    "ErrorRow",
    "ResponseRow",
    "Reuse",
    "RunCounts",
    "RunRecord",
    "RunStatus",
    "ScoreKind",
    "ScoreRow",
    "ShardProgress",
    "ShardRow",
    "Store",
    "StoreSpec",
    "StoredLabel",
    "StoredRun",
    "StoredVerdict",
    "VerdictRow",
    "VerdictStatus",
    "copy_cached",
    "default_store_path",
    "finish_shard",
    "group_run_id",
    "merge_shards",
    "migrate",
    "parse_store",
    "restart_shard",
    "shard_progress",
    "shard_row",
    "start_shard",
    "utcnow",
]
