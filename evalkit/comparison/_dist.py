"""The few distribution functions a comparison needs, from ``scipy.special``.

``scipy.stats`` costs about 0.6 s to import on a 2-core machine (it parses the docstrings of
hundreds of distributions at import time), a quarter of a 10,000-item compare; the functions
below are the same special functions ``scipy.stats`` calls underneath (``norm`` is ``ndtr`` /
``ndtri``, ``t.ppf`` is ``stdtrit``, ``binom.cdf``/``sf`` are ``bdtr``/``bdtrc``), so a compare
imports ``scipy.special`` alone. ``scipy.stats`` stays the reference: tests check each function
here against it, and the rarely used exact paths (tiny slices, the power planner) import it
where they need it.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def norm_ppf(q: float) -> float:
    """Quantile of the standard normal (``scipy.stats.norm.ppf``)."""
    return float(special.ndtri(q))


def norm_cdf(x: float) -> float:
    """Standard normal CDF (``scipy.stats.norm.cdf``)."""
    return float(special.ndtr(x))


def norm_sf(x: float) -> float:
    """Standard normal survival function (``scipy.stats.norm.sf``), exact in the far tail."""
    return float(special.ndtr(-x))


def t_ppf(q: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    return float(special.stdtrit(df, q))


def binom_half_test(k: int, n: int) -> tuple[float, float]:
    """Exact binomial test of k successes in n trials against p = 1/2.

    Returns (two-sided p, one-sided p for "greater"), as ``scipy.stats.binomtest(k, n, 0.5)``
    with ``alternative="two-sided"`` and ``"greater"``. At p = 1/2 the distribution is
    symmetric, so scipy's two-sided rule (sum the outcomes no likelier than k) is twice the
    smaller tail, capped at 1.
    """
    if n <= 0:
        return (1.0, 1.0)
    lower = float(special.bdtr(k, n, 0.5))  # P(X <= k)
    greater = float(special.bdtrc(k - 1, n, 0.5)) if k > 0 else 1.0  # P(X >= k)
    return (min(1.0, 2 * min(lower, greater)), min(1.0, greater))


def bh_adjust(pvalues: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (``scipy.stats.false_discovery_control``,
    ``method="bh"``): p_(i) * m / i, made monotone from the largest rank down, capped at 1."""
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(x) for x in out]
