from __future__ import annotations

import math

import numpy as np
import pytest

from evalkit.comparison._power import (
    mde_paired_binary,
    observed_rho,
    paired_cells,
    power_paired_binary,
    required_n,
)

RHOS = (0.0, 0.3, 0.5, 0.7)

# Connor 1987; Miller 2024, items for a 5-point drop, 80% power, alpha 0.05: (two-sided, one-sided)
# per rho in RHOS.
SAMPLE_SIZE_TABLE = {
    0.90: [(683, 538), (482, 379), (347, 273), (213, 168)],
    0.80: [(1091, 860), (765, 603), (548, 432), (330, 260)],
    0.70: [(1374, 1082), (962, 758), (688, 542), (413, 326)],
    0.50: [(1562, 1231), (1094, 862), (781, 616), (469, 370)],
}
SAMPLE_SIZE_CASES = [
    (p, rho, two_sided, row[i][0 if two_sided else 1])
    for p, row in SAMPLE_SIZE_TABLE.items()
    for i, rho in enumerate(RHOS)
    for two_sided in (True, False)
]


@pytest.mark.parametrize(("p_base", "rho", "two_sided", "table_n"), SAMPLE_SIZE_CASES)
def test_required_n_reproduces_the_science_table(p_base, rho, two_sided, table_n):
    # The table is printed rounded up to whole items; allow one item for float rounding.
    assert required_n(0.05, p_base, rho, two_sided=two_sided) == pytest.approx(table_n, abs=1)


@pytest.mark.parametrize(
    ("rho", "approx_n", "rel"), [(0.0, 1100, 0.01), (0.5, 550, 0.01), (0.7, 330, 0.01)]
)
def test_required_n_headline_figures(rho, approx_n, rel):
    # docs/metrics.md: ~1,100 / ~550 / ~330 items for 80% -> 75%.
    assert required_n(0.05, 0.80, rho) == pytest.approx(approx_n, rel=rel)


# Connor 1987, minimum detectable drop at baseline 80%, two-sided, 80% power, in points.
MDE_TABLE = [
    (100, 12.3, 17.6),
    (200, 8.5, 12.2),
    (300, 6.8, 9.8),
    (500, 5.2, 7.5),
    (1000, 3.7, 5.2),
    (2000, 2.6, 3.7),
]


@pytest.mark.parametrize(("n", "mde_rho_half", "mde_rho_zero"), MDE_TABLE)
def test_mde_reproduces_the_science_table(n, mde_rho_half, mde_rho_zero):
    # The table prints one decimal of a point: the exact value is within 0.05 points.
    assert 100 * mde_paired_binary(n, 0.80, 0.5) == pytest.approx(mde_rho_half, abs=0.05)
    assert 100 * mde_paired_binary(n, 0.80, 0.0) == pytest.approx(mde_rho_zero, abs=0.05)


@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("rho", RHOS)
def test_mde_and_required_n_are_inverses(rho, two_sided):
    for n in (150, 600, 2500):
        delta = mde_paired_binary(n, 0.8, rho, two_sided=two_sided)
        assert required_n(delta, 0.8, rho, two_sided=two_sided) == pytest.approx(n, abs=1)


def test_mde_shrinks_with_n_and_with_rho():
    assert mde_paired_binary(400, 0.8, 0.5) < mde_paired_binary(200, 0.8, 0.5)
    assert mde_paired_binary(400, 0.8, 0.7) < mde_paired_binary(400, 0.8, 0.3)
    assert mde_paired_binary(400, 0.8, 0.5, two_sided=False) < mde_paired_binary(400, 0.8, 0.5)


def test_mde_is_nan_when_no_drop_is_detectable():
    assert math.isnan(mde_paired_binary(1, 0.8, 0.0))


def test_normal_power_is_80_percent_at_required_n():
    n = required_n(0.05, 0.8, 0.5)
    assert power_paired_binary(n, 0.8, 0.05, 0.5) >= 0.8
    assert power_paired_binary(n - 1, 0.8, 0.05, 0.5) < 0.8
    assert power_paired_binary(n, 0.8, 0.05, 0.5) == pytest.approx(0.8, abs=0.001)


# Connor 1987; Miller 2024 simulation check of the exact McNemar test (4,000-6,000 sims each, MC SE
# about 0.0065, hence the 0.015 tolerance): n, rho, two-sided, simulated power.
EXACT_POWER_CASES = [
    (553, 0.5, True, 0.776),
    (590, 0.5, True, 0.80),
    (1130, 0.0, True, 0.80),
    (432, 0.5, False, 0.765),
]


@pytest.mark.parametrize(("n", "rho", "two_sided", "simulated"), EXACT_POWER_CASES)
def test_exact_mcnemar_power_matches_the_science_simulations(n, rho, two_sided, simulated):
    power = power_paired_binary(n, 0.8, 0.05, rho, two_sided=two_sided, exact=True)
    assert power == pytest.approx(simulated, abs=0.015)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.7])
def test_exact_mcnemar_is_conservative_at_the_normal_n(rho):
    # Connor 1987; Miller 2024: add about 5-8% to the normal-approximation n for the exact test.
    n = required_n(0.05, 0.8, rho)
    exact = power_paired_binary(n, 0.8, 0.05, rho, exact=True)
    assert 0.75 < exact < 0.8


@pytest.mark.parametrize(
    ("rho", "discordance"), [(0, 0.350), (0.3, 0.246), (0.5, 0.177), (0.7, 0.108)]
)
def test_paired_cells_discordance_matches_science(rho, discordance):
    cells = paired_cells(0.80, 0.75, rho)
    assert sum(cells) == pytest.approx(1.0)
    assert cells[0] + cells[1] == pytest.approx(0.80)
    assert cells[0] + cells[2] == pytest.approx(0.75)
    assert cells[1] + cells[2] == pytest.approx(discordance, abs=0.0005)


def test_paired_cells_rejects_an_unattainable_rho():
    with pytest.raises(ValueError, match="not attainable"):
        paired_cells(0.8, 0.5, 0.7)


def test_observed_rho_is_phi_for_binary_outcomes():
    base = np.array([1] * 50 + [1] * 10 + [0] * 5 + [0] * 35)
    cand = np.array([1] * 50 + [0] * 10 + [1] * 5 + [0] * 35)
    n11, n10, n01, n00 = 50, 10, 5, 35
    phi = (n11 * n00 - n10 * n01) / math.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00))
    assert observed_rho(base, cand) == pytest.approx(phi, abs=1e-12)


def test_observed_rho_is_pearson_for_scores():
    rng = np.random.default_rng(3)
    base = rng.normal(size=200)
    cand = 0.6 * base + rng.normal(size=200)
    assert observed_rho(base, cand) == pytest.approx(np.corrcoef(base, cand)[0, 1], abs=1e-12)


def test_observed_rho_is_nan_for_a_constant_run():
    assert math.isnan(observed_rho(np.ones(10), np.arange(10.0)))
    assert math.isnan(observed_rho(np.ones(1), np.ones(1)))


def test_observed_rho_rejects_misaligned_runs():
    with pytest.raises(ValueError, match="differ in length"):
        observed_rho(np.ones(3), np.ones(4))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"p_base": 1.0},
        {"p_base": 0.0},
        {"rho": 1.5},
        {"alpha": 0.0},
        {"power": 1.0},
        {"delta": 0.0},
        {"delta": 0.9},
    ],
)
def test_required_n_rejects_bad_arguments(kwargs):
    args = {"delta": 0.05, "p_base": 0.8, "rho": 0.5} | kwargs
    with pytest.raises(ValueError):
        required_n(**args)


def test_mde_rejects_an_empty_sample():
    with pytest.raises(ValueError, match="n must be"):
        mde_paired_binary(0, 0.8, 0.5)


@pytest.mark.parametrize("n", [5, 30, 200, 1000, 20000])
@pytest.mark.parametrize("p_base", [0.05, 0.5, 0.8, 0.99])
@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_mde_matches_scipy_brentq(n, p_base, rho):
    # the root finder is a bisection (a compare never imports scipy.optimize); brentq is the
    # reference
    from scipy import optimize

    from evalkit.comparison._power import _sd_diff, _z

    z = _z(0.05, 0.8, True)

    def gap(delta):
        return delta * math.sqrt(n) - z * _sd_diff(p_base, p_base - delta, rho)

    got = mde_paired_binary(n, p_base, rho)
    if gap(p_base) < 0:
        assert math.isnan(got)
    elif gap(0.0) >= 0:
        assert got == 0.0
    else:
        assert got == pytest.approx(optimize.brentq(gap, 0.0, p_base, xtol=1e-12), abs=1e-9)
