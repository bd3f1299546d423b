from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evalkit.comparison._cluster import (
    cluster_bootstrap_ci,
    clustered_mean_se,
    paired_clustered_delta,
)


def _miller_by_hand(values: np.ndarray, clusters: np.ndarray) -> float:
    """Miller (2024)'s clustered SE term by term: SE_CLT^2 + cross terms within clusters / n^2."""
    n, mean = len(values), values.mean()
    se_clt2 = ((values - mean) ** 2).sum() / (n * (n - 1))
    cross = sum(
        (values[i] - mean) * (values[j] - mean)
        for i in range(n)
        for j in range(n)
        if i != j and clusters[i] == clusters[j]
    )
    return math.sqrt(se_clt2 + cross / n**2)


def test_hand_computed_small_example():
    # values 1,0 | 1,1 | 0,0, mean 1/2, residuals +-1/2.
    # SE_CLT^2 = 6 * (1/4) / (6 * 5) = 1/20.
    # Cross terms (both orders): a: 2(1/2)(-1/2) = -1/2; b: 2(1/4) = 1/2; c: 2(1/4) = 1/2; sum 1/2.
    # SE^2 = 1/20 + (1/2) / 36 = 23/360.
    mean, se, n, n_clusters = clustered_mean_se([1, 0, 1, 1, 0, 0], ["a", "a", "b", "b", "c", "c"])
    assert (mean, n, n_clusters) == (0.5, 6, 3)
    assert se == pytest.approx(math.sqrt(23 / 360), abs=1e-12)


def test_matches_the_formula_written_out_on_random_clusters():
    rng = np.random.default_rng(0)
    values = rng.normal(size=40)
    clusters = rng.integers(0, 9, size=40)
    assert clustered_mean_se(values, clusters)[1] == pytest.approx(
        _miller_by_hand(values, clusters), rel=1e-12
    )


def test_equals_the_ordinary_se_with_one_item_per_cluster():
    rng = np.random.default_rng(1)
    values = rng.binomial(1, 0.7, size=300).astype(float)
    mean, se, n, n_clusters = clustered_mean_se(values, np.arange(300))
    assert n == n_clusters == 300
    assert se == pytest.approx(stats.sem(values), rel=1e-12)
    assert mean == pytest.approx(values.mean())


def test_is_larger_when_pairs_are_positively_correlated():
    rng = np.random.default_rng(2)
    pair_effect = np.repeat(rng.normal(size=200), 2)
    values = pair_effect + 0.5 * rng.normal(size=400)
    clusters = np.repeat(np.arange(200), 2)
    naive = clustered_mean_se(values, np.arange(400))[1]
    clustered = clustered_mean_se(values, clusters)[1]
    # ICC = 1 / 1.25 = 0.8 with pairs: design effect 1 + 0.8 = 1.8, SE ratio ~ sqrt(1.8) = 1.34.
    assert clustered / naive == pytest.approx(math.sqrt(1.8), abs=0.1)


def test_is_smaller_when_pairs_are_negatively_correlated():
    values = np.array([1.0, 0.0] * 50)
    clusters = np.repeat(np.arange(50), 2)
    assert clustered_mean_se(values, clusters)[1] < clustered_mean_se(values, np.arange(100))[1]


def test_accepts_string_ids_and_pandas_series():
    values = pd.Series([0.2, 0.4, 0.9, 0.1])
    by_list = clustered_mean_se(values, ["p1", "p1", "p2", "p2"])
    by_series = clustered_mean_se(values.to_numpy(), pd.Series(["p1", "p1", "p2", "p2"]))
    assert by_list == by_series
    assert by_list[3] == 2


def test_small_inputs_give_nan_se():
    assert clustered_mean_se([0.3], ["a"])[1:] == (pytest.approx(math.nan, nan_ok=True), 1, 1)
    mean, se, n, n_clusters = clustered_mean_se([], [])
    assert math.isnan(mean) and math.isnan(se) and (n, n_clusters) == (0, 0)


def test_rejects_misaligned_or_missing_cluster_ids():
    with pytest.raises(ValueError, match="one per item"):
        clustered_mean_se([1.0, 2.0], ["a"])
    with pytest.raises(ValueError, match="missing ids"):
        clustered_mean_se([1.0, 2.0], ["a", None])


def test_paired_delta_interval_and_p_follow_the_normal_approximation():
    rng = np.random.default_rng(4)
    base = rng.binomial(1, 0.8, 300).astype(float)
    cand = rng.binomial(1, 0.75, 300).astype(float)
    clusters = np.repeat(np.arange(150), 2)
    res = paired_clustered_delta(base, cand, clusters, alpha=0.1)
    se = clustered_mean_se(cand - base, clusters)[1]
    assert res.delta == pytest.approx((cand - base).mean())
    assert (res.se, res.n, res.n_clusters) == (se, 300, 150)
    assert res.ci_low == pytest.approx(res.delta - stats.norm.ppf(0.95) * se)
    assert res.ci_high == pytest.approx(res.delta + stats.norm.ppf(0.95) * se)
    assert res.p_worse == pytest.approx(stats.norm.cdf(res.delta / se))


def test_paired_delta_with_singleton_clusters_is_the_paired_z_test():
    rng = np.random.default_rng(5)
    base = rng.normal(0.6, 0.1, 500)
    cand = base - 0.01 + rng.normal(0, 0.05, 500)
    res = paired_clustered_delta(base, cand, np.arange(500))
    z = (cand - base).mean() / stats.sem(cand - base)
    assert res.p_worse == pytest.approx(stats.norm.cdf(z), rel=1e-10)


def test_paired_delta_with_identical_differences_decides_by_sign():
    base = np.ones(6)
    assert paired_clustered_delta(base, base - 0.1, np.arange(6)).p_worse == 0.0
    assert paired_clustered_delta(base, base, np.arange(6)).p_worse == 1.0


def test_cluster_bootstrap_is_seeded_and_agrees_with_the_clustered_normal_interval():
    rng = np.random.default_rng(6)
    shared = np.repeat(rng.normal(0, 0.3, 400), 2)
    base = rng.normal(0.6, 0.1, 800)
    cand = base - 0.02 + shared + rng.normal(0, 0.1, 800)
    clusters = np.repeat(np.arange(400), 2)
    low, high = cluster_bootstrap_ci(base, cand, clusters, n_resamples=4000, seed=3)
    assert (low, high) == cluster_bootstrap_ci(base, cand, clusters, n_resamples=4000, seed=3)
    normal = paired_clustered_delta(base, cand, clusters)
    # 400 clusters: the percentile interval is close to normal; allow 5% of the width.
    width = normal.ci_high - normal.ci_low
    assert low == pytest.approx(normal.ci_low, abs=0.05 * width)
    assert high == pytest.approx(normal.ci_high, abs=0.05 * width)


def test_cluster_bootstrap_is_wider_than_an_item_bootstrap_for_correlated_pairs():
    rng = np.random.default_rng(7)
    shared = np.repeat(rng.normal(0, 0.3, 200), 2)
    base = rng.normal(0.6, 0.1, 400)
    cand = base + shared + rng.normal(0, 0.1, 400)
    by_pair = cluster_bootstrap_ci(base, cand, np.repeat(np.arange(200), 2), n_resamples=2000)
    by_item = cluster_bootstrap_ci(base, cand, np.arange(400), n_resamples=2000)
    assert by_pair[1] - by_pair[0] > 1.2 * (by_item[1] - by_item[0])


def test_cluster_bootstrap_edge_cases():
    base = np.zeros(4)
    assert cluster_bootstrap_ci(base, base + 0.25, [0, 0, 1, 1], n_resamples=50) == (0.25, 0.25)
    low, high = cluster_bootstrap_ci(base, base + 0.25, ["only"] * 4, n_resamples=50)
    assert math.isnan(low) and math.isnan(high)
    with pytest.raises(ValueError, match="n_resamples"):
        cluster_bootstrap_ci(base, base, [0, 0, 1, 1], n_resamples=0)
