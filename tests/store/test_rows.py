"""The typed row classes are the one definition of each written table: they match the live DDL."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pyarrow as pa
import pytest

from evalkit.store import ResponseRow, ScoreRow, Store
from evalkit.store._rows import ROW_CLASSES, arrow_schema, to_arrow

_DUCK = {
    pa.string(): "VARCHAR",
    pa.int64(): "INTEGER",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us"): "TIMESTAMP",
    pa.list_(pa.string()): "VARCHAR[]",
}


@pytest.mark.parametrize("cls", ROW_CLASSES, ids=lambda c: c.__name__)
def test_every_row_class_matches_its_table_after_all_migrations(cls):
    with Store(":memory:") as store:
        live = {
            name: (kind, nullable == "YES")
            for name, kind, nullable in store.con.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_name = ?",
                [cls.TABLE],
            ).fetchall()
        }
    schema = arrow_schema(cls)
    assert set(schema.names) == set(live), f"{cls.__name__} vs {cls.TABLE}"
    for field in schema:
        kind, _ = live[field.name]
        if kind == "BIGINT":
            kind = "INTEGER"
        assert _DUCK[field.type] == kind, field.name
    # a NOT NULL column is a required field (no default) of the row class
    required = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    not_null = {name for name, (_, nullable) in live.items() if not nullable}
    assert not_null <= required, sorted(not_null - required)


def test_all_null_columns_keep_their_types():
    rows = [
        ResponseRow(
            run_id="r", item_id=f"i{k}", repeat=0, request_hash="h", target_name="t",
            text="北京 Beijing", cached=False, attempts=1, created_at=datetime(2026, 1, 1),
        )
        for k in range(2)
    ]  # fmt: skip
    table = to_arrow(rows)
    assert table.schema.field("latency_ms").type == pa.float64()
    assert table.column("text").to_pylist() == ["北京 Beijing"] * 2
    assert table.column("cost").null_count == 2


def test_rows_are_immutable():
    row = ScoreRow(run_id="r", item_id="i", repeat=0, metric="m", kind="bool", signature="s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.metric = "other"  # type: ignore[misc]


SMALL_RUN = r"""
import sys
from evalkit.store import ResponseRow, RunRecord, ScoreRow, Store, utcnow
from tests._helpers import make_set, qa_items

items = qa_items(2)
with Store(sys.argv[1]) as store:
    store.create_run(RunRecord(run_id="r", name="小", target_name="t", target_kind="model",
                               target_json="{}", goldensets_json="{}", config_json="{}",
                               evalkit_version="0", repeats=1, status="finished", n_items=4,
                               created_at=utcnow()))
    store.add_items("r", [make_set(items)])
    store.write_batch(
        [ResponseRow(run_id="r", item_id=i.id, repeat=0, request_hash=i.id, target_name="t",
                     text="北京 Beijing 混合", cached=False, attempts=1, created_at=utcnow())
         for i in items],
        [],
        [ScoreRow(run_id="r", item_id=i.id, repeat=0, metric="correct", kind="bool",
                  signature="s", value_bool=True) for i in items],
    )
    texts = {t for (t,) in store.con.execute("SELECT text FROM responses").fetchall()}
    tags = store.con.execute("SELECT count(*) FROM items WHERE tags IS NOT NULL").fetchone()[0]
    print(len(texts), texts.pop(), store.counts("r").answered, tags, "pyarrow" in sys.modules)
"""


def test_a_small_run_is_stored_without_loading_arrow(tmp_path):
    """Small batches use VALUES (no pyarrow, no pandas); the rows read back as written."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", SMALL_RUN, str(tmp_path / "s.duckdb")],
        capture_output=True, text=True, cwd=root, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "北京", "Beijing", "混合", "4", "4", "False"]
