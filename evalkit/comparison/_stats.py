"""Statistics for slices and paired run comparisons (definitions: Miller 2024, arXiv 2411.00640)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


def wilson(successes: float, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    z = stats.norm.ppf(1 - alpha / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class PairedTest:
    """Result of a paired test of candidate minus baseline."""

    method: str
    p_two_sided: float
    p_worse: float
    """One-sided p for H1: the candidate is worse."""
    discordant: tuple[int, int] | None = None
    """(baseline-only passes, candidate-only passes) for McNemar."""


def mcnemar_exact(base: np.ndarray, cand: np.ndarray) -> PairedTest:
    """Exact McNemar test: a binomial test on the discordant pairs."""
    b = int(np.sum((base == 1) & (cand == 0)))
    c = int(np.sum((base == 0) & (cand == 1)))
    if b + c == 0:
        return PairedTest("mcnemar_exact", 1.0, 1.0, (b, c))
    two = stats.binomtest(b, b + c, 0.5).pvalue
    worse = stats.binomtest(b, b + c, 0.5, alternative="greater").pvalue
    return PairedTest("mcnemar_exact", float(two), float(worse), (b, c))


def sign_flip(
    base: np.ndarray, cand: np.ndarray, n_resamples: int = 9999, seed: int = 0
) -> PairedTest:
    """Paired sign-flip permutation test on the mean difference."""
    diff = cand - base
    if np.allclose(diff, 0):
        return PairedTest("sign_flip", 1.0, 1.0)
    rng = np.random.default_rng(seed)
    res_two = stats.permutation_test(
        (diff,), np.mean, permutation_type="samples", n_resamples=n_resamples, rng=rng
    )
    res_less = stats.permutation_test(
        (diff,),
        np.mean,
        permutation_type="samples",
        n_resamples=n_resamples,
        alternative="less",
        rng=np.random.default_rng(seed),
    )
    return PairedTest("sign_flip", float(res_two.pvalue), float(res_less.pvalue))


def paired_ci(
    base: np.ndarray, cand: np.ndarray, alpha: float = 0.05, n_resamples: int = 9999, seed: int = 0
) -> tuple[float, float]:
    """Two-sided (1 - alpha) paired bootstrap interval of mean(cand - base).

    BCa first; percentile when BCa is undefined (for example, nearly constant differences).
    """
    diff = cand - base
    if len(diff) < 2 or np.allclose(diff, diff[0]):
        d = float(diff.mean()) if len(diff) else math.nan
        return (d, d)
    for method in ("BCa", "percentile"):
        res = stats.bootstrap(
            (diff,),
            np.mean,
            confidence_level=1 - alpha,
            n_resamples=n_resamples,
            method=method,
            rng=np.random.default_rng(seed),
        )
        low, high = res.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return (float(low), float(high))
    return (math.nan, math.nan)


def holm(pvalues: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (FWER)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (FDR)."""
    if not pvalues:
        return []
    return [float(x) for x in stats.false_discovery_control(pvalues, method="bh")]
