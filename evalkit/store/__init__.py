"""The DuckDB result store."""

from evalkit.store._merge import merge_shards
from evalkit.store._migrations import MIGRATIONS, migrate
from evalkit.store._store import DEFAULT_STORE, STORE_ENV, Store, default_store_path

__all__ = [
    "DEFAULT_STORE",
    "MIGRATIONS",
    "STORE_ENV",
    "Store",
    "default_store_path",
    "merge_shards",
    "migrate",
]
