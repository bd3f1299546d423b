"""The gate's error rates and power, by simulation through the real gate (`run_gate`).

The model follows docs/gate-design.md §2.1 at the built-in set sizes: six paired tasks of 112
en/zh pairs (224 items) and code_mixed with 224 unpaired items; every item has a difficulty
shared by both runs, a pair shares part of it across languages, and each run adds its own noise
(between-run phi about 0.36). A drop of ``d`` in a task lowers the candidate's pass
probability of each of its items by ``d`` on average. Seeded; the assertions are statistical
bounds (Wilson 95% upper or lower limits), not the exact figures.

Measured (seeds below): A/A FAIL 21 of 600 (3.5%), PASS 574; a 10-point drop in one whole task
caught 143 of 200 (72%); 5 points spread over every task caught 198 of 200; in non-inferiority
mode a true drop equal to the task margin PASSES 3 of 300. Mean between-run phi 0.36.
Runtime about 20 s on 2 cores.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from evalkit.comparison import GateConfig, Verdict
from evalkit.comparison._graph import TaskQuality, run_gate

TASKS = ["factual_qa", "grounded_qa", "refusal", "classification", "translation",
         "instruction_following", "code_mixed"]  # fmt: skip
BASE_P = [0.80, 0.85, 0.85, 0.80, 0.75, 0.70, 0.80]
PAIRS = 112
SEED = 20261203


def _wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return centre - half, centre + half


def _task(rng: np.random.Generator, name: str, p: float, drop: float) -> TaskQuality:
    paired = name != "code_mixed"
    n = 2 * PAIRS
    clusters = np.repeat(np.arange(PAIRS), 2) if paired else np.arange(n)
    if paired:  # a pair shares part of its difficulty across languages
        latent = rng.normal(0, 0.8, PAIRS)[clusters] + rng.normal(0, 0.8, n)
    else:
        latent = rng.normal(0, math.sqrt(1.28), n)
    threshold = stats.norm.ppf(1 - p) * math.sqrt(1.28 + 1.0)
    base = latent + rng.normal(0, 1.0, n) > threshold
    shift = stats.norm.ppf(1 - (p - drop)) * math.sqrt(1.28 + 1.0)
    cand = latent + rng.normal(0, 1.0, n) > shift
    return TaskQuality(name, base.astype(float), cand.astype(float), clusters.astype(str), True)


def _comparison(rng: np.random.Generator, drops: dict[str, float]) -> list[TaskQuality]:
    return [_task(rng, t, p, drops.get(t, 0.0)) for t, p in zip(TASKS, BASE_P, strict=True)]


def _verdicts(drops: dict[str, float], sims: int, gate: GateConfig, seed: int) -> list[Verdict]:
    rng = np.random.default_rng(seed)
    return [run_gate(_comparison(rng, drops), 0, gate, False).verdict for _ in range(sims)]


def test_the_simulated_runs_correlate_as_real_ones_do():
    rng = np.random.default_rng(SEED)
    r = [np.corrcoef(t.a, t.b)[0, 1] for t in _comparison(rng, {})]
    assert 0.3 < float(np.mean(r)) < 0.6


def test_aa_false_alarm_is_at_most_alpha():
    verdicts = _verdicts({}, 600, GateConfig(), SEED)
    fails = sum(v is Verdict.FAIL for v in verdicts)
    low, _ = _wilson(fails, len(verdicts))
    assert low <= 0.05, f"{fails}/{len(verdicts)} A/A comparisons failed"
    # equal runs at built-in sizes are powered: mostly PASS, never called worse
    assert sum(v is Verdict.PASS for v in verdicts) / len(verdicts) > 0.8


def test_a_ten_point_drop_in_one_whole_task_is_caught():
    verdicts = _verdicts({"grounded_qa": 0.10}, 200, GateConfig(), SEED + 1)
    caught = sum(v is Verdict.FAIL for v in verdicts)
    _, high = _wilson(caught, len(verdicts))
    assert high >= 0.60, f"caught {caught}/{len(verdicts)}"


def test_a_five_point_drop_spread_over_every_task_is_caught():
    verdicts = _verdicts({t: 0.05 for t in TASKS}, 200, GateConfig(), SEED + 2)
    caught = sum(v is Verdict.FAIL for v in verdicts)
    _, high = _wilson(caught, len(verdicts))
    assert high >= 0.80, f"caught {caught}/{len(verdicts)}"


def test_non_inferiority_at_the_margin_rarely_passes():
    gate = GateConfig(mode="non_inferiority")
    verdicts = _verdicts({"refusal": gate.task_margin}, 300, gate, SEED + 3)
    passed = sum(v is Verdict.PASS for v in verdicts)
    low, _ = _wilson(passed, len(verdicts))
    assert low <= 0.06, f"passed {passed}/{len(verdicts)} with a drop equal to the margin"


def test_an_underpowered_comparison_of_equal_runs_is_inconclusive_never_pass():
    rng = np.random.default_rng(SEED + 4)
    small = [
        TaskQuality(t.task, t.a[:24], t.b[:24], t.clusters[:24], True) for t in _comparison(rng, {})
    ]
    result = run_gate(small, 0, GateConfig(), False)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.hypotheses["underpowered"].all()


@pytest.mark.parametrize("hypothesis", ["overall", "refusal"])
def test_reported_mde_is_close_to_the_simulated_80_percent_power_drop(hypothesis):
    """The MDE the gate reports is the drop it catches about 80% of the time (within 15%)."""
    rng = np.random.default_rng(SEED + 5)
    gate = GateConfig()
    table = run_gate(_comparison(rng, {}), 0, gate, False).hypotheses.set_index("hypothesis")
    mde = float(table.loc[hypothesis, "mde"])
    drops = dict.fromkeys(TASKS, mde) if hypothesis == "overall" else {hypothesis: mde}
    rng = np.random.default_rng(SEED + 6)
    hits = 0
    for _ in range(200):
        h = run_gate(_comparison(rng, drops), 0, gate, False).hypotheses.set_index("hypothesis")
        hits += bool(h.loc[hypothesis, "p"] <= h.loc[hypothesis, "alpha"])
    low, high = _wilson(hits, 200)
    assert low - 0.12 <= 0.80 <= high + 0.12, f"{hits}/200 at the reported MDE {mde:.3f}"


def test_power_plan_matches_the_gate_and_says_how_many_items(tmp_path):
    """`evalkit power` from a stored baseline: the plan's MDE is the gate's formula, and a
    smaller baseline needs more items than it has."""
    import pandas as pd

    from evalkit.comparison import plan_power

    rng = np.random.default_rng(SEED + 7)
    rows = [
        (t.task, f"{t.task}-{i}", str(c), float(q))
        for t in _comparison(rng, {})
        for i, (c, q) in enumerate(zip(t.clusters, t.a, strict=True))
    ]
    quality = pd.DataFrame(rows, columns=["task", "item_id", "pair_id", "q"])
    plan = plan_power(quality, GateConfig()).set_index("hypothesis")
    assert plan["powered"].all() and (plan["items_needed"] <= plan["n"]).all()
    small = quality.groupby("task").head(40)
    tight = plan_power(small, GateConfig()).set_index("hypothesis")
    assert not tight.loc["overall", "powered"]
    assert tight.loc["overall", "items_needed"] > tight.loc["overall", "n"]
    assert tight.loc["overall", "mde"] > plan.loc["overall", "mde"]
