"""The typed row classes are the one definition of each written table: they match the live DDL."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import duckdb
import pyarrow as pa
import pytest

from evalkit.store import ResponseRow, RunStatus, ScoreRow, Store
from evalkit.store._rows import ROW_CLASSES, arrow_schema, to_arrow

_DUCK = {
    pa.string(): "VARCHAR",
    pa.int64(): "INTEGER",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us"): "TIMESTAMP",
    pa.list_(pa.string()): "VARCHAR[]",
}


def _columns(store, table):
    return {
        name: (kind, nullable == "YES")
        for name, kind, nullable in store.con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = ? AND table_catalog = current_database()",
            [table],
        ).fetchall()
    }


@pytest.fixture(scope="module")
def lake_store(tmp_path_factory):
    from tests.store.conftest import lake_missing

    reason = lake_missing()
    if reason:
        pytest.skip(reason)
    store = Store(f"ducklake:sqlite:{tmp_path_factory.mktemp('lake') / 'meta.sqlite'}")
    yield store
    store.close()


@pytest.mark.parametrize("cls", ROW_CLASSES, ids=lambda c: c.__name__)
def test_every_row_class_matches_its_table_after_all_migrations(cls):
    with Store(":memory:") as store:
        live = _columns(store, cls.TABLE)
    _check_row_class(cls, live)


@pytest.mark.parametrize("cls", ROW_CLASSES, ids=lambda c: c.__name__)
def test_every_row_class_matches_its_table_in_a_fresh_lake(cls, lake_store):
    from evalkit.store._lake_schema import physical

    stored = _columns(lake_store, physical(cls.TABLE, lake=True))
    _check_row_class(cls, stored)
    # what is written (``runs_stored``, ``items_stored``) and what is read agree
    read = _columns(lake_store, cls.TABLE)
    assert {k: v[0] for k, v in stored.items()} == {k: v[0] for k, v in read.items()}


@pytest.mark.parametrize("cls", ROW_CLASSES, ids=lambda c: c.__name__)
def test_every_row_class_key_is_its_tables_primary_key_in_a_file(cls):
    with Store(":memory:") as store:
        found = store.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [cls.TABLE],
        ).fetchall()
    assert [tuple(found[0][0])] == [cls.KEY]


def test_a_lake_reads_one_row_per_key_when_two_writers_appended_it(lake_store):
    from evalkit.store import RunRecord, utcnow

    row = RunRecord(run_id="twice", name="两次", target_name="t", target_kind="model",
                    target_json="{}", goldensets_json="{}", config_json="{}",
                    evalkit_version="0", repeats=1, status="running", n_items=0,
                    created_at=utcnow())  # fmt: skip
    # as two shards racing to create one grouped run would: both appends land
    for _ in range(2):
        lake_store.con.execute(
            "INSERT INTO runs_stored BY NAME SELECT * FROM (SELECT ? AS run_id, ? AS name, "
            "'t' AS target_name, 'model' AS target_kind, '{}' AS target_json, "
            "'{}' AS goldensets_json, '{}' AS config_json, '0' AS evalkit_version, "
            "1 AS repeats, 'running' AS status, 0 AS n_items, now() AS created_at)",
            [row.run_id, row.name],
        )
    lake_store.create_run(row)  # keyed: a third copy is not added
    assert lake_store.con.execute(
        "SELECT count(*) FROM runs_stored WHERE run_id = 'twice'"
    ).fetchone() == (2,)
    assert lake_store.con.execute(
        "SELECT count(*) FROM runs WHERE run_id = 'twice'"
    ).fetchone() == (1,)
    lake_store.finish_run("twice", RunStatus.FINISHED)  # every copy
    assert lake_store.run("twice").status == "finished" and lake_store.run("twice").name == "两次"


def _check_row_class(cls, live):
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

items = qa_items(int(sys.argv[2]))
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


@pytest.mark.skipif(
    duckdb.__version__.startswith("1.4."),
    reason="DuckDB 1.4 (the lake extra's pin) imports pandas, and so pyarrow, whenever a query "
    "binds a parameter; the default install's newer DuckDB does not",
)
@pytest.mark.parametrize("pairs", [2, 900])
def test_a_run_is_stored_without_loading_arrow(tmp_path, pairs):
    """Batches of any size go in as one list parameter per column (no pyarrow, no pandas,
    ~0.5 s of a run's start-up); the rows read back as written."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", SMALL_RUN, str(tmp_path / "s.duckdb"), str(pairs)],
        capture_output=True, text=True, cwd=root, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    n = str(2 * pairs)
    assert out.stdout.split() == ["1", "北京", "Beijing", "混合", n, n, "False"]


def test_no_connection_of_a_store_prints_a_progress_bar(tmp_path):
    """DuckDB's bar goes to stdout after 2 s and would corrupt `--format json` output."""
    with Store(tmp_path / "q.duckdb") as store:
        for con in (store.con, store.cursor()):
            assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (
                False,
            )


def _reply(store):
    row = ResponseRow(
        run_id="r", item_id="i0", repeat=0, request_hash="h", target_name="t",
        text="北京 Beijing", cached=False, attempts=1, created_at=datetime(2026, 1, 1),
    )  # fmt: skip
    store.write_batch([row], [], [])


def test_has_replies_is_false_only_before_any_reply_is_stored():
    # a run skips its cache lookup (and the scorers' signatures) on a store without replies
    with Store(":memory:") as store:
        assert store.has_replies() is False
        _reply(store)
        assert store.has_replies() is True


def test_has_replies_on_a_lake(tmp_path):
    from tests.store.conftest import lake_missing

    reason = lake_missing()
    if reason:
        pytest.skip(reason)
    with Store(f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}") as store:
        assert store.has_replies() is False
        _reply(store)
        assert store.has_replies() is True
