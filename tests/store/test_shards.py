"""Grouped runs on a DuckDB file: shards run one after another into one run, each resumable."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import evalkit as ek
from evalkit.errors import ConfigError, StoreError
from evalkit.runner import resolve_group
from evalkit.runner._units import shard_of
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store, group_run_id, merge_shards
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items

ITEMS = qa_items(24)
PERFECT = Rates(accuracy=1.0, hallucination=0.0)


@pytest.fixture(scope="module")
def spec():
    with Simulator([Persona(name="p", rates=PERFECT)], ITEMS) as sim:
        yield parse_target(f"sim:p@{sim.url}")


def _shard(spec, store, i, n=3, group="nightly", **kw):
    return ek.run(spec, [make_set(ITEMS)], store=store, shard=(i, n), group=group,
                  use_cache=False, progress=False, **kw)  # fmt: skip


def test_shards_of_a_group_write_one_run_finished_only_when_all_are(spec, tmp_path):
    with Store(tmp_path / "g.duckdb") as db:
        ek.run(spec, [make_set(ITEMS)], store=db, name="base", progress=False)
        first = _shard(spec, db, 1)
        run_id = group_run_id("nightly", "p")
        assert first.run_id == run_id
        assert db.run(run_id).status == "running"
        assert db.counts(run_id).describe().startswith(f"{run_id} (running, shards 1/3 finished)")
        with pytest.raises(ConfigError, match="refusing to gate on an incomplete") as err:
            ek.compare("base", run_id, store=db)
        assert "--group KEY --shard i/N" in str(err.value)  # how to finish a grouped run
        _shard(spec, db, 3)
        assert db.runs(name="p")["shards"].tolist() == ["shards 2/3 finished"]
        _shard(spec, db, 2)
        row = db.run(run_id)
        counts = db.counts(run_id)
        listed = db.runs(name="p")
        assert ek.compare("base", run_id, store=db).verdict is not None
    assert row.status == "finished" and row.n_items == len(ITEMS)
    assert row.config["group"] == {"key": "nightly", "shards": 3} and row.config["shard"] is None
    assert counts.complete and counts.answered == len(ITEMS)
    assert listed["run_id"].tolist() == [run_id]
    assert listed["shards"].tolist() == ["shards 3/3 finished"]


def test_the_grouped_run_records_the_whole_sets_as_an_unsharded_run_does(spec, tmp_path):
    with Store(tmp_path / "g.duckdb") as db:
        whole = ek.run(spec, [make_set(ITEMS)], store=db, name="whole", progress=False)
        for i in (1, 2):
            _shard(spec, db, i, n=2)
        grouped = db.run(group_run_id("nightly", "p"))
        assert grouped.goldensets == db.run(whole.run_id).goldensets
        assert db.items_frame(grouped.run_id).equals(db.items_frame(whole.run_id))


def test_rerunning_a_shard_calls_only_that_shards_missing_items(spec, tmp_path):
    run_id = group_run_id("nightly", "p")
    mine = [i for i in ITEMS if shard_of(i.pair_id, 3) == 2]
    with Store(tmp_path / "g.duckdb") as db:
        _shard(spec, db, 2)
        db.con.execute(
            "DELETE FROM responses WHERE run_id = ? AND item_id = ?", [run_id, mine[0].id]
        )
        db.con.execute("UPDATE run_shards SET status = 'running' WHERE shard_index = 2")
        again = _shard(spec, db, 2, resume=run_id)
        assert (again.summary.planned, again.summary.already_done, again.summary.called) == (
            len(mine), len(mine) - 1, 1,
        )  # fmt: skip
        dupes = db.con.execute(
            "SELECT count(*) FROM (SELECT item_id FROM responses GROUP BY item_id "
            "HAVING count(*) > 1)"
        ).fetchone()
        assert dupes == (0,)
        assert db.con.execute("SELECT count(*) FROM run_shards").fetchone() == (1,)


@pytest.mark.parametrize(
    ("change", "needle"),
    [({"n": 4}, "shard count 3, not 4"), ({"repeats": 2}, "repeats 1, not 2")],
)
def test_a_shard_that_runs_something_else_is_refused(spec, tmp_path, change, needle):
    with Store(tmp_path / "g.duckdb") as db:
        _shard(spec, db, 1)
        with pytest.raises(ConfigError, match=needle):
            _shard(spec, db, 2, **change)
        assert db.con.execute("SELECT count(*) FROM run_shards").fetchone() == (1,)


def test_resume_of_a_grouped_run_needs_its_group(spec, tmp_path):
    with Store(tmp_path / "g.duckdb") as db:
        _shard(spec, db, 1)
        run_id = group_run_id("nightly", "p")
        with pytest.raises(ConfigError, match="--group 'nightly' --shard i/3"):
            ek.run(spec, [make_set(ITEMS)], store=db, resume=run_id, progress=False)
        with pytest.raises(ConfigError, match="not run g-"):
            _shard(spec, db, 1, group="other", resume=run_id)


def test_a_group_needs_a_shard_and_a_key():
    with pytest.raises(ConfigError, match="--shard i/N"):
        _options(group="g")
    with pytest.raises(ConfigError, match="non-empty key"):
        _options(group=" ", shard=(1, 2))


def _options(**kw):
    from evalkit.runner import RunOptions

    return RunOptions(**kw)


def test_github_actions_groups_the_shards_of_one_workflow_run(monkeypatch):
    monkeypatch.delenv("EVALKIT_RUN_GROUP", raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "2")
    assert resolve_group(None, (1, 4)) == "gh-4242-2"
    assert resolve_group(None, None) is None  # an unsharded run is never grouped
    assert resolve_group("mine", (1, 4)) == "mine"
    monkeypatch.setenv("EVALKIT_RUN_GROUP", "from-env")
    assert resolve_group(None, (1, 4)) == "from-env"


def test_shard_files_of_a_group_merge_into_one_finished_run(spec, tmp_path):
    paths = []
    for i in (1, 2, 3):
        paths.append(tmp_path / f"s{i}.duckdb")
        with Store(paths[-1]) as db:
            _shard(spec, db, i)
    with Store(tmp_path / "out.duckdb") as out:
        with pytest.raises(StoreError, match=r"do not cover 1\.\.3"):
            merge_shards(out, paths[:2])
        run_id = merge_shards(out, paths)
        counts = out.counts(run_id)
    assert run_id == group_run_id("nightly", "p")
    assert counts.status == "finished" and counts.complete and counts.answered == len(ITEMS)


def test_runs_are_filtered_by_time_target_name_and_branch(spec, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_REF_NAME", "feature/x")
    with Store(tmp_path / "r.duckdb") as db:
        ek.run(spec, [make_set(ITEMS)], store=db, name="a", progress=False)
        ek.run(spec, [make_set(ITEMS)], store=db, name="b", progress=False)
        assert db.runs(name="a")["name"].tolist() == ["a"]
        assert len(db.runs(target="p")) == 2 and db.runs(target="q").empty
        assert len(db.runs(branch="feature/x")) == 2 and db.runs(branch="main").empty
        assert len(db.runs_of_target("p", branch="feature/x")) == 2
        assert db.runs_of_target("p", branch="main") == []
        future = datetime.utcnow() + timedelta(days=1)
        assert db.runs(since=future).empty
