"""Power and sample size for paired binary run comparisons (Connor 1987; Miller 2024).

Two runs answer the same n items; each item is a pair (base correct?, candidate correct?). The
between-run correlation rho is the phi coefficient of those paired 0/1 outcomes. Pairing buys
power: the variance of the per-item difference shrinks by ``2 * rho * sd_base * sd_cand``.
"""

from __future__ import annotations

import math

import numpy as np

from evalkit.comparison._dist import norm_cdf, norm_ppf


def _z_alpha(alpha: float, two_sided: bool) -> float:
    """z_{1-alpha/2}, or z_{1-alpha} for a one-sided test (Connor 1987; Miller 2024)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    return norm_ppf(1 - (alpha / 2 if two_sided else alpha))


def _z(alpha: float, power: float, two_sided: bool) -> float:
    """z_{1-alpha/2} + z_power, the multiplier in Connor (1987)."""
    if not 0 < power < 1:
        raise ValueError(f"power must be in (0, 1), got {power}")
    return _z_alpha(alpha, two_sided) + norm_ppf(power)


def _check(p_base: float, rho: float) -> None:
    if not 0 < p_base < 1:
        raise ValueError(f"p_base must be in (0, 1), got {p_base}")
    if not -1 <= rho <= 1:
        raise ValueError(f"rho must be in [-1, 1], got {rho}")


def _sd_diff(p_a: float, p_b: float, rho: float) -> float:
    """sigma_d of the per-item difference (Miller 2024)."""
    var_a, var_b = p_a * (1 - p_a), p_b * (1 - p_b)
    return math.sqrt(max(0.0, var_a + var_b - 2 * rho * math.sqrt(var_a * var_b)))


def paired_cells(p_base: float, p_cand: float, rho: float) -> tuple[float, float, float, float]:
    """The 2x2 table of a paired binary comparison with these marginals and phi = ``rho``.

    Args:
        p_base: Baseline success probability.
        p_cand: Candidate success probability.
        rho: Phi coefficient between the runs' per-item outcomes.

    Returns:
        ``(p11, p10, p01, p00)``: both right, only baseline right, only candidate right, both
        wrong. ``p10 + p01`` is the discordance of Connor (1987).

    Raises:
        ValueError: When no 2x2 table has these marginals and this phi (phi is bounded by the
            marginals: at 80% vs 75%, phi <= 0.866).
    """
    p11 = p_base * p_cand + rho * math.sqrt(p_base * (1 - p_base) * p_cand * (1 - p_cand))
    cells = (p11, p_base - p11, p_cand - p11, 1 - p_base - p_cand + p11)
    if min(cells) < -1e-12:
        raise ValueError(
            f"rho={rho} is not attainable with p_base={p_base}, p_cand={p_cand}; lower rho"
        )
    clipped = tuple(max(0.0, c) for c in cells)
    return (clipped[0], clipped[1], clipped[2], clipped[3])


def required_n(
    delta: float,
    p_base: float,
    rho: float,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
) -> int:
    """Items needed to detect a drop of ``delta`` from ``p_base`` (Connor 1987; Miller 2024).

    ``n = (z_{1-alpha/2} + z_power)^2 * sigma_d^2 / delta^2`` with
    ``sigma_d^2 = p_A(1-p_A) + p_B(1-p_B) - 2 rho sqrt(p_A(1-p_A) p_B(1-p_B))`` and
    ``p_B = p_base - delta``; one-sided tests use ``z_{1-alpha}``. Rounded up. This is the
    normal approximation: §2.6 says to add about 5-8% when the gate uses the exact McNemar test
    (see `power_paired_binary` with ``exact=True``). For clustered items divide by the design
    effect (§2.2), i.e. multiply the result by it.

    Args:
        delta: The drop to detect, as a fraction (0.05 is 5 points).
        p_base: Baseline success rate.
        rho: Between-run phi correlation of per-item correctness (`observed_rho`).
        alpha: Significance level.
        power: Target power.
        two_sided: Two-sided test (the §2.6 table's main figures) or one-sided.

    Returns:
        The number of items, rounded up.

    Example:
        >>> required_n(0.05, 0.80, rho=0.5)
        548
    """
    _check(p_base, rho)
    if not 0 < delta <= p_base:
        raise ValueError(f"delta must be in (0, p_base], got {delta}")
    sd = _sd_diff(p_base, p_base - delta, rho)
    return math.ceil((_z(alpha, power, two_sided) * sd / delta) ** 2)


def mde_paired_binary(
    n: int,
    p_base: float,
    rho: float,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
) -> float:
    """Minimum detectable drop from ``p_base`` with ``n`` paired items (Connor 1987; Miller 2024).

    The inverse of `required_n`: the drop ``delta`` solving
    ``delta = (z_{1-alpha/2} + z_power) * sigma_d(p_base, p_base - delta, rho) / sqrt(n)``.
    sigma_d is evaluated at the dropped rate ``p_base - delta``, as §2.6's MDE table does.

    Args:
        n: Paired items (after averaging each item's repeats).
        p_base: Baseline success rate.
        rho: Between-run phi correlation of per-item correctness.
        alpha: Significance level.
        power: Target power.
        two_sided: Two-sided or one-sided test.

    Returns:
        The drop as a fraction (0.052 is 5.2 points); NaN when not even a drop to zero is
        detectable with ``n`` items.

    Example:
        >>> round(mde_paired_binary(500, 0.80, rho=0.5), 3)
        0.052
    """
    _check(p_base, rho)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    z = _z(alpha, power, two_sided)

    def gap(delta: float) -> float:
        return delta * math.sqrt(n) - z * _sd_diff(p_base, p_base - delta, rho)

    if gap(p_base) < 0:
        return math.nan
    if gap(0.0) >= 0:
        return 0.0
    # bisection, not scipy.optimize.brentq: every compare reports an MDE per slice, and
    # importing scipy.optimize costs it 0.15-0.35 s; gap(0) < 0 <= gap(p_base), and 50 halvings
    # that keep the sign change bracket a root to 1e-15 (tests check it against brentq)
    low, high = 0.0, p_base
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (low, mid) if gap(mid) >= 0 else (mid, high)
    return high


def power_paired_binary(
    n: int,
    p_base: float,
    delta: float,
    rho: float,
    alpha: float = 0.05,
    two_sided: bool = True,
    exact: bool = False,
) -> float:
    """Power to detect a drop of ``delta`` from ``p_base`` with ``n`` paired items.

    ``exact=False`` is the normal approximation behind `required_n` (Connor 1987; Miller 2024):
    ``Phi(delta sqrt(n) / sigma_d - z_{1-alpha/2})``. ``exact=True`` is the exact power of the
    exact McNemar test as `evalkit.comparison.mcnemar_exact` runs it and the gate reads it
    (reject when p < alpha; one-sided means "candidate worse"): the number of discordant items
    is Binomial(n, p10 + p01) and, given it, the baseline-only count is Binomial with
    probability p10 / (p10 + p01) (§2.3); the power is summed over both, with no simulation.

    Args:
        n: Paired items.
        p_base: Baseline success rate.
        delta: True drop (candidate rate is ``p_base - delta``).
        rho: Between-run phi correlation of per-item correctness.
        alpha: Significance level.
        two_sided: Two-sided or one-sided ("worse") test.
        exact: Exact McNemar power instead of the normal approximation.

    Returns:
        The probability of a significant result.
    """
    _check(p_base, rho)
    _z_alpha(alpha, two_sided)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0 < delta <= p_base:
        raise ValueError(f"delta must be in (0, p_base], got {delta}")
    p_cand = p_base - delta
    if exact:
        return _exact_mcnemar_power(n, paired_cells(p_base, p_cand, rho), alpha, two_sided)
    sd = _sd_diff(p_base, p_cand, rho)
    if sd == 0:  # every item moves together: any drop is seen
        return 1.0
    shift = delta * math.sqrt(n) / sd
    return norm_cdf(shift - _z_alpha(alpha, two_sided))


def _exact_mcnemar_power(
    n: int, cells: tuple[float, float, float, float], alpha: float, two_sided: bool
) -> float:
    from scipy import stats  # exact power: the planner only, never a compare

    _, p10, p01, _ = cells
    psi = p10 + p01
    if psi == 0:
        return 0.0
    pmf_d = stats.binom.pmf(np.arange(n + 1), n, psi)
    total = 0.0
    for d in np.flatnonzero(pmf_d > 1e-15):
        b = np.arange(d + 1)
        p_greater = stats.binom.sf(b - 1, d, 0.5)
        if two_sided:
            p = np.minimum(1.0, 2 * np.minimum(p_greater, stats.binom.cdf(b, d, 0.5)))
            p[2 * b == d] = 1.0
        else:
            p = p_greater
        reject = p < alpha
        total += pmf_d[d] * float(stats.binom.pmf(b[reject], d, p10 / psi).sum())
    return total


def observed_rho(base: np.ndarray, cand: np.ndarray) -> float:
    """Between-run correlation of per-item outcomes, the rho of Miller (2024, arXiv 2411.00640).

    For 0/1 outcomes this is the phi coefficient
    ``(n11 n00 - n10 n01) / sqrt(n1. n0. n.1 n.0)``, which equals Pearson's r on the 0/1
    values; for scores it is Pearson's r. With ``repeat=K``, average each item's repeats first
    and pass the item means.

    Args:
        base: Per-item baseline outcomes.
        cand: Per-item candidate outcomes, aligned with ``base``.

    Returns:
        The correlation; NaN when either run is constant or there are fewer than 2 items.
    """
    a, b = np.asarray(base, dtype=float), np.asarray(cand, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"base and cand differ in length: {a.shape} vs {b.shape}")
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])
