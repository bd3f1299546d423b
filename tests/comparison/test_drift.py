from __future__ import annotations

from dataclasses import replace

import pytest

import evalkit as ek
from evalkit.comparison import drift
from evalkit.errors import ConfigError
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


@pytest.fixture(scope="module")
def history():
    """Four runs of one target name: stable, stable (fresh samples), a real drop, recovery."""
    items = qa_items(150)
    personas = [
        Persona(name="v1", rates=Rates(accuracy=0.9, hallucination=0.1)),
        Persona(
            name="v2",
            rates=Rates(accuracy=0.9, hallucination=0.1),
            overrides={"factual_qa:zh": Rates(accuracy=0.55, hallucination=0.45)},
        ),
    ]
    store = Store(":memory:")
    with Simulator(personas, items) as sim:
        for persona, seed in (("v1", 0), ("v1", 100), ("v2", 200), ("v1", 300)):
            spec = parse_target(f"prod-router=sim:{persona}@{sim.url}")
            spec = replace(spec, sampling=replace(spec.sampling, seed=seed))
            ek.run(spec, [make_set(items)], store=store)
    return store


def test_drift_marks_the_drop_and_the_recovery_only(history):
    table = drift(history, "prod-router", task="factual_qa", lang="zh")
    assert len(table) == 4 and set(table.metric) == {"correct"}
    assert list(table.step) == ["", "", "down", "up"]
    assert table.delta_prev.iloc[2] < -0.2


def test_english_history_is_flat(history):
    table = drift(history, "prod-router", task="factual_qa", lang="en")
    assert set(table.step) == {""}


def test_drift_view_is_queryable(history):
    rows = history.con.execute(
        "SELECT count(*) FROM drift WHERE target_name = 'prod-router' AND metric = 'correct' "
        "AND lang = 'zh' AND delta_prev IS NOT NULL"
    ).fetchone()
    assert rows == (3,)


def test_branch_and_target_references(history):
    latest = history.resolve_run_id("target:prod-router")
    assert latest == history.resolve_run_id("latest")


def test_drift_on_a_branch_leaves_other_branches_runs_out(history):
    """Runs 1, 2 and 4 on main, the dropping run 3 on a feature branch: main's history is
    flat, the feature branch has one run, the whole history still shows the drop."""
    ids = [r for r, _, _ in history.runs_of_target("prod-router")]
    for run_id, branch in zip(ids, ["main", "main", "feat/便宜路由", "main"], strict=True):
        history.con.execute("UPDATE runs SET git_branch = ? WHERE run_id = ?", [branch, run_id])
    main = drift(history, "prod-router", task="factual_qa", lang="zh", branch="main")
    assert list(main.run_id) == [ids[0], ids[1], ids[3]] and set(main.step) == {""}
    feature = drift(history, "prod-router", task="factual_qa", lang="zh", branch="feat/便宜路由")
    assert list(feature.run_id) == [ids[2]] and feature.delta_prev.isna().all()
    assert "down" in set(drift(history, "prod-router", task="factual_qa", lang="zh").step)
    with pytest.raises(ConfigError, match=r"no runs of 'prod-router' on git branch 'mian'.*"
                       r"feat/便宜路由, main"):  # fmt: skip
        drift(history, "prod-router", branch="mian")
    assert drift(history, "nobody", branch="main").empty


def test_a_changed_metric_definition_starts_a_new_series(history):
    # runs last in this module: it rewrites the shared store's newest run
    last = history.resolve_run_id("latest")
    history.con.execute(
        "UPDATE scores SET signature = signature || '|changed' "
        "WHERE run_id = ? AND metric = 'correct'",
        [last],
    )
    table = drift(history, "prod-router", task="factual_qa", lang="zh")
    assert len(set(table.metric)) == 2
    assert table[table.metric.str.contains("changed")].delta_prev.isna().all()
