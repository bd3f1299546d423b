"""The DuckDB result store: open, migrate, ingest in bulk through Arrow, read back as pandas."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from evalkit.errors import StoreError
from evalkit.store._migrations import migrate
from evalkit.store._rows import (
    ERROR_SCHEMA,
    RESPONSE_SCHEMA,
    SCORE_SCHEMA,
    VERDICT_SCHEMA,
    to_arrow,
)

if TYPE_CHECKING:
    import pandas as pd

    from evalkit.goldensets import GoldenItem, GoldenSet

STORE_ENV = "EVALKIT_STORE"
DEFAULT_STORE = "runs/evalkit.duckdb"


def default_store_path(explicit: str | Path | None = None) -> str:
    """Store location: explicit flag, then ``EVALKIT_STORE``, then pyproject, then the default."""
    if explicit:
        return str(explicit)
    if os.environ.get(STORE_ENV):
        return os.environ[STORE_ENV]
    from evalkit._config import project_config

    return str(project_config().get("store", DEFAULT_STORE))


def utcnow() -> datetime:
    """Naive UTC timestamp for DuckDB TIMESTAMP columns."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Store:
    """A DuckDB file (or ``":memory:"``) holding runs, items, responses, errors and scores.

    Args:
        path: Database path; None resolves flag > env > ``[tool.evalkit] store`` > default.
        read_only: Open without write access (no migrations run).
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = default_store_path(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open store {self.path}: {exc}; check the path or close other writers"
            ) from exc
        if not read_only:
            migrate(self.con)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def create_run(self, record: dict[str, Any]) -> None:
        """Insert a run row (see the ``runs`` table for the fields)."""
        cols = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        self.con.execute(f"INSERT INTO runs ({cols}) VALUES ({marks})", list(record.values()))

    def finish_run(self, run_id: str, status: str) -> None:
        """Mark a run finished (or failed) now."""
        self.con.execute(
            "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?",
            [status, utcnow(), run_id],
        )

    def add_items(self, run_id: str, sets: Iterable[GoldenSet]) -> None:
        """Record the items of ``sets`` (once per content hash) and link them to the run."""
        rows, links = [], []
        for gs in sets:
            for item in gs.items:
                h = item.content_hash
                rows.append(
                    {
                        "item_id": item.id,
                        "content_hash": h,
                        "set_name": gs.name,
                        "set_version": gs.version,
                        "pair_id": item.pair_id,
                        "task": item.task,
                        "lang": item.lang,
                        "reply_lang": item.expected_reply_lang,
                        "expected_behavior": item.expected_behavior,
                        "category": item.category,
                        "tags": list(item.tags),
                        "item_json": item.model_dump_json(exclude_none=True, by_alias=True),
                    }
                )
                links.append({"run_id": run_id, "item_id": item.id, "content_hash": h})
        self._ingest("items", rows)
        self._ingest("run_items", links)

    def write_batch(
        self,
        responses: Sequence[dict[str, Any]],
        errors: Sequence[dict[str, Any]],
        scores: Sequence[dict[str, Any]],
    ) -> None:
        """Ingest one batch of results atomically: a kill never leaves half a batch."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            if responses:
                self._ingest("responses", responses, RESPONSE_SCHEMA)
            if errors:
                self._ingest("errors", errors, ERROR_SCHEMA)
            if scores:
                self._ingest("scores", scores, SCORE_SCHEMA)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def write_verdicts(
        self, verdicts: Sequence[dict[str, Any]], scores: Sequence[dict[str, Any]]
    ) -> None:
        """Ingest judge verdicts and the scores aggregated from them, in one transaction."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._ingest("judge_verdicts", verdicts, VERDICT_SCHEMA)
            # a re-judged reply replaces its aggregated judge scores
            self._ingest("scores", scores, SCORE_SCHEMA, replace=True)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def verdicts_frame(self, run_id: str) -> pd.DataFrame:
        """Judge verdicts of a run, with item attributes."""
        return self.con.execute(
            """
            SELECT v.*, i.task, i.lang, i.pair_id, i.category, i.expected_behavior
            FROM judge_verdicts v
            JOIN run_items ri ON ri.run_id = v.run_id AND ri.item_id = v.item_id
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE v.run_id = ? ORDER BY v.item_id, v.repeat, v.judge_name
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def cached_verdicts(self, request_hashes: Iterable[str]) -> dict[str, str]:
        """Raw judge replies already stored for these request hashes (any run)."""
        import pyarrow as pa

        wanted = pa.table({"request_hash": list(set(request_hashes))})  # noqa: F841
        rows = self.con.execute(
            """
            SELECT v.request_hash, any_value(v.raw_text) FROM judge_verdicts v
            JOIN wanted USING (request_hash) WHERE v.status = 'ok' OR v.status = 'parse_error'
            GROUP BY v.request_hash
            """
        ).fetchall()
        return dict(rows)

    def _ingest(
        self, table: str, rows: Sequence[dict[str, Any]], schema: Any = None, replace: bool = False
    ) -> None:
        if not rows:
            return
        batch = to_arrow(rows, schema)  # noqa: F841 - read by DuckDB's replacement scan
        # Keyed tables ignore rows already stored, so a resumed batch can never double-count.
        verb = "INSERT" if table == "errors" else "INSERT OR IGNORE"
        if replace:
            verb = "INSERT OR REPLACE"
        self.con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM batch")

    # -- reading -----------------------------------------------------------------------------

    def done_keys(self, run_id: str) -> set[tuple[str, int]]:
        """(item_id, repeat) pairs that already have a stored response in ``run_id``."""
        rows = self.con.execute(
            "SELECT item_id, repeat FROM responses WHERE run_id = ?", [run_id]
        ).fetchall()
        return {(r[0], r[1]) for r in rows}

    def cached(self, request_hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The newest stored response for each request hash that has one."""
        import pyarrow as pa

        wanted = pa.table({"request_hash": list(set(request_hashes))})  # noqa: F841
        cur = self.con.execute(
            """
            SELECT r.* FROM responses r JOIN wanted USING (request_hash)
            QUALIFY row_number() OVER (PARTITION BY r.request_hash ORDER BY r.created_at DESC) = 1
            """
        )
        cols = [d[0] for d in cur.description]
        key = cols.index("request_hash")
        return {row[key]: dict(zip(cols, row, strict=True)) for row in cur.fetchall()}

    def run(self, run_id: str) -> dict[str, Any]:
        """One run's row, with JSON columns decoded."""
        run_id = self.resolve_run_id(run_id)
        cur = self.con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id])
        cols = [d[0] for d in cur.description]
        row = dict(zip(cols, cur.fetchone() or (), strict=False))
        for key in ("target_json", "goldensets_json", "config_json"):
            row[key.removesuffix("_json")] = json.loads(row[key])
        return row

    def resolve_run_id(self, ref: str) -> str:
        """Resolve a run reference to its id.

        Accepted: a full run id, a unique prefix, a run name (newest wins), ``latest``,
        ``target:NAME`` (newest run of a model or router named NAME) and ``branch:NAME``
        (newest finished run made on git branch NAME, e.g. ``branch:main``).
        """
        kind, _, value = ref.partition(":")
        if ref == "latest":
            row = self.con.execute(
                "SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
        elif kind in ("target", "branch") and value:
            column = "target_name" if kind == "target" else "git_branch"
            row = self.con.execute(
                f"SELECT run_id FROM runs WHERE {column} = ? AND status LIKE 'finished%' "
                "ORDER BY created_at DESC LIMIT 1",
                [value],
            ).fetchone()
        else:
            row = self.con.execute(
                """
                SELECT run_id FROM runs
                WHERE run_id = ? OR name = ? OR run_id LIKE ? || '%'
                ORDER BY (run_id = ?) DESC, created_at DESC LIMIT 1
                """,
                [ref, ref, ref, ref],
            ).fetchone()
        if row is None:
            raise StoreError(f"no run {ref!r} in {self.path}; list runs with `evalkit runs`")
        return str(row[0])

    def runs(self) -> pd.DataFrame:
        """Every run, newest first, with its counts of responses and errors."""
        return self.con.execute(
            """
            SELECT r.run_id, r.name, r.target_name, r.status, r.n_items, r.repeats,
                   (SELECT count(*) FROM responses x WHERE x.run_id = r.run_id) AS responses,
                   (SELECT count(*) FROM errors e WHERE e.run_id = r.run_id
                      AND NOT EXISTS (SELECT 1 FROM responses x WHERE x.run_id = e.run_id
                                      AND x.item_id = e.item_id AND x.repeat = e.repeat))
                      AS failed,
                   (SELECT sum(cost) FROM responses x WHERE x.run_id = r.run_id) AS cost,
                   r.created_at, r.finished_at
            FROM runs r ORDER BY r.created_at DESC
            """
        ).df()

    def scores_frame(self, run_id: str) -> pd.DataFrame:
        """One row per (item, repeat, metric) of a run, joined with item attributes."""
        return self.con.execute(
            "SELECT * FROM scored WHERE run_id = ? ORDER BY item_id, repeat, metric",
            [self.resolve_run_id(run_id)],
        ).df()

    def responses_frame(self, run_id: str) -> pd.DataFrame:
        """Responses of a run with item attributes."""
        return self.con.execute(
            """
            SELECT resp.*, i.task, i.lang, i.pair_id, i.category, i.content_hash
            FROM responses resp
            JOIN run_items ri ON ri.run_id = resp.run_id AND ri.item_id = resp.item_id
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE resp.run_id = ? ORDER BY resp.item_id, resp.repeat
            """,
            [self.resolve_run_id(run_id)],
        ).df()

    def errors_frame(self, run_id: str) -> pd.DataFrame:
        """Error records of a run (every failed attempt sequence, final or later retried)."""
        return self.con.execute(
            "SELECT * FROM errors WHERE run_id = ? ORDER BY item_id, repeat",
            [self.resolve_run_id(run_id)],
        ).df()

    def answered_frame(self, run_id: str) -> pd.DataFrame:
        """Per item and repeat of a run: 1.0 if a response is stored, 0.0 if only errors are.

        Shaped like `scores_frame` (metric ``answered``) so the error rate is compared and gated
        with the same machinery as quality.
        """
        run_id = self.resolve_run_id(run_id)
        return self.con.execute(
            """
            WITH attempted AS (
                SELECT item_id, repeat FROM responses WHERE run_id = $run
                UNION SELECT item_id, repeat FROM errors WHERE run_id = $run
            )
            SELECT a.item_id, a.repeat, i.pair_id, i.task, i.lang, 'answered' AS metric,
                   CASE WHEN r.item_id IS NULL THEN 0.0 ELSE 1.0 END AS value,
                   'answered|v1' AS signature
            FROM attempted a
            JOIN run_items ri ON ri.run_id = $run AND ri.item_id = a.item_id
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            LEFT JOIN responses r
              ON r.run_id = $run AND r.item_id = a.item_id AND r.repeat = a.repeat
            """,
            {"run": run_id},
        ).df()

    def run_items(self, run_id: str) -> list[GoldenItem]:
        """The golden items of a run, as they were when it ran."""
        from evalkit.goldensets import GoldenItem

        rows = self.con.execute(
            """
            SELECT i.item_json FROM run_items ri
            JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
            WHERE ri.run_id = ? ORDER BY ri.item_id
            """,
            [self.resolve_run_id(run_id)],
        ).fetchall()
        return [GoldenItem.model_validate_json(r[0]) for r in rows]

    def item_hashes(self, run_id: str) -> dict[str, str]:
        """item_id -> content hash for a run."""
        rows = self.con.execute(
            "SELECT item_id, content_hash FROM run_items WHERE run_id = ?",
            [self.resolve_run_id(run_id)],
        ).fetchall()
        return dict(rows)
