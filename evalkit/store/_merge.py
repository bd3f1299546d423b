"""`evalkit merge`: the shards of a run (one DuckDB file each) become one run in one store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit._hashing import content_hash
from evalkit.errors import StoreError
from evalkit.store._rows import RunStatus, StoredRun
from evalkit.store._store import Store, utcnow

_TABLES = ("run_items", "responses", "errors", "scores")


def merge_shards(
    out: Store, shard_paths: list[str | Path], *, run: str = "latest", name: str | None = None
) -> str:
    """Copy run ``run`` of every shard store into ``out`` as one run; return its id.

    The shards must be the same target, sets and repeats, with ``--shard i/n`` covering every i
    of one n exactly once. The merged run holds exactly what an unsharded run would.
    """
    shards = [_read_shard(Path(p), run) for p in shard_paths]
    _check_compatible(shards)
    run_id = shards[0].row.run_id.rsplit("-s", 1)[0] + f"-m{len(shards)}"
    for i, shard in enumerate(shards):
        out.con.execute(f"ATTACH '{shard.path}' AS shard{i} (READ_ONLY)")
    try:
        out.con.execute("BEGIN TRANSACTION")
        _copy(out, shards, run_id)
        out.con.execute("INSERT OR IGNORE INTO runs BY NAME SELECT * FROM merged_run_row")
        out.con.execute("COMMIT")
    except Exception:
        out.con.execute("ROLLBACK")
        raise
    finally:
        for i in range(len(shards)):
            out.con.execute(f"DETACH shard{i}")
    _finish_row(out, run_id, shards, name)
    return run_id


@dataclass(frozen=True)
class _Shard:
    path: str
    """Quoted for an ATTACH statement."""
    row: StoredRun


def _read_shard(path: Path, run: str) -> _Shard:
    if not path.is_file():
        raise StoreError(f"{path}: no such shard store")
    with Store(path, read_only=True) as db:
        row = db.run(db.resolve_run_id(run))
    return _Shard(str(path).replace("'", "''"), row)


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
        old = shard.row.run_id
        out.con.execute(f"INSERT OR IGNORE INTO items SELECT * FROM shard{i}.items")
        for table in _TABLES:
            verb = "INSERT" if table == "errors" else "INSERT OR IGNORE"
            out.con.execute(
                f"{verb} INTO {table} BY NAME SELECT * REPLACE (? AS run_id) "
                f"FROM shard{i}.{table} WHERE run_id = ?",
                [run_id, old],
            )
    first = shards[0].row
    out.con.execute(
        "CREATE OR REPLACE TEMP TABLE merged_run_row AS "
        "SELECT * REPLACE (? AS run_id) FROM shard0.runs WHERE run_id = ?",
        [run_id, first.run_id],
    )


def _finish_row(out: Store, run_id: str, shards: list[_Shard], name: str | None) -> None:
    rows = [s.row for s in shards]
    config = dict(rows[0].config, shard=None, merged_from=[r.run_id for r in rows])
    done = all(r.status == RunStatus.FINISHED for r in rows)
    status = (RunStatus.FINISHED if done else RunStatus.FINISHED_WITH_ERRORS).value
    out.con.execute(
        "UPDATE runs SET name = ?, config_json = ?, goldensets_json = ?, n_items = ?, status = ?,"
        " finished_at = ? WHERE run_id = ?",
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
