"""Grouped runs: N shards (``--shard i/N --group KEY``) write into one run, each resumable.

The run's id is derived from the group key and target, so every shard finds the same run without
talking to the others. Whichever shard comes first creates the run's row (a DuckLake store may get
two copies from a race; its ``runs`` view keeps one). Each shard records its progress in
``run_shards``; the run is finished only when all N shards are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalkit._hashing import content_hash
from evalkit.store._rows import RunRecord, RunStatus, ShardRow
from evalkit.store._store import pinned_cache, utcnow

if TYPE_CHECKING:
    from evalkit.goldensets import GoldenSet
    from evalkit.store._store import Store


def group_run_id(key: str, target_name: str) -> str:
    """The run id every shard of group ``key`` for ``target_name`` writes to."""
    return "g-" + content_hash(["run-group", key, target_name]).split(":")[-1][:16]


@dataclass(frozen=True)
class ShardProgress:
    """How far the shards of a grouped run got.

    Attributes:
        count: Shards the run is split into (N).
        started: Shards that have written their row.
        finished: Shards that ended by themselves.
        with_errors: Finished shards that had failed requests.
    """

    count: int
    started: int
    finished: int
    with_errors: int

    @property
    def done(self) -> bool:
        """Every shard finished."""
        return self.finished == self.count

    def status(self) -> str:
        """The run's status: finished (with errors) only when every shard is."""
        if not self.done:
            return RunStatus.RUNNING.value
        if self.with_errors:
            return RunStatus.FINISHED_WITH_ERRORS.value
        return RunStatus.FINISHED.value

    def describe(self) -> str:
        """``shards 3/4 finished``."""
        return f"shards {self.finished}/{self.count} finished"


@pinned_cache
def shard_progress(store: Store, run_id: str) -> ShardProgress | None:
    """The shards' progress of a grouped run (None for any other run)."""
    row = store.con.execute(
        """
        SELECT max(shard_count), count(DISTINCT shard_index),
               count(DISTINCT shard_index) FILTER (WHERE starts_with(status, 'finished')),
               count(DISTINCT shard_index) FILTER (WHERE status = 'finished_with_errors')
        FROM run_shards WHERE run_id = ?
        """,
        [run_id],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return ShardProgress(*(int(v) for v in row))


def shard_row(store: Store, run_id: str, index: int) -> ShardRow | None:
    """Shard ``index`` of a grouped run, if it has started."""
    found = store.con.execute(
        "SELECT shard_count, status, n_items, created_at, finished_at FROM run_shards "
        "WHERE run_id = ? AND shard_index = ? ORDER BY created_at LIMIT 1",
        [run_id, index],
    ).fetchone()
    if found is None:
        return None
    count, status, n_items, created_at, finished_at = found
    return ShardRow(
        run_id=run_id, shard_index=index, shard_count=count, status=status, n_items=n_items,
        created_at=created_at, finished_at=finished_at,
    )  # fmt: skip


def start_shard(
    store: Store, record: RunRecord, shard: tuple[int, int], sets: Sequence[GoldenSet]
) -> None:
    """Create the run row if absent, link this shard's items and record the shard as running.

    One transaction: a shard killed here leaves nothing, and its rerun starts it afresh.
    """
    index, count = shard
    row = ShardRow(
        run_id=record.run_id, shard_index=index, shard_count=count,
        status=RunStatus.RUNNING.value, n_items=sum(len(gs) for gs in sets), created_at=utcnow(),
    )  # fmt: skip

    def write() -> None:
        store._ingest([record])
        store.ingest_items(record.run_id, sets)
        store._ingest([row])

    store.atomic(write)


def restart_shard(store: Store, run_id: str, index: int) -> None:
    """A shard that started before runs again: it, and so its run, are running until it ends."""
    store.atomic(
        lambda: store.con.execute(
            "UPDATE run_shards SET status = ?, finished_at = NULL "
            "WHERE run_id = ? AND shard_index = ? AND status <> ?",
            [RunStatus.RUNNING.value, run_id, index, RunStatus.RUNNING.value],
        )
    )
    row = store.con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if row is not None and row[0] != RunStatus.RUNNING.value:
        store.set_run_status(run_id, RunStatus.RUNNING.value, None)


def finish_shard(store: Store, run_id: str, index: int, status: RunStatus) -> None:
    """Mark one shard ended; the shard that ends last marks the run.

    The shard's row is committed before the others are read, so the last shard to commit sees
    every other shard's end: at least one shard always finishes the run.
    """
    now = utcnow()
    store.atomic(
        lambda: store.con.execute(
            "UPDATE run_shards SET status = ?, finished_at = ? "
            "WHERE run_id = ? AND shard_index = ?",
            [status.value, now, run_id, index],
        )
    )
    # two last shards finishing at once may both get here; each update is the same one, and
    # `Store.atomic` retries the one that loses the race
    progress = shard_progress(store, run_id)
    if progress is not None and progress.done:
        store.set_run_status(run_id, progress.status(), now)
