"""Statistics for slices and paired run comparisons (definitions: Miller 2024, arXiv 2411.00640)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evalkit.comparison._dist import bh_adjust, binom_half_test, norm_cdf, norm_ppf, norm_sf, t_ppf


def wilson(successes: float, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    z = norm_ppf(1 - alpha / 2)
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
    two, worse = binom_half_test(b, b + c)
    return PairedTest("mcnemar_exact", two, worse, (b, c))


_CHUNK = 1_000_000
"""Resampled cells held at once (resamples x distinct values): bounds the memory of a slice."""

CLT_N = 2000
"""Above this many items with more distinct differences than this, a slice of scores uses the
normal approximation (science.md: the CLT is adequate for simple means); below it, and for any
slice whose differences take few values (pass/fail, Likert), resampling is exact in
distribution and costs O(distinct values) per resample."""


def _support(diff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``diff`` and how often each occurs (the sufficient statistics
    of a resampled mean)."""
    values, counts = np.unique(diff, return_counts=True)
    return values.astype(float), counts


def _chunks(total: int, width: int) -> list[int]:
    per = max(1, _CHUNK // max(width, 1))
    return [min(per, total - i) for i in range(0, total, per)]


def sign_flip(
    base: np.ndarray, cand: np.ndarray, n_resamples: int = 9999, seed: int = 0
) -> PairedTest:
    """Paired sign-flip permutation test on the mean difference.

    The same test as ``scipy.stats.permutation_test(..., permutation_type="samples")`` (exact
    enumeration for n <= 13, else ``n_resamples`` random flips with p = (c + 1) / (B + 1)), but
    resampled on sufficient statistics: m equal |d| values flipped at random sum to
    (2 Binomial(m, 1/2) - m) |d|, so a resample costs one draw per distinct |d|, not per item.
    Many distinct values on more than `CLT_N` items: the normal approximation z = sum d /
    sqrt(sum d^2), the permutation distribution's own mean and variance.
    """
    diff = np.asarray(cand, float) - np.asarray(base, float)
    if np.allclose(diff, 0):
        return PairedTest("sign_flip", 1.0, 1.0)
    n = len(diff)
    if n <= 13:  # scipy enumerates every sign pattern: keep it exact
        return _sign_flip_scipy(diff, n_resamples, seed)
    values, counts = _support(np.abs(diff))
    observed = float(diff.mean())
    if n > CLT_N and len(values) > CLT_N:
        z = float(diff.sum() / math.sqrt(float((diff**2).sum())))
        return PairedTest("sign_flip_normal", min(1.0, 2 * norm_sf(abs(z))), norm_cdf(z))
    rng = np.random.default_rng(seed)
    null = np.empty(n_resamples)
    done = 0
    for size in _chunks(n_resamples, len(values)):
        heads = rng.binomial(counts, 0.5, size=(size, len(values)))
        null[done : done + size] = ((2 * heads - counts) @ values) / n
        done += size
    gamma = abs(np.finfo(float).eps * 100 * observed)
    less = (np.count_nonzero(null <= observed + gamma) + 1) / (n_resamples + 1)
    greater = (np.count_nonzero(null >= observed - gamma) + 1) / (n_resamples + 1)
    return PairedTest("sign_flip", float(min(1.0, 2 * min(less, greater))), float(min(1.0, less)))


def _sign_flip_scipy(diff: np.ndarray, n_resamples: int, seed: int) -> PairedTest:
    from scipy import stats  # only for slices of at most 13 items: exact enumeration

    res_two = stats.permutation_test(
        (diff,), np.mean, permutation_type="samples", n_resamples=n_resamples,
        rng=np.random.default_rng(seed),
    )  # fmt: skip
    res_less = stats.permutation_test(
        (diff,), np.mean, permutation_type="samples", n_resamples=n_resamples,
        alternative="less", rng=np.random.default_rng(seed),
    )  # fmt: skip
    return PairedTest("sign_flip", float(res_two.pvalue), float(res_less.pvalue))


def paired_ci(
    base: np.ndarray, cand: np.ndarray, alpha: float = 0.05, n_resamples: int = 9999, seed: int = 0
) -> tuple[float, float]:
    """Two-sided (1 - alpha) paired bootstrap interval of mean(cand - base).

    The BCa interval of ``scipy.stats.bootstrap`` (percentile where BCa is undefined),
    resampled on sufficient statistics: a bootstrap sample of n items is a multinomial draw of
    the distinct differences' counts, and the jackknife that BCa's acceleration needs has one
    value per distinct difference, so nothing costs n^2 or n per resample. Many distinct values
    on more than `CLT_N` items: the t interval (the CLT is adequate for a mean).
    """
    diff = np.asarray(cand, float) - np.asarray(base, float)
    if len(diff) < 2 or np.allclose(diff, diff[0]):
        d = float(diff.mean()) if len(diff) else math.nan
        return (d, d)
    n = len(diff)
    values, counts = _support(diff)
    theta = float(diff.mean())
    if n > CLT_N and len(values) > CLT_N:
        half = t_ppf(1 - alpha / 2, n - 1) * float(diff.std(ddof=1)) / math.sqrt(n)
        return (theta - half, theta + half)
    rng = np.random.default_rng(seed)
    boot = np.empty(n_resamples)
    done = 0
    for size in _chunks(n_resamples, len(values)):
        boot[done : done + size] = rng.multinomial(n, counts / n, size=size) @ values / n
        done += size
    low, high = _bca(boot, theta, values, counts, alpha)
    if np.isfinite(low) and np.isfinite(high):
        return (low, high)
    low, high = np.percentile(boot, [50 * alpha, 100 - 50 * alpha])
    return (float(low), float(high))


def _bca(
    boot: np.ndarray, theta: float, values: np.ndarray, counts: np.ndarray, alpha: float
) -> tuple[float, float]:
    """scipy's BCa end points (``_bca_interval``) from the resampled means and the jackknife
    of the mean, which takes one value per distinct difference (weighted by its count)."""
    from scipy.special import ndtr, ndtri

    b = len(boot)
    z0 = ndtri((np.count_nonzero(boot < theta) + np.count_nonzero(boot <= theta)) / (2 * b))
    n = counts.sum()
    jack = (theta * n - values) / (n - 1)
    u = (counts * jack).sum() / n - jack
    den = (counts * u**2).sum()
    if den <= 0:
        return (math.nan, math.nan)
    accel = (counts * u**3).sum() / (6 * den**1.5)
    z_lo, z_hi = ndtri(alpha / 2), -ndtri(alpha / 2)
    a1 = ndtr(z0 + (z0 + z_lo) / (1 - accel * (z0 + z_lo)))
    a2 = ndtr(z0 + (z0 + z_hi) / (1 - accel * (z0 + z_hi)))
    if not (np.isfinite(a1) and np.isfinite(a2)):
        return (math.nan, math.nan)
    low, high = np.percentile(boot, [100 * a1, 100 * a2])
    return (float(low), float(high))


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
    return bh_adjust(pvalues)
