"""The comparison's reads of one run's items: the first few of every (task, lang) in one query,
the rest only when a caller goes on."""

from __future__ import annotations

import json

from evalkit.store import RunRecord, Store, utcnow
from evalkit.store._paired import ItemJson
from tests._helpers import make_set, qa_items


def _store_with(n_pairs: int) -> Store:
    store = Store(":memory:")
    store.create_run(
        RunRecord(
            run_id="r", name="r", target_name="t", target_kind="model", target_json="{}",
            goldensets_json="{}", config_json="{}", evalkit_version="t", git_sha=None,
            git_branch=None, repeats=1, status="finished", n_items=2 * n_pairs,
            created_at=utcnow(),
        )
    )  # fmt: skip
    store.add_items("r", [make_set(qa_items(n_pairs))])
    return store


def test_every_item_of_a_pair_comes_back_in_id_order_past_the_first_batch():
    store = _store_with(ItemJson.FIRST * 2 + 3)  # more than the first batch per language
    read = ItemJson(store, "r")
    for lang, marker in (("en", "What is thing"), ("zh", "号东西是什么")):
        ids = [json.loads(t)["id"] for t in read("factual_qa", lang)]
        assert len(ids) == ItemJson.FIRST * 2 + 3 and ids == sorted(ids)
        assert all(marker in json.loads(t)["prompt"] for t in read("factual_qa", lang))
    assert list(read("factual_qa", "mixed")) == []


def test_a_caller_that_stops_early_reads_only_the_first_batch(monkeypatch):
    store = _store_with(ItemJson.FIRST * 2)
    read = ItemJson(store, "r")
    monkeypatch.setattr(ItemJson, "_rest", lambda *_: (_ for _ in ()).throw(AssertionError))
    first = next(iter(read("factual_qa", "zh")))
    assert json.loads(first)["lang"] == "zh"
