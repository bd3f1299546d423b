"""Route-aware gating: items that sent the same request and got the same reply cannot differ,
so the gate tests the items that changed and reports the drop over all items beside it."""

from __future__ import annotations

import pytest

import evalkit as ek
from evalkit.comparison import OVERALL, GateConfig, Verdict, compare_runs
from evalkit.routers import RouterSpec, load_router
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.store._paired import same_replies
from tests._helpers import make_set, qa_items
from tests.routers.test_router import write_router


@pytest.fixture(scope="module")
def cutover(tmp_path_factory):
    """Router A sends zh to a perfect model, router B to a 70% one; en stays on the same model.

    Returns the store, with runs ``a`` and ``b`` of the same 80 items (40 en, 40 zh)."""
    items = qa_items(40)
    personas = [
        Persona(name="cheap", rates=Rates(accuracy=0.7, hallucination=0.3)),
        Persona(name="strong", rates=Rates(accuracy=1.0, hallucination=0.0)),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    tmp = tmp_path_factory.mktemp("cutover")
    with Simulator(personas, items) as server:
        store = Store(":memory:")
        for name, zh_model in (("a", "strong"), ("b", "cheap")):
            path = write_router(tmp, name, server.url, zh_model=zh_model)
            ek.run(RouterSpec.from_config(load_router(path)), [make_set(items)], store=store,
                   name=name)  # fmt: skip
        yield store


def test_the_items_that_kept_their_route_are_found(cutover):
    store = cutover
    same = same_replies(store, store.resolve_run_id("a"), store.resolve_run_id("b"))
    langs = store.items_frame("a").set_index("item_id")["lang"].to_dict()
    assert len(same) == 40 and {langs[i] for i in same} == {"en"}


def test_the_gate_tests_the_moved_items_and_reports_all_items_beside_them(cutover):
    store = cutover
    changed = compare_runs(store, "a", "b")
    everything = compare_runs(store, "a", "b", GateConfig(scope="all"))
    h_changed = changed.hypotheses.set_index("hypothesis").loc[OVERALL]
    h_all = everything.hypotheses.set_index("hypothesis").loc[OVERALL]
    assert h_changed["n"] == 40 and h_changed["n_all"] == 80 and h_all["n"] == 80
    # the drop on the moved traffic is twice the drop over all items (half of them moved)
    assert h_changed["delta"] == pytest.approx(2 * h_changed["delta_all"])
    assert h_changed["delta_all"] == pytest.approx(h_all["delta"])
    assert h_changed["delta"] < -0.1
    # unchanged items add nothing to the paired test: the same evidence, the same p
    assert h_changed["p"] == pytest.approx(h_all["p"])
    # but the power is that of the 40 items that could differ, not of all 80
    assert h_changed["mde"] > h_all["mde"]
    assert changed.verdict is Verdict.FAIL
    assert any("changed items only: 40 of 80" in n for n in changed.notes)


def test_runs_with_different_repeats_share_no_unchanged_item(sim_factory):
    """A candidate with one repeat reuses the baseline's first; the baseline's other repeats may
    differ, so no item counts as unchanged."""
    from evalkit.targets import parse_target
    from tests._helpers import make_set, qa_items

    items = qa_items(5)
    sim = sim_factory([Persona(name="p", rates=Rates(accuracy=0.6, hallucination=0.4))], items)
    store = Store(":memory:")
    target = parse_target(f"sim:p@{sim.url}")
    base = ek.run(target, [make_set(items)], store=store, name="a", repeats=3, progress=False)
    cand = ek.run(target, [make_set(items)], store=store, name="b", repeats=1, progress=False)
    assert cand.summary.cached == len(items)  # its one repeat is the baseline's first
    assert same_replies(store, base.run_id, cand.run_id) == set()
