"""Per-slice summary of one run: mean, n, clusters, Wilson interval or clustered SE."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evalkit.comparison._cluster import clustered_mean_se
from evalkit.comparison._stats import wilson

if TYPE_CHECKING:
    from evalkit.store import Store

SUMMARY_COLUMNS = [
    "task",
    "lang",
    "metric",
    "n",
    "clusters",
    "mean",
    "low",
    "high",
    "se",
    "interval",
]


def slice_summary(store: Store, run: str, *, by_route: bool = False) -> pd.DataFrame:
    """One row per task x language x metric (x route) of a run.

    Each item's repeats are averaged first, so an item counts once. Pass/fail metrics get a
    Wilson 95% interval; scores get the mean +- 1.96 x the standard error clustered by
    ``pair_id`` (Miller 2024, arXiv 2411.00640).
    """
    frame = store.scores_frame(store.resolve_run_id(run))
    frame = frame[frame["value"].notna()]
    keys = ["task", "lang", "metric"]
    if by_route:
        frame = frame.assign(route=frame["route"].fillna("(direct)"))
        keys.append("route")
    items = frame.groupby([*keys, "item_id", "pair_id"], as_index=False)["value"].mean()
    rows = [_row(key, grp, keys) for key, grp in items.groupby(keys, sort=True)]
    return pd.DataFrame(rows, columns=[*SUMMARY_COLUMNS, *keys[3:]])


def _row(key: tuple[str, ...], grp: pd.DataFrame, keys: list[str]) -> dict[str, object]:
    values = grp["value"].to_numpy(float)
    mean, se, n, clusters = clustered_mean_se(values, grp["pair_id"].to_numpy())
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    if binary:
        low, high = wilson(float(values.sum()), n)
        kind = "wilson95"
    else:
        low, high = mean - 1.96 * se, mean + 1.96 * se
        kind = "clustered-se95"
    row: dict[str, object] = dict(zip(keys, key, strict=True))
    row.update(n=n, clusters=clusters, mean=mean, low=low, high=high,
               se=se if not math.isnan(se) else math.nan, interval=kind)  # fmt: skip
    return row
