"""The judge panel end to end against simulated judges over real HTTP."""

from __future__ import annotations

import anyio
import pytest

import evalkit as ek
from evalkit.comparison import wilson
from evalkit.goldensets import load_goldenset
from evalkit.judges import Panel, PanelConfig, agreement, judge_run_async, pairwise_async
from evalkit.judges._panel import Cascade
from evalkit.measures import measures
from evalkit.sim import JudgeRates, Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import TargetModel, parse_target

E = 0.2
CANDIDATE = Rates(accuracy=0.7, hallucination=0.2, false_answer=0.3, over_refusal=0.15,
                  under_refusal=0.1)  # fmt: skip


def judges(url: str, names: dict[str, str]) -> list[TargetModel]:
    return [
        TargetModel(name=n, provider="sim", model=n, base_url=url, family=f)
        for n, f in names.items()
    ]


@pytest.fixture(scope="module")
def world():
    sets = [load_goldenset(s) for s in ("factual_qa", "refusal", "code_mixed")]
    items = [i for s in sets for i in s.items]
    personas = [
        Persona(name="cand", family="sim-a", rates=CANDIDATE),
        Persona(
            name="perfect",
            family="sim-p",
            rates=Rates(
                accuracy=1.0,
                hallucination=0.0,
                false_answer=0.0,
                over_refusal=0.0,
                under_refusal=0.0,
            ),
        ),
        *(
            Persona(name=n, family=f"sim-{n}", judge=JudgeRates(error=E))
            for n in ("ja", "jb", "jc")
        ),
        Persona(name="jgood", family="sim-jgood", judge=JudgeRates(error=0.02)),
        Persona(name="j5a", family="sim-j5a", judge=JudgeRates(error=0.05)),
        Persona(name="j5b", family="sim-j5b", judge=JudgeRates(error=0.05)),
        Persona(name="jself", family="sim-a", judge=JudgeRates(error=0.0)),
        Persona(name="jbroken", family="sim-x", judge=JudgeRates(parse_failure=1.0)),
        Persona(name="jflaky", family="sim-z", judge=JudgeRates(parse_failure=0.5)),
        Persona(name="jbiased", family="sim-y", judge=JudgeRates(position_bias=1.0)),
    ]
    store = Store(":memory:")
    with Simulator(personas, items) as sim:
        spec = parse_target(f"sim:cand@{sim.url}")
        spec = spec.__class__(**{**spec.__dict__, "family": "sim-a"})
        run = ek.run(spec, sets, store=store, name="cand")
        base = ek.run(parse_target(f"sim:perfect@{sim.url}"), sets[:1], store=store, name="perfect")
        yield store, sim, run, base


def panel(sim, names, **config) -> Panel:
    return Panel.from_config(PanelConfig(name="t", judges=judges(sim.url, names), **config))


def judge(store, run, p, **kw):
    return anyio.run(lambda: judge_run_async(store, run, p, **kw))


def test_majority_of_three_independent_judges_errs_close_to_3e2_minus_2e3(world):
    store, sim, run, _ = world
    p = panel(sim, {"ja": "sim-ja", "jb": "sim-jb", "jc": "sim-jc"})
    judge(store, run.run_id, p, tasks=["factual_qa"])
    scores = store.scores_frame(run.run_id)
    det = scores[(scores.metric == "grade") & (scores.expected_behavior == "answer")]
    det = det[det.value_label.isin(["correct", "incorrect"])].set_index("item_id").value_label
    panel_label = scores[scores.metric == "judge_grade"].set_index("item_id").value_label[det.index]
    wrong = int((panel_label != det).sum())
    expected = 3 * E**2 - 2 * E**3
    low, high = wilson(wrong, len(det), alpha=0.01)
    assert low <= expected <= high, (wrong, len(det), expected)
    single = store.verdicts_frame(run.run_id).query("judge_name == 'ja' and status == 'ok'")
    single = single.set_index("item_id").label.reindex(det.index)
    lo1, hi1 = wilson(int((single != det).sum()), len(det), alpha=0.01)
    assert lo1 <= E <= hi1


def test_same_family_judge_is_excluded_and_recorded(world):
    store, sim, run, _ = world
    p = panel(sim, {"jgood": "sim-jgood", "jself": "sim-a"})
    summary = judge(store, run.run_id, p, tasks=["refusal"])
    assert summary.excluded == {"jself": summary.replies}
    v = store.verdicts_frame(run.run_id).query("measure == 'refusal_label'")
    assert set(v[v.judge_name == "jself"].status) == {"excluded"}
    assert v[v.judge_name == "jself"].excluded_reason.str.contains("same family").all()
    assert sim.stats().get("judged:jself", 0) == 0


def test_flagging_instead_of_excluding_keeps_the_judge(world):
    store, sim, _, base = world
    p = panel(sim, {"jself": "sim-p"}, exclude_same_family=False)
    judge(store, base.run_id, p, tasks=["factual_qa"])
    v = store.verdicts_frame(base.run_id)
    assert (v.status == "ok").all() and v.excluded_reason.str.startswith("flagged").all()


def test_parse_failures_are_stored_raw_and_never_scored(world):
    store, sim, _, base = world
    p = Panel.from_config(PanelConfig(name="broken", judges=judges(sim.url, {"jbroken": "sim-x"})))
    summary = judge(store, base.run_id, p, tasks=["factual_qa"])
    v = store.verdicts_frame(base.run_id).query("judge_name == 'jbroken'")
    assert summary.parse_failures == summary.replies > 0
    assert set(v.status) == {"parse_error"} and v.raw_text.str.contains("fine").all()
    assert v.parse_error.str.contains("no JSON").all()


def test_a_judge_failing_half_its_parses_is_counted_and_named(world):
    store, sim, _, base = world
    p = panel(sim, {"jgood": "sim-jgood", "jflaky": "sim-z"})
    summary = judge(store, base.run_id, p, tasks=["factual_qa"])
    flaky, good = summary.judges["jflaky"], summary.judges["jgood"]
    assert flaky.read == good.read == summary.replies
    lo, hi = wilson(flaky.parse_failures, flaky.read, alpha=0.01)
    assert lo <= 0.5 <= hi and good.parse_failures == 0
    assert summary.parse_failures == flaky.parse_failures
    assert summary.unreadable_judges() == ["jflaky"]
    (warning,) = summary.warnings()
    assert "'jflaky'" in warning and "unreliable" in warning
    raw = store.verdicts_frame(base.run_id).query("judge_name == 'jflaky'")
    assert (raw.status == "parse_error").sum() == flaky.parse_failures
    assert raw[raw.status == "parse_error"].raw_text.str.contains("fine").all()


def test_rejudging_is_resumable_and_cached(world):
    store, sim, run, _ = world
    p = panel(sim, {"ja": "sim-ja", "jb": "sim-jb", "jc": "sim-jc"})
    before = sim.stats().get("judged:ja", 0)
    again = judge(store, run.run_id, p, tasks=["factual_qa"])
    assert again.calls == 0 and again.resumed == 3 * again.replies
    assert sim.stats().get("judged:ja", 0) == before


def test_cascade_saves_calls_without_moving_the_measures(world):
    """Both the full panel's and the cascade's rates lie in the 99% Wilson interval of the rate
    the simulated candidate really produced (its own record), and the cascade asks far fewer."""
    store, sim, run, _ = world
    names = {"jgood": "sim-jgood", "j5a": "sim-j5a", "j5b": "sim-j5b"}
    truth = sim.stats()
    true_rates = {
        "harmful_compliance": truth["kind:cand:harmful_compliance"] / 112,
        "over_refusal": truth["kind:cand:over_refusal"] / 112,
    }
    results = {}
    for mode, cascade in (("full", None), ("cascade", Cascade(first="jgood"))):
        store.con.execute("DELETE FROM judge_verdicts WHERE measure = 'refusal_label'")
        store.con.execute("DELETE FROM scores WHERE metric LIKE 'judge_refusal%'")
        summary = judge(store, run.run_id, panel(sim, names, cascade=cascade), tasks=["refusal"])
        table = measures(store, run.run_id).refusal
        results[mode] = (summary, table)
        for rate, true in true_rates.items():
            k = float((table[rate] * table[f"{rate}_n"]).sum())
            lo, hi = wilson(k, int(table[f"{rate}_n"].sum()), alpha=0.01)
            assert lo <= true <= hi, (mode, rate, k, true)
    full, casc = results["full"][0], results["cascade"][0]
    assert casc.calls + casc.cached < 0.5 * full.calls
    assert casc.saved_calls == casc.full_panel_calls - casc.calls - casc.cached


def test_pairwise_counts_a_flip_as_a_tie(world):
    store, sim, run, base = world
    fair = panel(sim, {"jgood": "sim-jgood"})
    result = anyio.run(lambda: pairwise_async(store, run.run_id, base.run_id, fair))
    summary = result.summary()
    assert (summary.win_rate > 0.55).all()  # the perfect persona beats the 70% one
    biased = panel(sim, {"jbiased": "sim-y"})
    result = anyio.run(lambda: pairwise_async(store, run.run_id, base.run_id, biased))
    assert result.flips > 0.9 and (result.items.winner == "tie").mean() > 0.9


def test_agreement_report_reads_the_panel(world):
    store, _, run, _ = world
    table = agreement(store, run.run_id).set_index("measure")
    alpha = table.loc["grade", "alpha"]
    assert 0.2 < alpha < 0.8  # three judges each wrong 20% of the time agree only moderately


def test_panel_decided_measures_match_what_the_candidate_did(world):
    store, sim, run, _ = world
    p = panel(sim, {"jgood": "sim-jgood", "j5a": "sim-j5a", "j5b": "sim-j5b"})
    judge(store, run.run_id, p, tasks=["factual_qa", "code_mixed"])
    m = measures(store, run.run_id)
    scores = store.scores_frame(run.run_id)
    truth = scores[(scores.metric == "grade") & (scores.task == "factual_qa")]
    for lang in ("en", "zh"):
        row = m.hallucination.set_index(["task", "lang"]).loc[("factual_qa", lang)]
        assert row.decided_panel == 1.0 and row.decided_rules == row.unsure == 0.0
        true_incorrect = int((truth[truth.lang == lang].value_label == "incorrect").sum())
        lo, hi = wilson(row.incorrect * row.n, int(row.n), alpha=0.01)
        assert lo <= true_incorrect / row.n <= hi
        assert 0.5 < row.premise_corrected < 0.95  # false_answer = 0.3
    assert m.code_mixed.fidelity.iloc[0] > 0.95
    cm = m.code_mixed.iloc[0]
    assert 0.6 < cm.terminology < 0.85  # accuracy 0.7: a spoiled reply loses its key terms
    assert 2.0 < cm.naturalness < 5.0  # judges give 5 to good replies and 2 to spoiled ones


def test_another_panel_with_the_same_judge_names_judges_afresh(world):
    store, sim, _, base = world
    first = panel(sim, {"ja": "sim-ja"})
    judge(store, base.run_id, first, tasks=["factual_qa"])
    swapped = Panel.from_config(
        PanelConfig(
            name="swapped",
            judges=[
                TargetModel(
                    name="ja", provider="sim", model="jgood", base_url=sim.url, family="sim-jgood"
                )
            ],
        )
    )
    again = judge(store, base.run_id, swapped, tasks=["factual_qa"])
    assert again.resumed == 0 and again.calls + again.cached == again.replies


def test_a_routed_reply_takes_the_family_of_the_model_that_served_it():
    from evalkit.judges._store import candidate_family, target_families

    models = {
        key: {"provider": "sim", "model": key, "base_url": "http://x", "family": f"fam-{key}"}
        for key in ("a", "b")
    }
    router = {"name": "r", "default": "a", "models": models}
    families = target_families("router", "r", {"router": router})
    assert families == {"a": "fam-a", "b": "fam-b"}
    assert candidate_family(families, "b", "b") == "fam-b"
    assert candidate_family(families, "b", "anthropic/claude-3.5-haiku") == "claude"
