from __future__ import annotations

import duckdb

from evalkit.store import MIGRATIONS, Store, migrate


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
