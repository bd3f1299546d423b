from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from evalkit.comparison import benjamini_hochberg, holm, mcnemar_exact, paired_ci, sign_flip, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(8, 10, 0.4902, 0.9433), (0, 10, 0.0, 0.2775), (50, 100, 0.4038, 0.5962)],
)
def test_wilson_matches_reference_values(k, n, low, high):
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_mcnemar_counts_discordant_pairs_and_matches_binomtest():
    base = np.array([1] * 10 + [0] * 2 + [1] * 30)
    cand = np.array([0] * 10 + [1] * 2 + [1] * 30)
    res = mcnemar_exact(base, cand)
    assert res.discordant == (10, 2)
    assert res.p_two_sided == pytest.approx(stats.binomtest(10, 12, 0.5).pvalue)
    assert res.p_worse < 0.05


def test_mcnemar_no_discordance_is_p_one():
    x = np.array([1, 0, 1])
    assert mcnemar_exact(x, x).p_two_sided == 1.0


def test_sign_flip_detects_a_consistent_drop():
    rng = np.random.default_rng(1)
    base = rng.uniform(40, 60, 80)
    cand = base - 3 + rng.normal(0, 1, 80)
    res = sign_flip(base, cand, n_resamples=2000)
    assert res.p_worse < 0.01


def test_paired_ci_covers_the_true_difference():
    rng = np.random.default_rng(2)
    base = rng.normal(0.5, 0.1, 400)
    cand = base + 0.05 + rng.normal(0, 0.05, 400)
    low, high = paired_ci(base, cand, n_resamples=2000)
    assert low < 0.05 < high
    assert high - low < 0.03


def test_holm_and_bh_reference_values():
    p = [0.01, 0.04, 0.03, 0.005]
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
