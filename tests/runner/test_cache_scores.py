"""A cached re-run copies the scores its reused replies already have, in one query, and scores
again exactly where copying would be wrong: the item's reference changed under the same prompt,
or a metric's definition (signature) changed."""

from __future__ import annotations

import pytest

import evalkit as ek
from evalkit.goldensets import GoldenItem
from evalkit.sim import Persona
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


def _scores(store: Store, run_id: str) -> dict[tuple[str, str], tuple[object, str]]:
    frame = store.scores_frame(run_id)
    return {
        (r.item_id, r.metric): (r.value if r.value == r.value else r.value_label, r.signature)
        for r in frame.itertuples()
    }


@pytest.fixture
def first_run(sim_factory):
    items = qa_items(6)  # en and zh: "ans000" / "答案000" style answers
    sim = sim_factory([Persona(name="p", rates={"accuracy": 1.0, "hallucination": 0.0})], items)
    store = Store(":memory:")
    target = parse_target(f"sim:p@{sim.url}")
    first = ek.run(target, [make_set(items)], store=store, name="first", progress=False)
    return store, target, items, first


def test_reused_replies_get_their_stored_scores_without_scoring_again(first_run, monkeypatch):
    store, target, items, first = first_run
    from evalkit.scoring import _grade

    def boom(*_a, **_k):
        raise AssertionError("a reused reply was graded again")

    monkeypatch.setattr(_grade.QAGrade, "score", boom)
    second = ek.run(target, [make_set(items)], store=store, name="second", progress=False)
    assert second.summary.cached == len(items) and second.summary.called == 0
    assert _scores(store, second.run_id) == _scores(store, first.run_id)


def test_a_changed_reference_under_the_same_prompt_is_scored_again(first_run):
    store, target, items, first = first_run
    # same prompt (so the same request and the cached reply), but a reference the reply misses
    new_ref = {"answers": ["完全不同 entirely different"]}
    changed = [GoldenItem.model_validate({**it.model_dump(), "reference": new_ref}) for it in items]
    second = ek.run(target, [make_set(changed)], store=store, name="second", progress=False)
    assert second.summary.cached == len(items)
    before, after = _scores(store, first.run_id), _scores(store, second.run_id)
    assert all(before[(it.id, "correct")][0] == 1.0 for it in items)
    assert all(after[(it.id, "correct")][0] == 0.0 for it in items)


def test_a_metric_whose_signature_changed_is_scored_again(first_run, monkeypatch):
    store, target, items, first = first_run
    from evalkit.metrics import TokenF1

    monkeypatch.setattr(TokenF1, "signature", lambda self: "token_f1|v999")
    second = ek.run(target, [make_set(items)], store=store, name="second", progress=False)
    after = _scores(store, second.run_id)
    assert {after[(it.id, "token_f1")][1] for it in items} == {"token_f1|v999"}
    before = _scores(store, first.run_id)
    assert {after[(it.id, "correct")] for it in items} == {
        before[(it.id, "correct")] for it in items
    }
