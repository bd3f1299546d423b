"""Per-route economics and quality of one run: cost, tokens, latency percentiles, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from evalkit.comparison._stats import wilson
from evalkit.tasks import HEADLINE_METRICS

if TYPE_CHECKING:
    from evalkit.store import Store

ROUTE_COLUMNS = [
    "route", "models", "split", "n", "error_rate", "fallback_rate", "cost", "currency",
    "cost_per_item",
    "cost_per_mtok", "p50_ms", "p95_ms", "p99_ms", "quality", "quality_low", "quality_high",
]  # fmt: skip


def route_table(store: Store, run_id: str) -> pd.DataFrame:
    """One row per route (``(direct)`` for model targets) of a run.

    ``cost_per_mtok`` is the blended price actually paid: total cost / total tokens x 1e6.
    ``quality`` is the pass rate of the pass/fail headline metrics of the route's items, with a
    Wilson 95% interval; errors count against ``error_rate``, not against quality. ``split``
    is the share of the route's answered requests each model served (a weighted split, or
    fallbacks).
    """
    run_id = store.resolve_run_id(run_id)
    econ = store.route_economics(run_id)
    quality = _quality(store, run_id)
    table = econ.merge(quality, on="route", how="left").merge(
        _split(store, run_id), on="route", how="left"
    )
    return table[ROUTE_COLUMNS]


def _split(store: Store, run_id: str) -> pd.DataFrame:
    """Per route, the share of its answered requests each model served (``a 70% / b 30%``)."""
    rows = store.route_model_counts(run_id)
    totals: dict[str, int] = {}
    for route, _, n in rows:
        totals[route] = totals.get(route, 0) + n
    parts: dict[str, list[str]] = {}
    for route, model, n in rows:
        parts.setdefault(route, []).append(f"{model} {n / totals[route]:.0%}")
    return pd.DataFrame(
        {"route": list(parts), "split": [" / ".join(v) for v in parts.values()]},
        columns=["route", "split"],
    )


def _quality(store: Store, run_id: str) -> pd.DataFrame:
    scores = store.scores_frame(run_id)
    heads = {(t, m) for t, ms in HEADLINE_METRICS.items() for m in ms}
    is_head = pd.Series(
        [(t, m) in heads for t, m in zip(scores["task"], scores["metric"], strict=True)],
        index=scores.index,
        dtype=bool,
    )
    keep = scores[is_head & (scores["kind"] == "bool")].copy()
    keep["route"] = keep["route"].fillna("(direct)")
    rows = []
    for route, grp in keep.groupby("route"):
        low, high = wilson(float(grp["value"].sum()), len(grp))
        rows.append({"route": route, "quality": grp["value"].mean(), "quality_low": low,
                     "quality_high": high})  # fmt: skip
    return pd.DataFrame(rows, columns=["route", "quality", "quality_low", "quality_high"])
