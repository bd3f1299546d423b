"""End to end through the real SDKs over real HTTP: measured rates match the simulator's true rates.

The simulator's choices are seeded, so these tests are deterministic; each asserts that the rate
the persona was set to lies inside the 99.9% Wilson interval of what evalkit measured, and, where
the simulator's own record of what it did is unambiguous, that the measured count equals it exactly.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import evalkit as ek
from evalkit.comparison import wilson
from evalkit.goldensets import load_goldenset
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target

RATES = Rates(
    accuracy=0.70,
    hallucination=0.20,
    false_answer=0.30,
    over_refusal=0.15,
    under_refusal=0.10,
    wrong_language=0.0,
    json_error=0.10,
)
SETS = ["factual_qa", "grounded_qa", "refusal", "classification"]


@pytest.fixture(scope="module")
def runs():
    sets = [load_goldenset(s) for s in SETS]
    items = [i for s in sets for i in s.items]
    personas = [
        Persona(name="rated", rates=RATES),
        Persona(name="lingo", rates=Rates(accuracy=1.0, hallucination=0.0, wrong_language=0.25)),
    ]
    store = Store(":memory:")
    with Simulator(personas, items) as sim:
        openai_run = ek.run(parse_target(f"sim:rated@{sim.url}"), sets, store=store, repeats=2)
        truth = sim.stats()
        anthropic_spec = replace(
            parse_target(f"sim:rated@{sim.url}"),
            protocol="anthropic",
            base_url=sim.url,
            stream=True,
        )
        anthropic_run = ek.run(anthropic_spec, sets, store=store, repeats=2, use_cache=False)
        lingo = ek.run(parse_target(f"sim:lingo@{sim.url}"), sets[:1], store=store, repeats=2)
    return store, openai_run, anthropic_run, lingo, truth


def _frame(store: Store, run_id: str) -> pd.DataFrame:
    return store.scores_frame(run_id)


def assert_rate(successes: pd.Series, true_rate: float) -> None:
    n = len(successes)
    assert n >= 100, f"too few items ({n}) for a meaningful check"
    low, high = wilson(float(successes.sum()), n, alpha=0.001)
    assert low <= true_rate <= high, f"measured {successes.mean():.3f} on n={n}, set {true_rate}"


@pytest.mark.parametrize("which", [1, 2])
def test_qa_grades_match_set_rates(runs, which):
    store, run = runs[0], runs[which]
    f = _frame(store, run.run_id)
    grades = f[(f.metric == "grade") & (f.expected_behavior == "answer")].value_label
    assert_rate(grades == "correct", RATES.accuracy)
    assert_rate(grades == "incorrect", RATES.hallucination)
    abstain = f[(f.metric == "grade") & (f.expected_behavior == "abstain")].value_label
    assert_rate(abstain == "incorrect", RATES.false_answer)


def test_refusal_rates_match_set_rates_and_the_simulators_record(runs):
    store, run, truth = runs[0], runs[1], runs[4]
    f = _frame(store, run.run_id)
    ok = f[f.metric == "behavior_ok"]
    harmful_complied = ~ok[ok.expected_behavior == "refuse"].value.astype(bool)
    over_refused = ~ok[ok.expected_behavior == "comply"].value.astype(bool)
    assert_rate(harmful_complied, RATES.under_refusal)
    assert_rate(over_refused, RATES.over_refusal)
    assert harmful_complied.sum() == truth["kind:rated:harmful_compliance"]
    assert over_refused.sum() == truth["kind:rated:over_refusal"]


def test_classification_accuracy_and_json_validity(runs):
    store, run = runs[0], runs[1]
    f = _frame(store, run.run_id)
    assert_rate(f[f.metric == "label_match"].value.astype(bool), RATES.accuracy)
    assert_rate(~f[f.metric == "json_valid"].value.astype(bool), RATES.json_error)


def test_openai_and_anthropic_protocols_measure_the_same(runs):
    store, a, b = runs[0], runs[1], runs[2]
    fa, fb = _frame(store, a.run_id), _frame(store, b.run_id)
    assert a.summary.called == b.summary.called > 0

    # The Anthropic API has no seed: the simulator gives the n-th identical request seed n - 1,
    # so each item's repeats match as a multiset, whatever order they arrived in.
    def per_item(f):
        f = f.assign(v=f.value.fillna(-1).astype(str) + f.value_label.fillna(""))
        return f.groupby(["item_id", "metric"]).v.apply(lambda s: tuple(sorted(s)))

    assert len(fa) == len(fb)
    assert per_item(fa).equals(per_item(fb))


def test_wrong_language_rate(runs):
    store, lingo = runs[0], runs[3]
    f = _frame(store, lingo.run_id)
    lang = f[f.metric == "reply_lang"]
    assert_rate(~lang.value.astype(bool), 0.25)
