"""Reusing stored work: a cached re-run copies stored replies and their scores inside DuckDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalkit.store._lake_schema import physical
from evalkit.store._rows import ResponseRow, ScoreRow, row_fields

if TYPE_CHECKING:
    from evalkit.store._store import Store


@dataclass(frozen=True)
class Reuse:
    """One planned request that a stored reply to the same request hash may answer.

    Attributes:
        item_id: The item.
        repeat: Its repeat index.
        request_hash: The request (model, messages, sampling) the reply must have answered.
        target_name: The model this run routes the request to.
        route: The router rule that matched (None for a model target).
        route_reason: Why it matched.
        content_hash: The item's content now: stored scores are copied only where the reply's
            own run scored this same content (a changed reference is scored again).
        task: The item's task, which names the metrics whose stored scores count.
        price_in: This run's price per million input tokens (None: unpriced).
        price_out: This run's price per million output tokens.
        currency: The price's currency.
    """

    item_id: str
    repeat: int
    request_hash: str
    target_name: str
    route: str | None
    route_reason: str | None
    content_hash: str
    task: str
    price_in: float | None = None
    price_out: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Copied:
    """A reused reply now stored in the run: its text and the metrics copied with it."""

    text: str
    metrics: frozenset[str]


_OVERRIDES = {
    # this run's request, route and price; the stored reply and what the server said
    "run_id": "p.run_id",
    "item_id": "p.item_id",
    "repeat": "p.repeat",
    "request_hash": "p.request_hash",
    "target_name": "p.target_name",
    "route": "p.route",
    "route_reason": "p.route_reason",
    # the reply is reused, but its cost is this run's price for the same tokens: a router
    # change that only renegotiates prices must show in the candidate's cost
    "cost": "CASE WHEN p.price_in IS NULL THEN NULL ELSE (coalesce(s.prompt_tokens, 0) * "
    "p.price_in + coalesce(s.completion_tokens, 0) * p.price_out) / 1e6 END",
    "currency": "p.currency",
    "cached": "TRUE",
    "attempts": "0",
    "fallback_used": "FALSE",
    "created_at": "now()",
}


def copy_cached(
    store: Store,
    run_id: str,
    planned: Sequence[Reuse],
    signatures: Mapping[str, Mapping[str, str]] | None,
) -> dict[tuple[str, int], Copied]:
    """Store the newest stored reply to each planned request that has one, in this run.

    One transaction, no Python per row: the planned requests go in as one Arrow table, and
    DuckDB copies each reply (with this run's route and price) and the scores its own run gave
    it for this item's content whose signature is the one ``signatures[task][metric]`` has
    now. ``signatures`` None copies replies only (a run without scoring).

    Returns:
        Per copied (item_id, repeat): the reply text and the metrics copied, so the caller
        scores exactly what is missing (a changed metric, a changed item, a new metric).
    """
    if not planned:
        return {}
    cols: dict[str, list[object]] = {
        "run_id": [run_id] * len(planned),
        "item_id": [p.item_id for p in planned],
        "repeat": [p.repeat for p in planned],
        "request_hash": [p.request_hash for p in planned],
        "target_name": [p.target_name for p in planned],
        "route": [p.route for p in planned],
        "route_reason": [p.route_reason for p in planned],
        "content_hash": [p.content_hash for p in planned],
        "task": [p.task for p in planned],
        "price_in": [p.price_in for p in planned],
        "price_out": [p.price_out for p in planned],
        "currency": [p.currency for p in planned],
    }
    sigs = [(t, m, s) for t, by_metric in (signatures or {}).items() for m, s in by_metric.items()]
    sig_cols: dict[str, list[object]] = {
        "task": [t for t, _, _ in sigs],
        "metric": [m for _, m, _ in sigs],
        "signature": [s for _, _, s in sigs],
    }
    out: dict[tuple[str, int], Copied] = {}

    def write() -> None:
        con = store.con
        _temp_table(store, "evalkit_planned", _PLANNED_TYPES, cols)
        _temp_table(store, "evalkit_signatures", _SIGNATURE_TYPES, sig_cols)
        try:
            _copy(store, signatures is not None)
            rows = con.execute(
                f"""
                SELECT r.item_id, r.repeat, r.text, list(sc.metric) FILTER (sc.metric IS NOT NULL)
                FROM {physical("responses", store.is_lake)} r
                JOIN evalkit_planned p USING (run_id, item_id, repeat)
                LEFT JOIN {physical("scores", store.is_lake)} sc
                  USING (run_id, item_id, repeat)
                GROUP BY ALL
                """
            ).fetchall()
        finally:
            con.execute("DROP TABLE IF EXISTS temp.evalkit_planned")
            con.execute("DROP TABLE IF EXISTS temp.evalkit_signatures")
        out.clear()
        for item_id, repeat, text, metrics in rows:
            out[(item_id, int(repeat))] = Copied(text, frozenset(metrics or ()))

    store.atomic(write)
    return out


_PLANNED_TYPES = {
    "run_id": "VARCHAR", "item_id": "VARCHAR", "repeat": "INTEGER", "request_hash": "VARCHAR",
    "target_name": "VARCHAR", "route": "VARCHAR", "route_reason": "VARCHAR",
    "content_hash": "VARCHAR", "task": "VARCHAR", "price_in": "DOUBLE", "price_out": "DOUBLE",
    "currency": "VARCHAR",
}  # fmt: skip
_SIGNATURE_TYPES = {"task": "VARCHAR", "metric": "VARCHAR", "signature": "VARCHAR"}


def _temp_table(
    store: Store, name: str, types: Mapping[str, str], cols: Mapping[str, list[object]]
) -> None:
    """A temporary table from Python lists, one list parameter per column (no Arrow)."""
    select = ", ".join(f"CAST(unnest(${c}) AS {t}) AS {c}" for c, t in types.items())
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", dict(cols))


def _copy(store: Store, with_scores: bool) -> None:
    """The two INSERTs of `copy_cached` (inside its transaction)."""
    responses = physical("responses", store.is_lake)
    select = ", ".join(f"{_OVERRIDES.get(c, 's.' + c)} AS {c}" for c in row_fields(ResponseRow))
    source = f"""
        WITH src AS (
            SELECT r.* FROM {responses} r
            JOIN (SELECT DISTINCT request_hash FROM evalkit_planned) w USING (request_hash)
            -- never this run's own rows: the replies copied a moment ago are not a source
            WHERE r.run_id NOT IN (SELECT DISTINCT run_id FROM evalkit_planned)
            QUALIFY row_number() OVER (PARTITION BY r.request_hash ORDER BY r.created_at DESC) = 1
        )
    """
    store.insert_select(
        ResponseRow,
        f"{source} SELECT {select} FROM evalkit_planned p JOIN src s USING (request_hash)",
    )
    if not with_scores:
        return
    score_cols = ", ".join(
        f"p.{c} AS {c}" if c in ("run_id", "item_id", "repeat") else f"sc.{c} AS {c}"
        for c in row_fields(ScoreRow)
    )
    store.insert_select(
        ScoreRow,
        f"""{source}
        SELECT {score_cols}
        FROM evalkit_planned p
        JOIN src s USING (request_hash)
        JOIN run_items ri
          ON ri.run_id = s.run_id AND ri.item_id = s.item_id AND ri.content_hash = p.content_hash
        JOIN {physical("scores", store.is_lake)} sc
          ON sc.run_id = s.run_id AND sc.item_id = s.item_id AND sc.repeat = s.repeat
        JOIN evalkit_signatures g
          ON g.task = p.task AND g.metric = sc.metric AND g.signature = sc.signature
        """,
    )
