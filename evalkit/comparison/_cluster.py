"""Cluster-robust uncertainty for means and paired deltas (Miller 2024; Wilson 1927; McNemar 1947).

evalkit clusters items by ``pair_id``: the en and zh versions of one golden item share a source, so
their outcomes are correlated and count as less than two independent items. Every function here
takes one value per *item*: with ``repeat=K`` the caller averages each item's K repeats first
(Miller 2024, "average within the item first"; `compare_runs` does this), then passes the
item means with their ``pair_id``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evalkit.comparison._dist import norm_cdf, norm_ppf


@dataclass(frozen=True)
class ClusteredDelta:
    """Candidate minus baseline with a cluster-robust standard error (Miller 2024)."""

    delta: float
    """Mean of the per-item differences ``cand - base``."""
    se: float
    """Clustered SE of ``delta`` (`clustered_mean_se` on the differences)."""
    ci_low: float
    """Lower end of the two-sided normal-approximation ``1 - alpha`` interval."""
    ci_high: float
    """Upper end of that interval."""
    p_worse: float
    """One-sided normal-approximation p for H1: the candidate is worse (``delta < 0``)."""
    n: int
    """Items."""
    n_clusters: int
    """Distinct clusters (pairs)."""


def _codes(clusters: Sequence[Any] | np.ndarray, n: int) -> np.ndarray:
    codes, _ = pd.factorize(np.asarray(clusters))
    if len(codes) != n:
        raise ValueError(f"clusters has {len(codes)} entries for {n} values; give one per item")
    if (codes < 0).any():
        raise ValueError("clusters contains missing ids; give every item a pair_id")
    return np.asarray(codes)


def clustered_mean_se(
    values: Sequence[float] | np.ndarray, clusters: Sequence[Any] | np.ndarray
) -> tuple[float, float, int, int]:
    """Mean and clustered standard error of per-item values (Miller 2024, arXiv 2411.00640).

    Implements the clustered SE of Miller (2024, arXiv 2411.00640) exactly::

        SE_clustered^2 = SE_CLT^2 + (1/n^2) sum_c sum_i sum_{j != i} (s_ic - mean)(s_jc - mean)
        SE_CLT^2 = sum_i (s_i - mean)^2 / (n (n - 1))

    i.e. the cluster-robust form ``sum_c (sum_{i in c} (s_ic - mean))^2 / n^2`` plus the
    small-sample factor §2.1 names: the ``n - 1`` of SE_CLT on the diagonal terms. With one item
    per cluster the cross term vanishes and this is exactly the ordinary CLT SE; positively
    correlated items in a cluster make it larger, negatively correlated ones smaller.

    Args:
        values: One value per item (repeats already averaged within the item).
        clusters: One cluster id per item, e.g. its ``pair_id``.

    Returns:
        ``(mean, se, n, n_clusters)``. With fewer than 2 items the SE is NaN (and the mean too
        when there are none). Report n and the number of clusters with the SE (§2.1).
    """
    x = np.asarray(values, dtype=float)
    codes = _codes(clusters, len(x))
    n, n_clusters = len(x), int(codes.max()) + 1 if len(codes) else 0
    if n < 2:
        return (float(x.mean()) if n else math.nan, math.nan, n, n_clusters)
    mean = float(x.mean())
    resid = x - mean
    sum_sq = float(resid @ resid)
    cluster_sums = np.bincount(codes, weights=resid)
    cross = float(cluster_sums @ cluster_sums) - sum_sq
    var = sum_sq / (n * (n - 1)) + cross / n**2
    return (mean, math.sqrt(max(var, 0.0)), n, n_clusters)


def paired_clustered_delta(
    base: Sequence[float] | np.ndarray,
    cand: Sequence[float] | np.ndarray,
    clusters: Sequence[Any] | np.ndarray,
    alpha: float = 0.05,
) -> ClusteredDelta:
    """Paired difference ``cand - base`` with a clustered SE (Miller 2024; McNemar 1947).

    The per-item differences ``d_i`` are analysed as one sample (§2.1, paired differences), with
    the clustered SE of their mean. The interval is ``delta +- z_{1-alpha/2} * se``; ``p_worse``
    is ``Phi(delta / se)``. For the non-inferiority lower bound at level ``alpha`` (§2.3), pass
    ``2 * alpha`` and read ``ci_low``, as the gate does with its bootstrap interval. The normal
    approximation wants a few dozen clusters or more (§2.2); with fewer prefer
    `cluster_bootstrap_ci` and an exact test.

    Args:
        base: Per-item baseline values (repeats averaged within the item).
        cand: Per-item candidate values, aligned with ``base``.
        clusters: Per-item cluster ids (``pair_id``).
        alpha: Two-sided level of the interval.

    Returns:
        The delta, its clustered SE, interval, one-sided p for "worse", n and cluster count.
    """
    a, b = np.asarray(base, dtype=float), np.asarray(cand, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"base and cand differ in length: {a.shape} vs {b.shape}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    delta, se, n, n_clusters = clustered_mean_se(b - a, clusters)
    half = norm_ppf(1 - alpha / 2) * se
    return ClusteredDelta(delta, se, delta - half, delta + half, _p_worse(delta, se), n, n_clusters)


def _p_worse(delta: float, se: float) -> float:
    if se > 0:
        return norm_cdf(delta / se)
    # Every difference equal (or a single item): the sign alone decides.
    return 0.0 if delta < 0 else 1.0


def cluster_bootstrap_ci(
    base: Sequence[float] | np.ndarray,
    cand: Sequence[float] | np.ndarray,
    clusters: Sequence[Any] | np.ndarray,
    alpha: float = 0.05,
    n_resamples: int = 9999,
    seed: int = 0,
) -> tuple[float, float]:
    """Two-sided ``1 - alpha`` cluster bootstrap interval of mean(cand - base) (§2.3, §2.2).

    Each resample draws whole clusters with replacement (as many as there are) and takes the
    mean difference over all the items they hold; the interval is the percentile interval of
    those means. Resampling clusters instead of items keeps the within-pair correlation that a
    naive paired bootstrap ignores (§2.2: with 10-item clusters at ICC 0.7, 43% false rejections
    against 5.5%).

    Args:
        base: Per-item baseline values (repeats averaged within the item).
        cand: Per-item candidate values, aligned with ``base``.
        clusters: Per-item cluster ids (``pair_id``).
        alpha: Two-sided level.
        n_resamples: Bootstrap resamples.
        seed: Seed of the resampling; the same inputs and seed give the same interval.

    Returns:
        ``(low, high)``; ``(nan, nan)`` with fewer than 2 clusters.
    """
    a, b = np.asarray(base, dtype=float), np.asarray(cand, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"base and cand differ in length: {a.shape} vs {b.shape}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    codes = _codes(clusters, len(a))
    n_clusters = int(codes.max()) + 1 if len(codes) else 0
    if n_clusters < 2:
        return (math.nan, math.nan)
    sums = np.bincount(codes, weights=b - a)
    sizes = np.bincount(codes).astype(float)
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // n_clusters)  # bound the (resamples x clusters) index matrix
    for start in range(0, n_resamples, chunk):
        idx = rng.integers(0, n_clusters, size=(min(chunk, n_resamples - start), n_clusters))
        means[start : start + len(idx)] = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return (float(low), float(high))
