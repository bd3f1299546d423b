from __future__ import annotations

import pytest

import evalkit as ek
from evalkit.errors import StoreError
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store, merge_shards
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("merge")
    items = qa_items(60)
    with Simulator([Persona(name="p", rates=Rates(accuracy=0.7, hallucination=0.2))], items) as sim:
        spec = parse_target(f"sim:p@{sim.url}")
        whole = Store(tmp / "whole.duckdb")
        ek.run(spec, [make_set(items)], store=whole, name="whole", repeats=2)
        shard_paths = []
        for i in (1, 2, 3):
            path = tmp / f"shard{i}.duckdb"
            with Store(path) as db:
                ek.run(
                    spec,
                    [make_set(items)],
                    store=db,
                    name="nightly",
                    shard=(i, 3),
                    repeats=2,
                    use_cache=False,
                )
            shard_paths.append(path)
    return tmp, whole, shard_paths


def test_shards_split_by_pair_and_cover_every_item_once(stores):
    _, _, paths = stores
    seen = []
    for path in paths:
        with Store(path, read_only=True) as db:
            frame = db.responses_frame("latest")
        assert set(frame.groupby("pair_id").size()) == {4}  # en + zh, two repeats each
        seen.extend(frame.item_id.unique())
    assert len(seen) == len(set(seen)) == 120


def test_merged_run_is_identical_to_the_unsharded_run(stores):
    tmp, whole, paths = stores
    with Store(tmp / "merged.duckdb") as out:
        run_id = merge_shards(out, paths)
        merged = out.scores_frame(run_id)
        merged_run = out.run(run_id)
    unsharded = whole.scores_frame("whole")
    key = ["item_id", "repeat", "metric"]
    a = unsharded.sort_values(key)[[*key, "value", "value_label", "signature"]].reset_index(
        drop=True
    )
    b = merged.sort_values(key)[[*key, "value", "value_label", "signature"]].reset_index(drop=True)
    assert a.equals(b)
    assert merged_run.n_items == 120 and merged_run.name == "nightly"
    assert merged_run.goldensets == whole.run("whole").goldensets


def test_incomplete_shard_sets_are_refused(stores):
    tmp, _, paths = stores
    with Store(tmp / "bad.duckdb") as out, pytest.raises(StoreError, match=r"do not cover 1\.\.3"):
        merge_shards(out, paths[:2])


def test_copying_a_streamed_run_keeps_each_replys_ttft(tmp_path):
    items = qa_items(3)
    with Simulator([Persona(name="p", rates=Rates(accuracy=1.0, hallucination=0.0))], items) as sim:
        spec = parse_target(f"sim:p@{sim.url}?stream=1")
        with Store(tmp_path / "streamed.duckdb") as db:
            ek.run(spec, [make_set(items)], store=db, name="streamed")
    with Store(tmp_path / "copy.duckdb") as out:
        merge_shards(out, [tmp_path / "streamed.duckdb"], run="streamed")
        copied = out.responses_frame("streamed")[["item_id", "ttft_ms", "latency_ms"]]
    with Store(tmp_path / "streamed.duckdb", read_only=True) as db:
        original = db.responses_frame("streamed")[["item_id", "ttft_ms", "latency_ms"]]
    assert original.ttft_ms.notna().all() and len(original) == 6
    assert copied.reset_index(drop=True).equals(original.reset_index(drop=True))
