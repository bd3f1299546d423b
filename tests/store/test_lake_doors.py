"""Every door on a DuckLake store (SQLite catalog, data in a folder): the CLI's run (resume and
cache reuse), runs, compare, drift, judge, measures and merge (file to lake, lake to file), the
pytest plugin and ``ek.*``."""

from __future__ import annotations

import json

import pytest

import evalkit as ek
from evalkit.sim import Faults, Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items, write_set
from tests.cli.test_cli import evalkit

PERFECT = Rates(accuracy=1.0, hallucination=0.0)
ITEMS = qa_items(20)


@pytest.fixture(scope="module")
def server(tmp_path_factory, lake_ok):
    folder = write_set(
        tmp_path_factory.mktemp("sets") / "qa",
        [i.model_dump(mode="json", exclude_none=True) for i in ITEMS],
    )
    personas = [
        Persona(name="good", rates=PERFECT),
        Persona(name="worse", rates=Rates(accuracy=0.6, hallucination=0.3)),
        Persona(name="down", rates=PERFECT, faults=Faults(rate_500=1.0)),
        *(Persona(name=f"judge-{x}", family=f"sim-j{x}") for x in "abc"),
    ]
    with Simulator(personas, ITEMS) as sim:
        yield sim, folder


@pytest.fixture(scope="module")
def lake(server, tmp_path_factory):
    """A lake holding runs ``base`` (good) and ``cand`` (worse), made by the CLI."""
    sim, folder = server
    tmp = tmp_path_factory.mktemp("lake")
    spec = f"ducklake:sqlite:{tmp / 'meta.sqlite'}"
    for name, persona in (("base", "good"), ("cand", "worse")):
        out = _run(sim, folder, spec, f"sim:{persona}", "--name", name)
        assert out.returncode == 0, out.stderr
    return spec, tmp


def _run(sim, folder, spec, *args):
    return evalkit(
        "run", *args, "--sets", str(folder), "--store", spec, "--no-progress",
        env={"EVALKIT_SIM_URL": sim.url},
    )  # fmt: skip


def test_a_new_file_catalog_keeps_its_data_beside_it(lake):
    _, tmp = lake
    assert (tmp / "meta.sqlite").is_file()
    assert list((tmp / "meta.sqlite.files").rglob("*.parquet"))


def test_a_second_run_reuses_stored_replies_and_resume_calls_nothing_twice(server, lake):
    sim, folder = server
    spec, _ = lake
    again = _run(sim, folder, spec, "sim:good", "--name", "again")
    assert again.returncode == 0, again.stderr
    assert f"{len(ITEMS)} cached, 0 called" in again.stdout
    resumed = _run(sim, folder, spec, "sim:good", "--resume", "again")
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(ITEMS)} already done, 0 cached, 0 called" in resumed.stdout
    with Store(spec, read_only=True) as db:
        counts = db.counts("again")
        dupes = db.con.execute(
            "SELECT count(*) FROM (SELECT item_id FROM responses r JOIN runs USING (run_id) "
            "WHERE runs.name = 'again' GROUP BY item_id HAVING count(*) > 1)"
        ).fetchone()
    assert counts.complete and counts.answered == len(ITEMS) and dupes == (0,)


def test_runs_lists_and_filters_the_lakes_runs(lake):
    spec, _ = lake
    out = evalkit("runs", "--store", spec, "--name", "base")
    assert out.returncode == 0, out.stderr
    assert "base" in out.stdout and "cand" not in out.stdout
    assert "no runs match" in evalkit("runs", "--store", spec, "--target", "nobody").stdout


def test_compare_reads_the_lake_like_a_file(lake):
    spec, _tmp = lake
    out = evalkit("compare", "base", "cand", "--store", spec, "--format", "json")
    assert out.returncode in (0, 1, 3), out.stderr
    verdict = json.loads(out.stdout)["verdict"]
    py = ek.compare("base", "cand", store=spec)
    assert str(py.verdict) == verdict and out.returncode == py.exit_code


def test_drift_and_measures_read_the_lake(lake):
    spec, _ = lake
    drift = evalkit("drift", "good", "--store", spec)
    assert drift.returncode == 0, drift.stderr
    assert "base" in drift.stdout
    typo = evalkit("drift", "good", "--store", spec, "--branch", "mian")
    assert typo.returncode == 2 and "no runs of 'good' on git branch 'mian'" in typo.stderr
    measures = evalkit("measures", "cand", "--store", spec)
    assert measures.returncode == 0, measures.stderr
    assert "zh" in measures.stdout and "en" in measures.stdout


def test_judge_writes_verdicts_into_the_lake(server, lake):
    sim, _ = server
    spec, _ = lake
    out = evalkit("judge", "base", "--store", spec, "--panel", "sim",
                  env={"EVALKIT_SIM_URL": sim.url})  # fmt: skip
    assert out.returncode == 0, out.stderr
    with Store(spec, read_only=True) as db:
        n = db.con.execute("SELECT count(*) FROM judge_verdicts").fetchone()
    assert n is not None and n[0] > 0


def test_merge_copies_a_run_from_a_file_into_the_lake_and_back(server, lake, tmp_path):
    sim, folder = server
    spec, _ = lake
    file = tmp_path / "one.duckdb"
    streamed = f"sim:good@{sim.url}?stream=1"  # streamed, so every reply has a TTFT to carry
    assert _run(sim, folder, str(file), streamed, "--name", "from-file").returncode == 0
    into_lake = evalkit("merge", spec, str(file), "--run", "from-file")
    assert into_lake.returncode == 0, into_lake.stderr
    back = tmp_path / "back.duckdb"
    out_of_lake = evalkit("merge", str(back), spec, "--run", "from-file")
    assert out_of_lake.returncode == 0, out_of_lake.stderr
    frames, timings = [], []
    for where in (str(file), spec, str(back)):
        with Store(where, read_only=True) as db:
            frame = db.scores_frame("from-file")
            frames.append(frame[["item_id", "repeat", "metric", "value"]].sort_values(
                ["item_id", "metric"]).reset_index(drop=True))  # fmt: skip
            resp = db.responses_frame("from-file")[["item_id", "latency_ms", "ttft_ms"]]
            timings.append(resp.sort_values("item_id").reset_index(drop=True))
            assert db.counts("from-file").complete
    assert frames[0].equals(frames[1]) and frames[1].equals(frames[2])
    assert len(frames[0]) > 0
    assert timings[0].ttft_ms.notna().all()
    assert timings[0].equals(timings[1]) and timings[1].equals(timings[2])
    # a merge repeated adds nothing
    assert evalkit("merge", spec, str(file), "--run", "from-file").returncode == 0
    with Store(spec, read_only=True) as db:
        assert len(db.scores_frame("from-file")) == len(frames[0])


PLUGIN_TEST = """
def test_gate(evalkit_gate):
    cmp = evalkit_gate.compare("cand", baseline="base")
    print("VERDICT", cmp.verdict)
"""


def test_the_pytest_plugin_gates_on_a_lake(lake, pytester, monkeypatch):
    spec, _ = lake
    pytester.makepyprojecttoml(f"[project]\nname = 'p'\n[tool.evalkit]\nstore = '{spec}'\n")
    pytester.makepyfile(PLUGIN_TEST)
    monkeypatch.chdir(pytester.path)
    result = pytester.runpytest_subprocess("-s")
    line = next(x for x in result.outlines if "VERDICT" in x)
    assert line.endswith(str(ek.compare("base", "cand", store=spec).verdict))


def test_ek_run_writes_chinese_text_into_the_lake_as_written(server, lake):
    sim, _ = server
    spec, _ = lake
    result = ek.run(parse_target(f"sim:good@{sim.url}"), [make_set(ITEMS)], store=spec,
                    name="py", progress=False)  # fmt: skip
    frame = result.to_pandas()
    result.store.close()
    assert set(frame["lang"]) == {"en", "zh"}
    with Store(spec, read_only=True) as db:
        prompts = db.con.execute(
            "SELECT item_json FROM items WHERE item_id = 'q-0001-zh'"
        ).fetchall()
    assert len(prompts) == 1 and "第1号东西是什么" in prompts[0][0]


def test_a_request_that_fails_again_on_resume_keeps_one_error_row(server, lake):
    sim, folder = server
    spec, _ = lake
    assert _run(sim, folder, spec, "sim:down", "--limit", "3", "--name", "dead").returncode == 1
    for _ in range(2):
        assert _run(sim, folder, spec, "sim:down", "--resume", "dead").returncode == 1
    with Store(spec, read_only=True) as db:
        counts = db.counts("dead")
        rows = db.errors_frame("dead")
    assert (counts.planned, counts.failed, counts.answered) == (3, 3, 0)
    assert len(rows) == 3 and rows.groupby(["item_id", "repeat"]).size().max() == 1


def test_a_compare_names_its_snapshot_and_repeats_exactly_at_it(server, tmp_path):
    """A reader is pinned to one DuckLake snapshot: a run that lands while it reads is not
    seen, the report names the snapshot, and ``--snapshot`` repeats the compare on that
    history after newer runs of the same name landed."""
    sim, folder = server
    spec = f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}"
    for name, persona in (("base", "good"), ("cand", "worse")):
        assert _run(sim, folder, spec, f"sim:{persona}", "--name", name).returncode == 0

    def compare(*extra: str) -> dict:
        out = evalkit("compare", "base", "cand", "--store", spec, "--format", "json", *extra)
        assert out.returncode in (0, 1, 3), out.stderr
        return json.loads(out.stdout)

    first = compare()
    snap = first["snapshot"]
    assert isinstance(snap, int) and snap > 0
    assert any(f"read DuckLake snapshot {snap}" in n and f"--snapshot {snap}" in n
               for n in first["notes"])  # fmt: skip
    with Store(spec, read_only=True) as pinned:
        assert pinned.snapshot == snap
        landed = _run(sim, folder, spec, "sim:good", "--name", "cand")  # a writer, meanwhile
        assert landed.returncode == 0, landed.stderr
        assert pinned.resolve_run_id("cand") == first["candidate"]  # still its snapshot
    now = compare()
    assert now["snapshot"] > snap and now["candidate"] != first["candidate"]
    again = compare("--snapshot", str(snap))
    assert again["snapshot"] == snap and again["candidate"] == first["candidate"]
    assert again["slices"] == first["slices"] and again["verdict"] == first["verdict"]
    assert ek.compare("base", "cand", store=spec, snapshot=snap).candidate == first["candidate"]
    missing = evalkit("compare", "base", "cand", "--store", spec, "--snapshot", "99999")
    assert missing.returncode == 2 and "has no snapshot 99999" in missing.stderr


def test_snapshot_is_refused_where_there_is_none(server, tmp_path):
    sim, folder = server
    file = str(tmp_path / "f.duckdb")
    for name in ("base", "cand"):
        assert _run(sim, folder, file, "sim:good", "--name", name).returncode == 0
    out = evalkit("compare", "base", "cand", "--store", file, "--snapshot", "3")
    assert out.returncode == 2 and "a DuckDB file has no snapshots" in out.stderr
    plain = json.loads(evalkit("compare", "base", "cand", "--store", file, "--format",
                               "json").stdout)  # fmt: skip
    assert plain["snapshot"] is None
    assert not any("snapshot" in n for n in plain["notes"])
