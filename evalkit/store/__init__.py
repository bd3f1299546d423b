"""The DuckDB result store."""

from evalkit.store._merge import merge_shards
from evalkit.store._migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from evalkit.store._store import DEFAULT_STORE, STORE_ENV, RunCounts, Store, default_store_path

__all__ = [
    "DEFAULT_STORE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "RunCounts",
    "Store",
    "default_store_path",
    "merge_shards",
    "migrate",
]
