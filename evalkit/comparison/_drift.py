"""Drift: a metric's history across the runs of one target or router, with significant steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.comparison._stats import benjamini_hochberg, mcnemar_exact, sign_flip
from evalkit.errors import ConfigError
from evalkit.tasks import HEADLINE_METRICS

if TYPE_CHECKING:
    from evalkit.store import Store

DRIFT_COLUMNS = [
    "task", "lang", "metric", "run_id", "run_name", "created_at", "n", "mean", "delta_prev",
    "p_prev", "p_adj", "step",
]  # fmt: skip


def drift(
    store: Store,
    target: str,
    *,
    task: str | None = None,
    lang: str | None = None,
    metric: str | None = None,
    alpha: float = 0.05,
    n_resamples: int = 2000,
    branch: str | None = None,
) -> pd.DataFrame:
    """The history of each slice over the runs of ``target`` (a model or router name), or
    only those made on git ``branch`` (a shared store holds every branch's runs: ``main``'s
    history is not interrupted by a feature branch's experiment).

    Each run is tested against the previous one on the items both ran (exact McNemar for
    pass/fail, sign-flip permutation for scores); p-values are Benjamini-Hochberg adjusted over
    the whole history, and ``step`` marks significant changes (``up`` / ``down``).
    Without ``metric``, each task's headline metric is used.
    """
    runs = store.runs_of_target(target, branch=branch)
    if branch is not None and not runs:
        _no_branch(store, target, branch)
    frames = [_scores(store, run_id, task, lang, metric) for run_id, _, _ in runs]
    frames = _split_changed_definitions(frames)
    rows = []
    for key in sorted({k for f in frames for k in f.groupby(["task", "lang", "metric"]).groups}):
        prev = None
        for (run_id, name, created), frame in zip(runs, frames, strict=True):
            cur = _slice(frame, key)
            if cur.empty:
                continue
            rows.append(_row(key, run_id, name, created, cur, prev, n_resamples))
            prev = cur
    table = pd.DataFrame(rows, columns=DRIFT_COLUMNS[:-2])
    return _mark(table, alpha)


def _scores(
    store: Store, run_id: str, task: str | None, lang: str | None, metric: str | None
) -> pd.DataFrame:
    f = store.scores_frame(run_id)
    f = f[f["value"].notna()]
    if task:
        f = f[f["task"] == task]
    if lang:
        f = f[f["lang"] == lang]
    if metric:
        f = f[f["metric"] == metric]
    else:
        heads = {(t, m) for t, ms in HEADLINE_METRICS.items() for m in ms}
        f = f[[(t, m) in heads for t, m in zip(f["task"], f["metric"], strict=True)]]
    keys = ["task", "lang", "metric", "signature", "item_id"]
    return f.groupby(keys, as_index=False)["value"].mean()


def _split_changed_definitions(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """A metric whose definition changed between runs (another signature) becomes a separate
    series, named ``metric@signature``: drift never compares two definitions."""
    if not frames:
        return frames
    both = pd.concat(frames)
    many = set(both.groupby("metric")["signature"].nunique().loc[lambda n: n > 1].index)
    out = []
    for f in frames:
        renamed = [m + "@" + s if m in many else m for m, s in zip(f["metric"], f["signature"],
                                                                   strict=True)]  # fmt: skip
        out.append(f.assign(metric=renamed))
    return out


def _slice(frame: pd.DataFrame, key: tuple[str, str, str]) -> pd.Series:
    t, lg, m = key
    part = frame[(frame["task"] == t) & (frame["lang"] == lg) & (frame["metric"] == m)]
    return part.set_index("item_id")["value"]


def _row(
    key: tuple[str, str, str],
    run_id: str,
    name: str | None,
    created: Any,
    cur: pd.Series,
    prev: pd.Series | None,
    n_resamples: int,
) -> dict[str, Any]:
    row = {"task": key[0], "lang": key[1], "metric": key[2], "run_id": run_id,
           "run_name": name, "created_at": created, "n": len(cur), "mean": float(cur.mean()),
           "delta_prev": np.nan, "p_prev": np.nan}  # fmt: skip
    if prev is not None:
        shared = cur.index.intersection(prev.index)
        if len(shared):
            a, b = prev[shared].to_numpy(float), cur[shared].to_numpy(float)
            binary = np.isin(a, (0.0, 1.0)).all() and np.isin(b, (0.0, 1.0)).all()
            test = mcnemar_exact(a, b) if binary else sign_flip(a, b, n_resamples)
            row["delta_prev"], row["p_prev"] = float((b - a).mean()), test.p_two_sided
    return row


def _mark(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    table["p_adj"] = np.nan
    tested = table["p_prev"].notna()
    if tested.any():
        table.loc[tested, "p_adj"] = benjamini_hochberg(table.loc[tested, "p_prev"].tolist())
    table["step"] = [
        ("up" if d > 0 else "down") if p < alpha else ""
        for d, p in zip(table["delta_prev"], table["p_adj"].fillna(1.0), strict=True)
    ]
    return table[DRIFT_COLUMNS]


def _no_branch(store: Store, target: str, branch: str) -> None:
    """A branch with no runs of the target is a typo until shown otherwise: name the ones
    that have some, rather than print an empty history that looks like "no drift"."""
    known = sorted({b for b in store.target_branches(target) if b})
    if not known and not store.runs_of_target(target):
        return  # no runs of the target at all: the caller says so
    listed = ", ".join(known) if known else "none (its runs were made outside git)"
    raise ConfigError(
        f"no runs of {target!r} on git branch {branch!r}; its runs' branches: {listed}"
    )
