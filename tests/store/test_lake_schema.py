"""A lake made by an older evalkit is upgraded in place where DuckLake can run the migration."""

from __future__ import annotations

from datetime import datetime

import pytest

from evalkit.errors import StoreError
from evalkit.store import MIGRATIONS, ResponseRow, Store, _lake_schema, _migrations
from evalkit.store._migrations import LAKE_IN_PLACE, applied_versions


def _reply(item_id: str, text: str, ttft_ms: float | None = None) -> ResponseRow:
    return ResponseRow(
        run_id="r", item_id=item_id, repeat=0, request_hash=f"h-{item_id}", target_name="t",
        text=text, cached=False, attempts=1, created_at=datetime(2026, 1, 1), latency_ms=300.0,
        ttft_ms=ttft_ms,
    )  # fmt: skip


@pytest.fixture
def lake_at_schema_9(lake_ok, tmp_path, monkeypatch):
    """A new lake created by an evalkit whose newest migration was 9, holding one reply."""
    spec = f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}"
    with monkeypatch.context() as m:
        for module in (_migrations, _lake_schema):
            m.setattr(module, "MIGRATIONS", MIGRATIONS[:9])
            m.setattr(module, "SCHEMA_VERSION", 9)
        _lake_schema.lake_ddl.cache_clear()
        with Store(spec) as old:
            columns = old.con.execute("SELECT * FROM responses LIMIT 0").description
            assert "ttft_ms" not in {c[0] for c in columns}
            old.con.execute(
                "INSERT INTO responses (run_id, item_id, repeat, request_hash, target_name, text, "
                "latency_ms, cached, attempts, created_at) "
                "VALUES ('r', 'q-zh', 0, 'h-q-zh', 't', '北京 Beijing', 120.5, FALSE, 1, now())"
            )
    _lake_schema.lake_ddl.cache_clear()
    return spec


def test_the_ttft_migration_runs_in_place_on_a_lake():
    assert 10 in LAKE_IN_PLACE


def test_a_lake_from_schema_9_is_upgraded_in_place_and_keeps_its_rows(lake_at_schema_9):
    spec = lake_at_schema_9
    with pytest.raises(StoreError, match=r"schema version 9 .*`evalkit migrate"):
        Store(spec, read_only=True)
    with Store(spec) as store:  # a writer (run, merge, migrate) upgrades it
        assert 10 in applied_versions(store.con)
        store.write_batch([_reply("q-mixed", "答案是 Beijing。", ttft_ms=42.0)], [], [])
    with Store(spec, read_only=True) as store:
        rows = store.con.execute(
            "SELECT item_id, text, latency_ms, ttft_ms FROM responses ORDER BY item_id"
        ).fetchall()
    assert rows == [
        ("q-mixed", "答案是 Beijing。", 300.0, 42.0),
        ("q-zh", "北京 Beijing", 120.5, None),  # stored before: unknown, not 0
    ]


def test_a_lake_missing_a_migration_that_cannot_run_in_place_is_still_refused(
    lake_at_schema_9, monkeypatch
):
    monkeypatch.setattr(_lake_schema, "LAKE_IN_PLACE", frozenset())
    with pytest.raises(StoreError, match="not upgraded in place"):
        Store(lake_at_schema_9)
