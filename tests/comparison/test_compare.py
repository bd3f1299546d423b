from __future__ import annotations

import json

import pytest

import evalkit as ek
from evalkit.comparison import GateConfig
from evalkit.errors import ConfigError
from evalkit.goldensets import GoldenItem
from evalkit.sim import Faults, Persona, Rates
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


@pytest.fixture(scope="module")
def pair_of_runs():
    """A baseline and a candidate that is much worse on zh only, on 150 pairs."""
    from evalkit.sim import Simulator

    items = qa_items(150)
    base = Persona(name="base", rates=Rates(accuracy=0.9, hallucination=0.1))
    worse = Persona(
        name="worse",
        rates=Rates(accuracy=0.9, hallucination=0.1),
        overrides={"factual_qa:zh": Rates(accuracy=0.6, hallucination=0.4)},
    )
    twin = Persona(name="twin", rates=Rates(accuracy=0.9, hallucination=0.1))
    store = Store(":memory:")
    with Simulator([base, worse, twin], items) as sim:
        runs = {
            name: ek.run(
                parse_target(f"sim:{name}@{sim.url}"), [make_set(items)], store=store, name=name
            )
            for name in ("base", "worse", "twin")
        }
    return store, runs


def test_planted_zh_regression_fails_and_names_the_slice(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "worse", store=store)
    assert not cmp.passed
    failing = {(r.task, r.lang, r.metric) for r in cmp.failing.itertuples()}
    assert failing == {("factual_qa", "zh", "correct")}
    row = cmp.failing.iloc[0]
    assert row.delta == pytest.approx(row.candidate - row.baseline)
    assert row.ci_low < row.delta < row.ci_high < 0


def test_a_persona_with_the_same_rates_passes(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store)
    assert cmp.passed, cmp.render("table")


def test_binary_slices_use_mcnemar_and_scores_use_sign_flip(pair_of_runs):
    store, _ = pair_of_runs
    slices = ek.compare("base", "worse", store=store).slices
    assert set(slices[slices.metric == "correct"].test) == {"mcnemar_exact"}
    assert set(slices[slices.metric == "token_f1"].test) <= {"sign_flip"}


def test_non_inferiority_mode_fails_an_underpowered_slice(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store, mode="non_inferiority", margin=0.001)
    assert not cmp.passed


def test_formats_json_md_table_html(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "worse", store=store)
    payload = json.loads(cmp.render("json"))
    assert payload["passed"] is False
    assert {
        "n",
        "baseline",
        "candidate",
        "delta",
        "ci_low",
        "ci_high",
        "p",
        "p_adj",
        "verdict",
    } <= set(payload["slices"][0])
    md = cmp.render("md")
    assert "| factual_qa | zh | correct |" in md and "**FAIL**" in md
    assert "FAIL" in cmp.render("table")
    assert cmp._repr_html_().startswith("<table>")


def test_every_failed_candidate_call_fails_the_gate(tmp_path):
    from evalkit.sim import Simulator

    items = qa_items(30)
    store = Store(":memory:")
    with Simulator(
        [Persona(name="ok"), Persona(name="down", faults=Faults(rate_500=1.0))], items
    ) as sim:
        ek.run(parse_target(f"sim:ok@{sim.url}"), [make_set(items)], store=store, name="ok")
        ek.run(
            parse_target(f"sim:down@{sim.url}"),
            [make_set(items)],
            store=store,
            name="down",
            max_retries=0,
        )
    cmp = ek.compare("ok", "down", store=store)
    assert not cmp.passed
    answered = cmp.slices[cmp.slices.metric == "answered"]
    assert (answered.candidate == 0).all() and (answered.verdict == "FAIL").all()


def test_changed_items_are_left_out_and_listed():
    from evalkit.sim import Simulator

    items = qa_items(10)
    changed = [replace_prompt(i) if i.id == "q-0003-en" else i for i in items]
    store = Store(":memory:")
    with Simulator([Persona(name="p")], [*items, replace_prompt(items[6])]) as sim:
        spec = parse_target(f"sim:p@{sim.url}")
        ek.run(spec, [make_set(items)], store=store, name="a")
        ek.run(spec, [make_set(changed)], store=store, name="b")
    cmp = ek.compare("a", "b", store=store)
    assert cmp.excluded_items == ["q-0003-en"]
    assert (cmp.slices[cmp.slices.lang == "en"].n == 9).all()


def replace_prompt(item: GoldenItem) -> GoldenItem:
    return item.model_copy(update={"prompt": item.prompt + " (edited)"})


def test_gate_config_rejects_unknown_keys_and_bad_values():
    with pytest.raises(ConfigError, match="unknown key"):
        GateConfig.from_mapping({"alfa": 0.1})
    with pytest.raises(ConfigError, match="alpha"):
        GateConfig(alpha=1.5)


def test_gate_restricted_to_languages(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "worse", store=store, langs=("en",))
    assert cmp.passed


def test_plot_draws_one_row_per_non_answered_slice(pair_of_runs):
    import matplotlib

    matplotlib.use("Agg")
    store, _ = pair_of_runs
    cmp = ek.compare("base", "worse", store=store)
    ax = cmp.plot()
    assert len(ax.get_yticklabels()) == int((cmp.slices.metric != "answered").sum())
    assert "FAIL" in ax.get_title()


def test_underpowered_gate_slices_are_named(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store, margin=0.01)
    assert any(n.startswith("underpowered:") for n in cmp.notes)
    gate = cmp.slices[cmp.slices.gate & (cmp.slices.metric == "correct")]
    assert (gate.mde > 0.01).all() and (gate.mde < 0.2).all()


def test_by_route_adds_a_route_column(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "worse", store=store, by_route=True)
    assert set(cmp.slices.route) == {"(direct)"}


def test_hard_threshold_fails_a_large_drop_even_when_not_significant(pair_of_runs):
    store, _ = pair_of_runs
    loose = ek.compare("base", "worse", store=store, alpha=1e-12, langs=("zh",))
    assert loose.passed  # nothing is "significant" at alpha 1e-12
    hard = ek.compare("base", "worse", store=store, alpha=1e-12, langs=("zh",), max_drop=0.1)
    assert {(r.task, r.lang, r.metric) for r in hard.failing.itertuples()} == {
        ("factual_qa", "zh", "correct")
    }


def test_run_metrics_carry_intervals(pair_of_runs):
    _, runs = pair_of_runs
    table = runs["base"].metrics().set_index(["task", "lang", "metric"])
    row = table.loc[("factual_qa", "zh", "correct")]
    assert row.interval == "wilson95" and row.low < row["mean"] < row.high and row.n == 150
    f1 = table.loc[("factual_qa", "zh", "token_f1")]
    assert f1.interval == "clustered-se95" and f1.se > 0


def test_gate_mde_is_at_the_holm_adjusted_alpha(pair_of_runs):
    from evalkit.comparison import mde_paired_binary

    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store)
    gate = cmp.slices[cmp.slices["gate"].astype(bool) & (cmp.slices["metric"] == "correct")]
    m = int(cmp.slices["gate"].astype(bool).sum())
    row = gate.iloc[0]
    at_alpha = mde_paired_binary(int(row.n), float(row.baseline), float(row.rho), 0.05, 0.8, False)
    adjusted = mde_paired_binary(
        int(row.n), float(row.baseline), float(row.rho), 0.05 / m, 0.8, False
    )
    assert row.mde == pytest.approx(adjusted) and row.mde > at_alpha


def test_unknown_power_is_flagged_underpowered(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store, metrics={"factual_qa": ("token_f1",)})
    assert any("underpowered" in n and "factual_qa/en/token_f1" in n for n in cmp.notes)


def test_max_drop_tests_a_confidence_bound_not_the_point_estimate(pair_of_runs):
    store, _ = pair_of_runs
    # two equal-quality runs: their noisy point estimates may drop a little, never "surely"
    same = ek.compare("base", "twin", store=store, max_drop=0.01)
    assert same.failing.empty
    assert (same.slices["drop_bound"] >= same.slices["delta"]).all()
