"""`evalkit power` on repeats: within-item noise is measured from a baseline with K >= 2
repeats, and the plan says whether more repeats or only more items reach the margin.

Simulated target: each item has a true pass probability (Beta, mean 0.7); every repeat is a
Bernoulli draw of it. A candidate with a drop ``d`` answers each item with probability lowered
by ``d``. The plan's MDE at K repeats is checked against the drop the real gate catches 80% of
the time with K repeats (seeded, Wilson bounds).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evalkit.comparison import GateConfig, plan_power
from evalkit.comparison._graph import TaskQuality, run_gate

SEED = 20261204
N = 120


def _repeats(rng: np.random.Generator, truth: np.ndarray, k: int) -> np.ndarray:
    """(n, k) pass/fail draws."""
    return (rng.random((len(truth), k)) < truth[:, None]).astype(float)


def _per_repeat_frame(draws: np.ndarray) -> pd.DataFrame:
    n, k = draws.shape
    return pd.DataFrame({
        "task": "t", "item_id": np.repeat([f"i{i}" for i in range(n)], k),
        "pair_id": np.repeat([f"i{i}" for i in range(n)], k),
        "repeat": np.tile(np.arange(k), n), "q": draws.ravel(),
    })  # fmt: skip


def _rho(truth: np.ndarray) -> float:
    """The correlation of one baseline draw with one candidate draw on the same item."""
    between = float(truth.var())
    return between / (between + float((truth * (1 - truth)).mean()))


def _truth(rng: np.random.Generator) -> np.ndarray:
    return rng.beta(3.5, 1.5, N)  # mean 0.7, a wide spread of item difficulty


def test_a_stochastic_target_is_told_how_many_repeats_reach_the_margin():
    rng = np.random.default_rng(SEED)
    truth = _truth(rng)
    plan = plan_power(_per_repeat_frame(_repeats(rng, truth, 3)), GateConfig(), rho=_rho(truth))
    row = plan.set_index("hypothesis").loc["t"]
    assert row["repeats"] == 3
    assert 0.4 < row["within_share"] < 0.9  # Beta(3.5, 1.5) draws: most variance is per draw
    assert row["mde_2x_repeats"] < row["mde"] and row["mde_2x_items"] < row["mde"]
    # the index at a margin of 8 points: 3 repeats are not enough, more repeats are
    gate = GateConfig(index_margin=0.08)
    plan = plan_power(_per_repeat_frame(_repeats(rng, truth, 3)), gate, rho=_rho(truth))
    overall = plan.set_index("hypothesis").loc["overall"]
    assert not overall["powered"] and overall["repeats_needed"] > 3
    assert overall["advice"] == f"more items, or --repeats {int(overall['repeats_needed'])}"


def test_repeats_never_help_a_deterministic_target():
    rng = np.random.default_rng(SEED + 1)
    once = (rng.random(N) < 0.7).astype(float)
    draws = np.repeat(once[:, None], 3, axis=1)  # temperature 0: every repeat the same
    gate = GateConfig(task_margin=0.05)
    row = plan_power(_per_repeat_frame(draws), gate).set_index("hypothesis").loc["t"]
    assert row["within_share"] == 0.0
    assert row["mde_2x_repeats"] == pytest.approx(row["mde"])
    assert row["mde_2x_items"] < row["mde"]
    assert not row["powered"] and row["repeats_needed"] is None
    assert row["advice"] == "more items (repeats cannot reach the margin)"


def test_one_repeat_leaves_repeat_noise_unmeasured_and_says_how_to_measure_it():
    rng = np.random.default_rng(SEED + 2)
    frame = _per_repeat_frame(_repeats(rng, _truth(rng), 1))
    row = plan_power(frame, GateConfig(task_margin=0.05)).set_index("hypothesis").loc["t"]
    assert math.isnan(row["within_share"]) and math.isnan(row["mde_2x_repeats"])
    assert "--repeats 2+" in row["advice"]


@pytest.mark.parametrize("k", [1, 4])
def test_the_planned_mde_at_k_repeats_is_the_drop_the_gate_catches_80_percent_of_the_time(k):
    rng = np.random.default_rng(SEED + 10 + k)
    truth = _truth(rng)
    gate = GateConfig()
    base_draws = _repeats(rng, truth, max(k, 2))[:, :k] if k > 1 else _repeats(rng, truth, 1)
    plan = plan_power(_per_repeat_frame(base_draws), gate, rho=_rho(truth), deff=1.0)
    row = plan.set_index("hypothesis").loc["t"]
    mde, alpha = float(row["mde"]), float(row["alpha"])
    ids = np.array([f"i{i}" for i in range(N)])
    hits = 0
    sims = 200
    for _ in range(sims):
        a = _repeats(rng, truth, k).mean(axis=1)
        b = _repeats(rng, np.clip(truth - mde, 0, 1), k).mean(axis=1)
        task = TaskQuality("t", a, b, ids, k == 1, ids)
        h = run_gate([task], 0, gate, False).hypotheses.set_index("hypothesis").loc["t"]
        hits += bool(h["p"] <= alpha)
    power = hits / sims
    assert 0.62 <= power <= 0.95, f"k={k}: planned MDE {mde:.3f} caught {hits}/{sims}"
