"""The scipy.special-backed distribution functions of a compare agree with scipy.stats."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from evalkit.comparison._dist import (
    bh_adjust,
    binom_half_test,
    norm_cdf,
    norm_ppf,
    norm_sf,
    t_ppf,
)


@pytest.mark.parametrize("q", [1e-12, 0.001, 0.025, 0.05, 0.5, 0.8, 0.95, 0.975, 1 - 1e-9])
def test_normal_quantiles_and_tails_match_scipy_stats(q: float) -> None:
    assert norm_ppf(q) == pytest.approx(stats.norm.ppf(q), rel=1e-12, abs=1e-12)
    x = float(stats.norm.ppf(q))
    assert norm_cdf(x) == pytest.approx(stats.norm.cdf(x), rel=1e-12)
    assert norm_sf(x) == pytest.approx(stats.norm.sf(x), rel=1e-12)


def test_far_normal_tail_is_not_rounded_to_zero() -> None:
    assert norm_sf(12.0) == pytest.approx(stats.norm.sf(12.0), rel=1e-9)
    assert norm_sf(12.0) > 0


@pytest.mark.parametrize("df", [1, 2, 5, 29, 300])
@pytest.mark.parametrize("q", [0.9, 0.95, 0.975, 0.999])
def test_t_quantiles_match_scipy_stats(df: int, q: float) -> None:
    assert t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-10)


def test_exact_binomial_test_at_one_half_matches_binomtest_everywhere() -> None:
    for n in range(1, 61):
        for k in range(n + 1):
            two, greater = binom_half_test(k, n)
            assert two == pytest.approx(stats.binomtest(k, n, 0.5).pvalue, rel=1e-9), (k, n)
            ref = stats.binomtest(k, n, 0.5, alternative="greater").pvalue
            assert greater == pytest.approx(ref, rel=1e-9), (k, n)
    assert binom_half_test(0, 0) == (1.0, 1.0)


def test_benjamini_hochberg_matches_false_discovery_control() -> None:
    rng = np.random.default_rng(7)
    for m in (1, 2, 5, 17, 200):
        p = list(rng.uniform(0, 0.2, m) ** 2)
        p[0] = p[-1]  # ties
        expected = stats.false_discovery_control(p, method="bh")
        assert bh_adjust(p) == pytest.approx(list(expected), rel=1e-12)
    assert bh_adjust([0.5, 1.0, 1.0]) == [1.0, 1.0, 1.0]


def test_the_compare_command_imports_neither_scipy_stats_nor_the_run_path() -> None:
    """The compare command's imports stay off scipy.stats (0.6 s) and the run path."""
    code = (
        "import sys, evalkit.commands, evalkit.comparison, evalkit.report; "
        "bad = [m for m in ('scipy.stats', 'evalkit.runner', 'evalkit.scoring', "
        "'evalkit.goldensets._schema', 'jieba') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
