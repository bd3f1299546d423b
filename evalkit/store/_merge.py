"""`evalkit merge`: runs move between stores (DuckDB files and DuckLake catalogs, either way).

Three cases, decided by what the sources hold:

* the shards of an ungrouped sharded run (``--shard i/n``, one store each) become one new run;
* the shards of a grouped run (``--group KEY``, one run id everywhere) are copied under their id,
  with their ``run_shards`` rows, so the run is finished once every shard is present;
* any other single run is copied as it is (file to lake, lake to file).

Rows travel as Arrow tables read from each source and written through the destination's keyed
insert, so a merge repeated, or interrupted and repeated, never duplicates a row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit._hashing import content_hash
from evalkit.errors import StoreError
from evalkit.store._lake_schema import physical
from evalkit.store._rows import RunStatus, StoredRun
from evalkit.store._spec import LAKE_PREFIX
from evalkit.store._store import Store, utcnow

if TYPE_CHECKING:
    import pyarrow as pa

_TABLES = ("run_items", "responses", "errors", "scores", "run_shards")


def merge_shards(
    out: Store, shard_paths: list[str | Path], *, run: str = "latest", name: str | None = None
) -> str:
    """Copy run ``run`` of every source store into ``out``; return the run's id there.

    Shards of an ungrouped run must be the same target, sets and repeats, with ``--shard i/n``
    covering every i of one n exactly once; the merged run holds exactly what an unsharded run
    would. Shards of a grouped run must together cover every shard of it.
    """
    shards = [_read_shard(str(p), run) for p in shard_paths]
    grouped = {s.row.run_id for s in shards if s.row.config.get("group")}
    if grouped or (len(shards) == 1 and not shards[0].row.config.get("shard")):
        return _copy_as_is(out, shards, grouped)
    _check_compatible(shards)
    run_id = shards[0].row.run_id.rsplit("-s", 1)[0] + f"-m{len(shards)}"
    out.atomic(lambda: _copy(out, shards, run_id))
    _finish_row(out, run_id, shards, name)
    return run_id


@dataclass(frozen=True)
class _Shard:
    path: str
    """The source store's spec."""
    row: StoredRun
    shard_indexes: tuple[int, ...] = ()


def _read_shard(path: str, run: str) -> _Shard:
    if not path.startswith(LAKE_PREFIX) and not Path(path).is_file():
        raise StoreError(f"{path}: no such shard store")
    with Store(path, read_only=True) as db:
        row = db.run(db.resolve_run_id(run))
        indexes = db.con.execute(
            "SELECT DISTINCT shard_index FROM run_shards WHERE run_id = ? ORDER BY 1", [row.run_id]
        ).fetchall()
    return _Shard(path, row, tuple(int(i) for (i,) in indexes))


def _copy_as_is(out: Store, shards: list[_Shard], grouped: set[str]) -> str:
    ids = {s.row.run_id for s in shards}
    if len(ids) != 1 or (grouped and grouped != ids):
        raise StoreError(
            f"the stores hold different runs ({', '.join(sorted(ids))}); merge the shards of "
            "one run at a time, or copy one run per merge"
        )
    (run_id,) = ids
    if grouped:
        _check_group_cover(shards)

    def copy() -> None:
        for shard in shards:
            with Store(shard.path, read_only=True) as src:
                _copy_run(out, src, run_id, run_id, with_run_row=True)

    out.atomic(copy)
    return run_id


def _check_group_cover(shards: list[_Shard]) -> None:
    count = (shards[0].row.config.get("group") or {}).get("shards")
    seen = sorted(i for s in shards for i in set(s.shard_indexes))
    if count is None or sorted(set(seen)) != list(range(1, int(count) + 1)):
        raise StoreError(
            f"shards {seen} of grouped run {shards[0].row.run_id} do not cover 1..{count}; "
            "give every shard's store (a shard still missing can be run into OUT later)"
        )


def _check_compatible(shards: list[_Shard]) -> None:
    rows = [s.row for s in shards]
    specs = {(r.target_json, r.repeats) for r in rows}
    if len(specs) != 1:
        raise StoreError("shards differ in target or repeats; merge only shards of one run")
    marks = [tuple(r.config.get("shard") or ()) for r in rows]
    if any(len(m) != 2 for m in marks):
        raise StoreError("every store to merge must hold a run made with --shard i/n")
    n = marks[0][1]
    if sorted(m[0] for m in marks) != list(range(1, n + 1)) or {m[1] for m in marks} != {n}:
        raise StoreError(f"shards {sorted(marks)} do not cover 1..{n} exactly once")


def _copy(out: Store, shards: list[_Shard], run_id: str) -> None:
    for i, shard in enumerate(shards):
        with Store(shard.path, read_only=True) as src:
            _copy_run(out, src, shard.row.run_id, run_id, with_run_row=i == 0)


def _copy_run(out: Store, src: Store, old: str, new: str, *, with_run_row: bool) -> None:
    """Every row of run ``old`` in ``src`` into ``out`` as run ``new`` (keyed: never twice)."""
    items = _arrow(
        src,
        "SELECT DISTINCT i.* FROM items i JOIN run_items ri USING (item_id, content_hash) "
        "WHERE ri.run_id = ?",
        [old],
    )
    out.insert_arrow("items", items)
    for table in (("runs",) if with_run_row else ()) + _TABLES:
        rows = _arrow(
            src, f"SELECT * REPLACE (? AS run_id) FROM {table} WHERE run_id = ?", [new, old]
        )
        out.insert_arrow(table, rows)


def _arrow(src: Store, sql: str, params: list[Any]) -> pa.Table:
    """A query's result as an Arrow table (DuckDB 1.4 and 2.x name the call differently)."""
    rel = src.con.sql(sql, params=params)
    fetch = getattr(rel, "to_arrow_table", None) or getattr(rel, "fetch_arrow_table")  # noqa: B009
    return fetch()


def _finish_row(out: Store, run_id: str, shards: list[_Shard], name: str | None) -> None:
    rows = [s.row for s in shards]
    config = dict(rows[0].config, shard=None, merged_from=[r.run_id for r in rows])
    done = all(r.status == RunStatus.FINISHED for r in rows)
    status = (RunStatus.FINISHED if done else RunStatus.FINISHED_WITH_ERRORS).value
    out.con.execute(
        f"UPDATE {physical('runs', out.is_lake)} SET name = ?, config_json = ?, "
        "goldensets_json = ?, n_items = ?, status = ?, finished_at = ? WHERE run_id = ?",
        [
            name or rows[0].name,
            json.dumps(config),
            json.dumps(_set_hashes(out, run_id)),
            sum(r.n_items for r in rows),
            status,
            utcnow(),
            run_id,
        ],
    )


def _set_hashes(out: Store, run_id: str) -> dict[str, Any]:
    """Recompute each set's hash over the merged items, as an unsharded run records it."""
    sets: dict[str, Any] = {}
    for set_name, version, hashes in out.con.execute(
        """
        SELECT i.set_name, any_value(i.set_version), list(i.content_hash)
        FROM run_items ri JOIN items i USING (item_id, content_hash)
        WHERE ri.run_id = ? GROUP BY i.set_name
        """,
        [run_id],
    ).fetchall():
        sets[set_name] = {
            "version": version,
            "hash": content_hash([version, sorted(hashes)]),
            "n": len(hashes),
        }
    return sets
