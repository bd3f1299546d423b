from __future__ import annotations

import json

import pytest

import evalkit as ek
from evalkit.comparison import GateConfig, Verdict
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
    assert cmp.verdict is Verdict.FAIL and cmp.exit_code == 1
    assert set(cmp.failing["hypothesis"]) == {"overall", "factual_qa"}
    slices = cmp.slices
    worse = slices[slices["gate"].astype(bool) & (slices["verdict"] == "worse")]
    assert {(r.task, r.lang, r.metric) for r in worse.itertuples()} == {
        ("factual_qa", "zh", "correct")
    }
    row = worse.iloc[0]
    assert row.delta == pytest.approx(row.candidate - row.baseline)
    assert row.ci_low < row.delta < row.ci_high < 0


def test_equal_runs_pass_only_when_the_gate_could_see_its_margin(pair_of_runs):
    store, _ = pair_of_runs
    # 300 items of one task cannot detect a 5-point overall drop at alpha / 2: not a PASS
    default = ek.compare("base", "twin", store=store)
    assert default.verdict is Verdict.INCONCLUSIVE and default.exit_code == 3
    assert list(default.underpowered["hypothesis"]) == ["overall"]
    assert "INCONCLUSIVE" in default.render("table").splitlines()[0]
    assert any("underpowered" in n and "overall" in n for n in default.notes)
    # a margin this comparison can see: PASS
    cmp = ek.compare("base", "twin", store=store, index_margin=0.1)
    assert cmp.passed and cmp.exit_code == 0, cmp.render("table")
    relaxed = ek.compare("base", "twin", store=store, inconclusive="pass")
    assert relaxed.verdict is Verdict.INCONCLUSIVE and relaxed.exit_code == 0


def test_binary_slices_use_mcnemar_and_scores_use_sign_flip(pair_of_runs):
    store, _ = pair_of_runs
    slices = ek.compare("base", "worse", store=store).slices
    assert set(slices[slices.metric == "correct"].test) == {"mcnemar_exact"}
    assert set(slices[slices.metric == "token_f1"].test) <= {"sign_flip"}


def test_non_inferiority_passes_only_within_margins_it_can_establish(pair_of_runs):
    store, _ = pair_of_runs
    shown = ek.compare("base", "twin", store=store, mode="non_inferiority")
    assert shown.verdict is Verdict.PASS
    assert (shown.hypotheses["bound"] < shown.hypotheses["margin"]).all()
    tight = ek.compare(
        "base", "twin", store=store, mode="non_inferiority", index_margin=0.01, task_margin=0.01
    )
    assert tight.verdict is Verdict.INCONCLUSIVE and not tight.passed
    worse = ek.compare("base", "worse", store=store, mode="non_inferiority")
    assert worse.verdict is Verdict.FAIL


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
    assert cmp.verdict is Verdict.FAIL
    assert (cmp.hypotheses["candidate"] == 0).all()  # unanswered is quality 0
    answered = cmp.slices[cmp.slices.metric == "answered"]
    assert (answered.candidate == 0).all() and (answered.verdict == "worse").all()


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
    en = ek.compare("base", "worse", store=store, langs=("en",), index_margin=0.15)
    assert en.passed and set(en.hypotheses["n"]) == {150}
    zh = ek.compare("base", "worse", store=store, langs=("zh",))
    assert zh.verdict is Verdict.FAIL


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
    assert loose.failing.empty  # nothing is "significant" at alpha 1e-12
    hard = ek.compare("base", "worse", store=store, alpha=1e-12, langs=("zh",), max_drop=0.1)
    assert hard.verdict is Verdict.FAIL and "factual_qa" in set(hard.failing["hypothesis"])


def test_run_metrics_carry_intervals(pair_of_runs):
    _, runs = pair_of_runs
    table = runs["base"].metrics().set_index(["task", "lang", "metric"])
    row = table.loc[("factual_qa", "zh", "correct")]
    assert row.interval == "wilson95" and row.low < row["mean"] < row.high and row.n == 150
    f1 = table.loc[("factual_qa", "zh", "token_f1")]
    assert f1.interval == "clustered-se95" and f1.se > 0


def test_gate_mde_is_at_the_alpha_each_hypothesis_starts_at(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store)
    h = cmp.hypotheses.set_index("hypothesis")
    # the index starts at alpha / 2, the one task at the other half
    assert h.loc["overall", "alpha"] == pytest.approx(0.025)
    assert h.loc["factual_qa", "alpha"] == pytest.approx(0.025)
    looser = ek.compare("base", "twin", store=store, alpha=0.2).hypotheses.set_index("hypothesis")
    assert looser.loc["overall", "mde"] < h.loc["overall", "mde"]


def test_a_score_metric_enters_quality_on_its_scale(pair_of_runs):
    store, _ = pair_of_runs
    cmp = ek.compare("base", "twin", store=store, metrics={"factual_qa": ("token_f1",)})
    h = cmp.hypotheses.set_index("hypothesis")
    assert 0 < h.loc["factual_qa", "baseline"] <= 1 and h.loc["factual_qa", "mde"] > 0


def test_max_drop_tests_a_confidence_bound_not_the_point_estimate(pair_of_runs):
    store, _ = pair_of_runs
    # two equal-quality runs: their noisy point estimates may drop a little, never "surely"
    same = ek.compare("base", "twin", store=store, max_drop=0.01)
    assert same.failing.empty
    assert (same.hypotheses["drop_lower"] <= -same.hypotheses["delta"]).all()


def test_a_refusal_gate_on_the_rules_alone_says_so():
    from evalkit.comparison._compare import _note_rules_alone

    rules_only: list[str] = []
    _note_rules_alone({("refusal", "en", "behavior_ok"), ("refusal", "en", "answered")}, rules_only)
    assert len(rules_only) == 1 and "judge_refusal_label_ok" in rules_only[0]
    with_judges: list[str] = []
    _note_rules_alone(
        {("refusal", "zh", "behavior_ok"), ("refusal", "zh", "judge_refusal_label_ok")},
        with_judges,
    )
    no_refusal: list[str] = []
    _note_rules_alone({("factual_qa", "en", "correct")}, no_refusal)
    assert with_judges == [] and no_refusal == []
