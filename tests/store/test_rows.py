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
