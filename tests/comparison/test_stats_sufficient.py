"""The slice statistics resample sufficient statistics; they must agree with scipy's own
bootstrap and permutation test on the same data (within Monte Carlo error), for pass/fail,
Likert and continuous differences, in Chinese-named or English-named slices alike (the data
are numbers)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from evalkit.comparison._stats import CLT_N, paired_ci, sign_flip


def _scipy_ci(diff: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    res = stats.bootstrap((diff,), np.mean, confidence_level=1 - alpha, n_resamples=9999,
                          method="BCa", rng=np.random.default_rng(1))  # fmt: skip
    low, high = res.confidence_interval
    return float(low), float(high)


def _scipy_p(diff: np.ndarray) -> tuple[float, float]:
    two = stats.permutation_test((diff,), np.mean, permutation_type="samples",
                                 n_resamples=9999, rng=np.random.default_rng(1))  # fmt: skip
    less = stats.permutation_test((diff,), np.mean, permutation_type="samples",
                                  n_resamples=9999, alternative="less",
                                  rng=np.random.default_rng(1))  # fmt: skip
    return float(two.pvalue), float(less.pvalue)


def _pairs(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if kind == "binary":
        base = (rng.random(n) < 0.8).astype(float)
        cand = np.where(rng.random(n) < 0.85, base, 1 - base)
        cand[: n // 20] = 0.0  # a small drop
        return base, cand
    if kind == "likert":
        base = rng.integers(1, 6, n).astype(float)
        return base, np.clip(base + rng.integers(-1, 2, n) - (rng.random(n) < 0.1), 1, 5)
    base = rng.uniform(20, 90, n)
    return base, base + rng.normal(-1.0, 8.0, n)


@pytest.mark.parametrize(("kind", "n"), [("binary", 400), ("likert", 300), ("continuous", 600)])
def test_interval_and_p_agree_with_scipy(kind, n):
    rng = np.random.default_rng(7)
    base, cand = _pairs(kind, n, rng)
    diff = cand - base
    low, high = paired_ci(base, cand, 0.05)
    s_low, s_high = _scipy_ci(diff)
    width = s_high - s_low
    assert abs(low - s_low) < 0.05 * width and abs(high - s_high) < 0.05 * width
    p = sign_flip(base, cand)
    s_two, s_less = _scipy_p(diff)
    assert abs(p.p_two_sided - s_two) < 0.012 and abs(p.p_worse - s_less) < 0.012
    assert p.method == "sign_flip"


def test_a_large_continuous_slice_uses_the_normal_approximation_and_agrees():
    rng = np.random.default_rng(8)
    base, cand = _pairs("continuous", CLT_N + 500, rng)
    diff = cand - base
    low, high = paired_ci(base, cand, 0.05)
    s_low, s_high = _scipy_ci(diff)
    width = s_high - s_low
    assert abs(low - s_low) < 0.05 * width and abs(high - s_high) < 0.05 * width
    p = sign_flip(base, cand)
    assert p.method == "sign_flip_normal"
    s_two, s_less = _scipy_p(diff)
    assert abs(p.p_worse - s_less) < 0.012 and abs(p.p_two_sided - s_two) < 0.012


def test_a_large_pass_fail_slice_is_resampled_on_its_three_values():
    """100,000 paired pass/fail items: three distinct differences, so 9,999 resamples cost
    three draws each (benchmarks/compare_scale.py times it); the interval matches the normal
    one at this size."""
    rng = np.random.default_rng(9)
    base, cand = _pairs("binary", 100_000, rng)
    low, high = paired_ci(base, cand, 0.05)
    p = sign_flip(base, cand)
    diff = cand - base
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert abs(low - (diff.mean() - 1.96 * se)) < 0.1 * se
    assert abs(high - (diff.mean() + 1.96 * se)) < 0.1 * se
    assert p.method == "sign_flip" and p.p_worse < 1e-3


def test_tiny_slices_keep_scipys_exact_enumeration():
    base = np.array([1, 1, 1, 0, 1, 1, 0, 1], float)
    cand = np.array([0, 1, 0, 0, 1, 0, 0, 1], float)
    p = sign_flip(base, cand)
    exact = stats.permutation_test((cand - base,), np.mean, permutation_type="samples",
                                   alternative="less")  # fmt: skip
    assert p.p_worse == pytest.approx(float(exact.pvalue))
