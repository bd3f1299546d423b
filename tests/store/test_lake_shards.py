"""Four shard writers and a reader on one DuckLake store at once; a killed shard resumes.

Both catalogs the docs recommend: PostgreSQL with data on S3 (moto), and SQLite with data in a
local folder. Each shard is a real `evalkit run --shard i/4 --group G` process against the
bundled simulator, as a CI matrix would run them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from evalkit.errors import StoreError
from evalkit.runner._units import shard_of
from evalkit.sim import Persona, Rates, Simulator
from evalkit.sim._personas import Latency
from evalkit.store import Store, group_run_id
from tests._helpers import qa_items, write_set

N_PAIRS = 40
"""80 items, about 20 per shard."""
PERFECT = Rates(accuracy=1.0, hallucination=0.0)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    items = qa_items(N_PAIRS)
    folder = write_set(
        tmp_path_factory.mktemp("sets") / "qa",
        [i.model_dump(mode="json", exclude_none=True) for i in items],
    )
    personas = [
        Persona(name="fast", rates=PERFECT),
        Persona(name="slow", rates=PERFECT, latency=Latency(median_ms=300)),
    ]
    with Simulator(personas, items) as server:
        yield server, folder, items


@pytest.fixture(params=["sqlite-folder", "postgres-s3"])
def lake(request, tmp_path, lake_ok, monkeypatch):
    """(store spec, environment) of a brand-new lake of each kind; the environment is also set
    in this process, for its own reads."""
    if request.param == "sqlite-folder":
        return f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}", {}
    postgres = request.getfixturevalue("postgres")
    s3 = request.getfixturevalue("s3")
    env = {**s3.env, "EVALKIT_DATA_PATH": f"s3://{s3.new_bucket()}/evalkit/"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return "ducklake:postgres:" + postgres.conninfo(postgres.new_database()), env


def _cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "evalkit._cli.main", *args]


def _shard(spec, env, sim, folder, persona, group, i, *extra):
    return subprocess.Popen(
        _cmd("run", f"sim:{persona}", "--sets", str(folder), "--store", spec,
             "--shard", f"{i}/4", "--group", group, "--no-progress", "--no-cache",
             "--concurrency", "2", *extra),
        env={**os.environ, **env, "EVALKIT_SIM_URL": sim.url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _runs(spec, env):
    return subprocess.run(
        _cmd("runs", "--store", spec), env={**os.environ, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _poll_runs_while(procs, spec, env) -> list[subprocess.CompletedProcess[str]]:
    """A reader listing runs until every writer has exited."""
    seen = []
    while any(p.poll() is None for p in procs):
        seen.append(_runs(spec, env))
        time.sleep(0.2)
    return seen


def _check_reader(seen) -> None:
    assert seen, "the reader never ran while the writers did"
    for out in seen:
        text = out.stdout + out.stderr
        assert "Traceback" not in text and "lock" not in text.lower(), text
        # before the first writer has created the lake, a reader finds no store (exit 2)
        assert out.returncode == 0 or "no store" in text or "schema version 0" in text, text


def _exactly_once(spec, run_id, planned):
    if True:
        with Store(spec, read_only=True) as db:
            dupes = db.con.execute(
                "SELECT item_id, repeat, count(*) FROM responses WHERE run_id = ? "
                "GROUP BY ALL HAVING count(*) > 1",
                [run_id],
            ).fetchall()
            n = db.con.execute(
                "SELECT count(*), count(DISTINCT item_id) FROM responses WHERE run_id = ?", [run_id]
            ).fetchone()
            counts = db.counts(run_id)
            scores = db.con.execute(
                "SELECT count(*) FROM (SELECT DISTINCT item_id, repeat, metric FROM scores "
                "WHERE run_id = ?) x",
                [run_id],
            ).fetchone()
            all_scores = db.con.execute(
                "SELECT count(*) FROM scores WHERE run_id = ?", [run_id]
            ).fetchone()
    assert dupes == []
    assert n == (planned, planned)
    assert scores == all_scores
    return counts


def test_four_shards_and_a_reader_store_every_item_exactly_once(sim, lake):
    server, folder, items = sim
    spec, env = lake
    procs = [_shard(spec, env, server, folder, "fast", "G1", i) for i in range(1, 5)]
    seen = _poll_runs_while(procs, spec, env)
    outs = [p.communicate() for p in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert "lock" not in err.lower() and "conflict" not in err.lower(), err
    _check_reader(seen)
    run_id = group_run_id("G1", "fast")
    counts = _exactly_once(spec, run_id, len(items))
    assert counts.status == "finished" and counts.complete and counts.planned == len(items)
    listing = _runs(spec, env)
    assert listing.returncode == 0, listing.stderr
    lines = [line for line in listing.stdout.splitlines() if run_id in line]
    assert len(lines) == 1 and "shards 4/4 finished" in lines[0], listing.stdout


def test_a_killed_shard_resumes_and_every_item_is_still_stored_once(sim, lake):
    server, folder, items = sim
    spec, env = lake
    run_id = group_run_id("G2", "slow")
    victim = 2
    mine = {i.id for i in items if shard_of(i.pair_id, 4) == victim}
    procs = {i: _shard(spec, env, server, folder, "slow", "G2", i) for i in range(1, 5)}
    _wait_for_some_rows(spec, run_id, mine, procs[victim])
    procs[victim].send_signal(signal.SIGKILL)
    for i, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == (-signal.SIGKILL if i == victim else 0), err
    half = _runs(spec, env)
    line = next(x for x in half.stdout.splitlines() if run_id in x)
    assert "running" in line and "shards 3/4 finished" in line, half.stdout
    resumed = _shard(spec, env, server, folder, "slow", "G2", victim, "--resume", run_id)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    counts = _exactly_once(spec, run_id, len(items))
    assert counts.status == "finished" and counts.complete
    line = next(x for x in _runs(spec, env).stdout.splitlines() if run_id in x)
    assert "shards 4/4 finished" in line


def _wait_for_some_rows(spec, run_id, mine, proc) -> None:
    """Until the victim shard has stored part, not all, of its items."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the shard to kill finished before it could be killed"
        try:
            with Store(spec, read_only=True) as db:
                (stored,) = db.con.execute(
                    "SELECT count(*) FROM responses WHERE run_id = ? AND list_contains(?, item_id)",
                    [run_id, sorted(mine)],
                ).fetchone()
        except StoreError:  # the lake is not created yet
            stored = 0
        if 0 < stored < len(mine):
            return
        time.sleep(0.1)
    raise AssertionError("the shard to kill stored nothing in 120 s")


_OPEN = """
import sys
from evalkit.store import Store
with Store(sys.argv[1]) as db:
    rows = db.con.execute("SELECT DISTINCT version FROM schema_migrations").fetchall()
    print(sorted(v for (v,) in rows))
"""


def test_six_processes_opening_one_new_lake_at_once_all_get_its_schema(lake):
    from evalkit.store import SCHEMA_VERSION

    spec, env = lake
    procs = [
        subprocess.Popen([sys.executable, "-c", _OPEN, spec], env={**os.environ, **env},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.splitlines() == [str(list(range(1, SCHEMA_VERSION + 1)))]  # nothing else
    with Store(spec, read_only=True) as db:
        tables = db.con.execute(
            "SELECT table_name, count(*) FROM duckdb_tables() "
            "WHERE database_name = current_database() GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
    assert tables == []
