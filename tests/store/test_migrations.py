from __future__ import annotations

import duckdb
import pytest

from evalkit.errors import StoreError
from evalkit.store import MIGRATIONS, Store, migrate
from evalkit.store._migrations import applied_versions


def test_migrations_apply_once_and_are_recorded():
    con = duckdb.connect(":memory:")
    assert migrate(con) == [v for v, _, _ in MIGRATIONS]
    assert migrate(con) == []
    rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(v, n) for v, n, _ in MIGRATIONS]


def test_migration_tables_exist():
    con = duckdb.connect(":memory:")
    migrate(con)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {
        "runs",
        "items",
        "run_items",
        "responses",
        "errors",
        "scores",
        "scored",
        "run_metrics",
    } <= tables


def test_store_in_memory_and_env_override(tmp_path, monkeypatch):
    assert Store(":memory:").path == ":memory:"
    target = tmp_path / "x" / "e.duckdb"
    monkeypatch.setenv("EVALKIT_STORE", str(target))
    store = Store()
    assert store.path == str(target)
    store.close()
    assert target.exists()


def test_store_default_reads_pyproject(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALKIT_STORE", raising=False)
    (tmp_path / "pyproject.toml").write_text('[tool.evalkit]\nstore = "db/custom.duckdb"\n')
    monkeypatch.chdir(tmp_path)
    from evalkit.store import default_store_path

    assert default_store_path() == "db/custom.duckdb"
    assert default_store_path("flag.duckdb") == "flag.duckdb"


def _store_at_schema_9(path, monkeypatch):
    """A DuckDB file as evalkit with schema 9 left it, holding one reply."""
    from evalkit.store import _migrations

    with monkeypatch.context() as m:
        m.setattr(_migrations, "MIGRATIONS", MIGRATIONS[:9])
        con = duckdb.connect(str(path))
        assert migrate(con) == list(range(1, 10))
    con.execute(
        "INSERT INTO responses (run_id, item_id, repeat, request_hash, target_name, text, "
        "latency_ms, cached, attempts, created_at) "
        "VALUES ('old', 'q-zh', 0, 'h', 't', '北京 Beijing', 120.5, FALSE, 1, now())"
    )
    con.close()


def test_a_store_from_schema_9_is_refused_for_reading_and_gets_ttft_ms_when_migrated(
    tmp_path, monkeypatch
):
    path = tmp_path / "old.duckdb"
    _store_at_schema_9(path, monkeypatch)
    with pytest.raises(StoreError, match=r"schema version 9 .*`evalkit migrate"):
        Store(path, read_only=True)
    with Store(path) as store:  # a writer migrates
        assert 10 in applied_versions(store.con)
        row = store.con.execute(
            "SELECT text, latency_ms, ttft_ms FROM responses WHERE run_id = 'old'"
        ).fetchone()
    assert row == ("北京 Beijing", 120.5, None)  # an old reply's TTFT is unknown, not 0
    with Store(path, read_only=True) as store:  # and is read like a new one from then on
        assert store.con.execute("SELECT ttft_ms FROM responses").fetchall() == [(None,)]
