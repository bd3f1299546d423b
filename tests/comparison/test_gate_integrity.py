"""Every way the gate could say PASS when it must not (issue: gate integrity)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

import evalkit as ek
from evalkit.comparison import GateConfig, Verdict, compare_runs
from evalkit.errors import ConfigError, StoreError
from evalkit.sim import Faults, Persona
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items

PERFECT = {"accuracy": 1.0, "hallucination": 0.0}


def _spec(sim, persona):
    return parse_target(f"sim:{persona}@{sim.url}")


@pytest.fixture
def two_runs(sim_factory):
    """Two complete runs of the same 40 items, named base and cand."""
    items = qa_items(20)
    sim = sim_factory([Persona(name="p", rates=PERFECT)], items)
    store = Store(":memory:")
    gs = make_set(items)
    ek.run(_spec(sim, "p"), [gs], store=store, name="base", use_cache=False)
    ek.run(_spec(sim, "p"), [gs], store=store, name="cand", use_cache=False)
    return store, sim, items


@pytest.mark.parametrize(
    ("gate", "needle"),
    [
        (GateConfig(tasks=("factual-qa",)), "did you mean 'factual_qa'"),
        (GateConfig(langs=("fr",)), "unknown language(s) 'fr'"),
        (GateConfig(metrics={"factual_qa": ("corect",)}), "did you mean 'correct'"),
        (GateConfig(metrics={"factual-qa": ("correct",)}), "did you mean 'factual_qa'"),
    ],
)
def test_a_filter_that_names_nothing_is_a_usage_error(two_runs, gate, needle):
    store, _, _ = two_runs
    with pytest.raises(ConfigError) as err:
        compare_runs(store, "base", "cand", gate)
    assert needle in str(err.value) and "valid:" in str(err.value)


def test_a_valid_filter_that_selects_no_slice_never_passes(two_runs):
    store, _, _ = two_runs
    with pytest.raises(ConfigError, match="selects no slice"):
        compare_runs(store, "base", "cand", GateConfig(tasks=("translation",)))


def test_a_run_compared_with_itself_is_refused(two_runs):
    store, _, _ = two_runs
    with pytest.raises(ConfigError, match="same run"):
        compare_runs(store, "base", "base")


def test_an_ambiguous_prefix_lists_the_matches(two_runs):
    store, _, _ = two_runs
    ids = store.runs()["run_id"].tolist()
    common = ids[0][:2]  # both ids start with the year
    assert all(i.startswith(common) for i in ids)
    with pytest.raises(StoreError, match="ambiguous") as err:
        store.resolve_run_id(common)
    assert all(i in str(err.value) for i in ids)
    assert store.resolve_run_id(ids[0][:-1]) == ids[0]  # a unique prefix still works


@pytest.mark.parametrize("ref", ["%", "_", "2%", "base%", "b_se"])
def test_like_wildcards_are_literal(two_runs, ref):
    store, _, _ = two_runs
    with pytest.raises(StoreError, match="no run"):
        store.resolve_run_id(ref)


def test_an_unfinished_candidate_is_refused_then_counted_against_when_allowed(sim_factory):
    items = qa_items(20)
    sim = sim_factory([Persona(name="p", rates=PERFECT)], items)
    store = Store(":memory:")
    gs = make_set(items)
    ek.run(_spec(sim, "p"), [gs], store=store, name="base")
    half = ek.run(_spec(sim, "p"), [gs], store=store, name="cand", use_cache=False)
    # simulate a run killed half-way: half its responses and scores gone, status running
    keep = sorted(i.id for i in items)[:20]
    for table in ("responses", "scores"):
        store.con.execute(
            f"DELETE FROM {table} WHERE run_id = ? AND NOT list_contains(?, item_id)",
            [half.run_id, keep],
        )
    store.con.execute("UPDATE runs SET status = 'running' WHERE run_id = ?", [half.run_id])
    assert store.counts("cand").missing == 20
    with pytest.raises(ConfigError, match="incomplete") as err:
        compare_runs(store, "base", "cand")
    assert "20 never attempted" in str(err.value) and "--allow-incomplete" in str(err.value)
    cmp = compare_runs(store, "base", "cand", allow_incomplete=True)
    assert not cmp.passed
    assert cmp.warnings and "never-attempted" in cmp.warnings[0]
    assert cmp.verdict is Verdict.FAIL and "factual_qa" in set(cmp.failing["hypothesis"])
    answered = cmp.slices[cmp.slices["metric"] == "answered"]
    assert (answered["verdict"] == "worse").any()
    for fmt in ("table", "md", "json"):
        text = cmp.render(fmt)
        assert text.index("INCOMPLETE") < text.index("factual_qa")
    assert json.loads(cmp.render("json"))["coverage"]["candidate"]["missing"] == 20


def test_runs_whose_items_differ_are_refused(sim_factory):
    items = qa_items(20)
    sim = sim_factory([Persona(name="p", rates=PERFECT)], items)
    store = Store(":memory:")
    ek.run(_spec(sim, "p"), [make_set(items)], store=store, name="base")
    ek.run(_spec(sim, "p"), [make_set(items[:20])], store=store, name="cand")
    with pytest.raises(ConfigError, match="items differ: 20 only in the baseline"):
        compare_runs(store, "base", "cand")
    cmp = compare_runs(store, "base", "cand", allow_incomplete=True)
    assert not cmp.passed and "only in the baseline count as failures" in cmp.warnings[-1]


def test_a_task_empty_on_both_sides_is_a_missing_slice(sim_factory):
    items = qa_items(10)
    down = Persona(name="down", rates=PERFECT, faults=Faults(rate_500=1.0))
    sim = sim_factory([down], items)
    store = Store(":memory:")
    gs = make_set(items)
    for name in ("base", "cand"):
        ek.run(_spec(sim, "down"), [gs], store=store, name=name, max_retries=0, use_cache=False)
    cmp = compare_runs(store, "base", "cand")
    assert not cmp.passed
    assert "factual_qa/en/correct" in cmp.missing_slices
    assert "factual_qa/zh/correct" in cmp.missing_slices


def test_different_set_versions_are_named_per_set(sim_factory):
    items = qa_items(10)
    sim = sim_factory([Persona(name="p", rates=PERFECT)], items)
    store = Store(":memory:")
    gs = make_set(items)
    ek.run(_spec(sim, "p"), [gs], store=store, name="base")
    edited = [
        i.model_copy(update={"prompt": i.prompt + " (v2)"}) if i.id == "q-0001-en" else i
        for i in items
    ]
    ek.run(_spec(sim, "p"), [make_set(edited)], store=store, name="cand")
    cmp = compare_runs(store, "base", "cand")
    assert any("golden set 'tiny' differs between the runs" in w for w in cmp.warnings)
    assert cmp.excluded_items == ["q-0001-en"]


def test_a_candidate_of_another_target_still_compares(two_runs, sim_factory):
    store, sim, items = two_runs
    other = replace(_spec(sim, "p"), name="other")
    ek.run(other, [make_set(items)], store=store, name="third")
    # the same model under another target name compares (and shows nothing worse)
    assert compare_runs(store, "base", "third").verdict is not Verdict.FAIL


def test_replies_the_grader_cannot_decide_never_hide_a_regression():
    """A candidate whose replies the grader leaves unsure (no `correct` score) on items the
    baseline got right must not PASS: an undecided reply is not shown to pass. Those items are
    unseen (docs/gate-design.md §4.1): the gate cannot tell whether they regressed."""
    from datetime import datetime

    from evalkit.store import ResponseRow, RunRecord, ScoreRow
    from tests._helpers import make_set, qa_items

    items = qa_items(150)
    store = Store(":memory:")
    for run in ("base", "cand"):
        store.create_run(RunRecord(
            run_id=run, name=run, target_name=run, target_kind="model", target_json="{}",
            goldensets_json="{}", config_json="{}", evalkit_version="0", repeats=1,
            status="finished", n_items=len(items), created_at=datetime(2026, 1, 1),
        ))  # fmt: skip
        store.add_items(run, [make_set(items)])
        undecided = {i.id for i in items[: len(items) * 3 // 5]} if run == "cand" else set()
        store.write_batch(
            [ResponseRow(run_id=run, item_id=i.id, repeat=0, request_hash=f"{run}{i.id}",
                         target_name=run, text="嗯，这个问题很有意思。Interesting question!",
                         cached=False, attempts=1, created_at=datetime(2026, 1, 1))
             for i in items],
            [],
            [ScoreRow(run_id=run, item_id=i.id, repeat=0, metric="correct", kind="bool",
                      signature="correct|v1", value_bool=True)
             for i in items if i.id not in undecided],
        )  # fmt: skip
    loose = GateConfig(index_margin=0.3, task_margin=0.3, n_resamples=99)
    cmp = compare_runs(store, "base", "cand", loose)
    assert cmp.verdict is Verdict.INCONCLUSIVE, cmp.render("table")
    row = cmp.hypotheses.set_index("hypothesis").loc["factual_qa"]
    assert row["unseen_share"] == pytest.approx(0.6) and row["verdict"] == "underpowered"
