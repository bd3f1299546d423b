"""`workers=N` / `--workers N`: the calls are made in worker processes, stored by the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

import evalkit as ek
from evalkit._engine import RetryPolicy
from evalkit.errors import ConfigError
from evalkit.goldensets import load_goldenset
from evalkit.routers import RouterSpec, load_router
from evalkit.runner._units import plan_units
from evalkit.runner._workers import apportion, jobs, split, worker_count
from evalkit.sim import Faults, Latency, Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items, write_set
from tests._http import StubServer
from tests.routers.test_router import write_router

PERFECT = {"accuracy": 1.0, "hallucination": 0.0}
ROW = ["item_id", "repeat", "request_hash", "target_name", "route", "text", "served_model",
       "finish_reason", "prompt_tokens", "completion_tokens", "attempts",
       "fallback_used"]  # fmt: skip
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds pids in /proc")


def target(sim, persona, **changes):
    return replace(parse_target(f"sim:{persona}@{sim.url}"), **changes)


def evalkit_cli(*args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "evalkit._cli.main", *args, "--no-progress"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def worker_pids(parent: int) -> list[int]:
    """Live worker processes of ``parent`` (Linux: read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z" and b"evalkit._worker" in cmdline:
            found.append(int(stat.parent.name))
    return sorted(found)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@pytest.fixture
def trilingual():
    """en and zh pairs plus code-mixed items, with the simulator's view of them."""
    qa = qa_items(6)
    mixed = load_goldenset("code_mixed")
    mixed = replace(mixed, items=mixed.items[:8])
    return [make_set(qa), mixed], qa + list(mixed.items)


def test_split_keeps_each_pairs_items_and_repeats_on_one_worker(tiny_items):
    spec = parse_target("sim:p@http://127.0.0.1:9")
    todo = plan_units(spec, [make_set(tiny_items[:10])], repeats=3)  # 5 en/zh pairs
    parts = split(todo, 2)
    pairs = [{todo[i].item.pair_id for i in part} for part in parts]
    assert not pairs[0] & pairs[1] and len(pairs[0]) == 3 and len(pairs[1]) == 2
    assert {todo[i].item.lang for i in parts[1]} == {"en", "zh"}
    assert [len(p) for p in parts] == [18, 12]
    assert sorted(i for part in parts for i in part) == list(range(30))


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(10, [1, 1], [5, 5]), (7, [1, 1, 1], [3, 2, 2]), (10, [30, 10], [8, 2]), (0, [3, 4], [0, 0])],
)
def test_apportion_sums_to_the_total(total, weights, expected):
    assert apportion(total, weights) == expected


def test_jobs_share_concurrency_limits_and_the_retry_budget_without_multiplying_them(tiny_items):
    spec = replace(parse_target("sim:p@http://127.0.0.1:9"), concurrency=5)
    todo = plan_units(spec, [make_set(tiny_items)], repeats=1)
    policy = RetryPolicy(budget_share=0.5)
    shared = jobs(todo, 3, [spec], {"p": 61}, 16, policy)
    assert sum(j.concurrency for j in shared) == 16 and min(j.concurrency for j in shared) >= 1
    assert sum(j.per_model["p"] for j in shared) == 5 and sum(j.rpm["p"] for j in shared) == 61
    assert sum(j.budget for j in shared) == policy.budget(len(todo)).left == 20
    assert sum(len(j.requests) for j in shared) == 40


def test_worker_count_never_exceeds_pairs_concurrency_or_a_models_limit(tiny_items):
    todo = plan_units(parse_target("sim:p@http://127.0.0.1:9"), [make_set(tiny_items[:6])], 4)
    assert worker_count(8, todo, 16, []) == 3  # three pairs: their items stay together
    assert worker_count(8, todo, 2, []) == 2
    assert worker_count(8, todo, 16, [1]) == 1  # a model allowing one request in flight
    assert worker_count(1, todo, 16, []) == 1


def test_two_workers_store_exactly_the_rows_one_process_stores(
    sim_factory, trilingual, monkeypatch
):
    sets, items = trilingual
    monkeypatch.setenv("SIM_WORKER_KEY", "not-a-key-workerkeyvalue1234567890")  # inherited
    sim = sim_factory([Persona(name="p", rates=Rates(accuracy=0.6, hallucination=0.3))], items)
    spec = target(sim, "p", api_key_env="SIM_WORKER_KEY")
    runs = [
        ek.run(spec, sets, store=":memory:", repeats=2, concurrency=6, workers=w) for w in (1, 2)
    ]
    rows = [r.store.responses_frame(r.run_id)[ROW].reset_index(drop=True) for r in runs]
    assert len(rows[0]) == 2 * len(items) and rows[0].equals(rows[1])
    scores = [
        r.to_pandas()
        .sort_values(["item_id", "repeat", "metric"])[["item_id", "repeat", "metric", "value"]]
        .reset_index(drop=True)
        for r in runs
    ]
    assert len(scores[0]) > 0 and scores[0].equals(scores[1])
    langs = set(runs[1].store.responses_frame(runs[1].run_id).lang)
    assert langs == {"en", "zh", "mixed"}
    assert rows[1].text.str.contains("[\u4e00-\u9fff]").any()  # Chinese stored as written
    one, two = (r.summary for r in runs)
    assert (two.called, two.failed, two.unpriced) == (one.called, one.failed, one.unpriced)


@needs_proc
def test_workers_with_nothing_to_call_are_stopped_at_once(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="p", rates=PERFECT)], tiny_items)
    store = Store(":memory:")
    ek.run(target(sim, "p"), [make_set(tiny_items)], store=store)
    again = ek.run(target(sim, "p"), [make_set(tiny_items)], store=store, workers=2)
    assert again.summary.cached == 40 and again.summary.called == 0
    with pytest.raises(ConfigError, match="with a different target"):
        ek.run(target(sim, "q"), [make_set(tiny_items)], store=store, resume=again.run_id,
               workers=2)  # fmt: skip
    assert worker_pids(os.getpid()) == []


def test_retry_budget_is_shared_between_workers_not_multiplied(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="down", faults=Faults(rate_500=1.0))], tiny_items)
    result = ek.run(
        target(sim, "down"), [make_set(tiny_items)], store=":memory:", max_retries=10,
        retry_budget=0.0, backoff_base_s=0.001, workers=2,
    )  # fmt: skip
    assert result.summary.retries == 10 and result.summary.failed == 40  # the budget's floor
    assert result.summary.errors_by_kind == {"http_500": 40}
    assert sim.stats()["requests:down"] == 40 + 10


def test_a_router_fallback_serves_in_workers(tmp_path):
    items = qa_items(10)
    personas = [
        Persona(name="cheap", faults=Faults(rate_500=1.0)),
        Persona(name="strong", rates=PERFECT),
        Persona(name="backup", rates=PERFECT),
    ]
    with Simulator(personas, items) as server:
        router = RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url)))
        result = ek.run(
            router, [make_set(items)], store=":memory:", max_retries=1, backoff_base_s=0.001,
            retry_budget=5.0, workers=2,
        )  # fmt: skip
    frame = result.store.responses_frame(result.run_id)
    en, zh = frame[frame.lang == "en"], frame[frame.lang == "zh"]
    assert en.fallback_used.all() and set(en.served_model) == {"backup"}
    assert set(en.route) == {"default"} and set(zh.route) == {"zh-route"}
    assert not zh.fallback_used.any() and set(zh.served_model) == {"strong"}
    assert result.summary.fallbacks == 10 and result.summary.failed == 0
    assert result.summary.retries == 10  # each primary: one retry, then the fallback


def test_an_unreachable_server_fails_every_request_as_in_process(tiny_items):
    dead = parse_target("sim:p@http://127.0.0.1:9")
    kinds = []
    for workers in (1, 2):
        result = ek.run(
            dead, [make_set(tiny_items[:4])], store=":memory:", max_retries=1,
            backoff_base_s=0.001, workers=workers,
        )  # fmt: skip
        kinds.append((result.summary.failed, result.summary.errors_by_kind))
    assert kinds[0] == kinds[1] == (4, {"connection_refused": 4})


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rejected_or_missing_key_exits_as_in_process(tmp_path, workers):
    async def reject(request: web.Request) -> web.Response:
        body = {"error": {"message": "Incorrect API key provided", "type": "invalid_request"}}
        return web.json_response(body, status=401)

    items = qa_items(3)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    args = ("run", "sim:p", "--sets", str(folder), "--store", str(tmp_path / "k.duckdb"))
    with StubServer(reject) as stub:
        rejected = evalkit_cli(*args, "--workers", workers, env={"EVALKIT_SIM_URL": stub.url})
        out, err = rejected.communicate(timeout=120)
    assert rejected.returncode == 1, err
    assert "6 failed" in out and "http_401=6" in out and "error rate 100.0%" in out
    missing = evalkit_cli(
        "run", "--targets-file", str(_keyed_targets(tmp_path)), "--sets", str(folder),
        "--store", str(tmp_path / "m.duckdb"), "--workers", workers,
        env={"EVALKIT_SIM_URL": "http://127.0.0.1:9"},
    )  # fmt: skip
    _, err = missing.communicate(timeout=120)
    assert missing.returncode == 2 and "NO_SUCH_KEY_VAR is not set" in err


def _keyed_targets(tmp_path: Path) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "targets:\n  - provider: sim\n    model: p\n    base_url: http://127.0.0.1:9\n"
        "    api_key_env: NO_SUCH_KEY_VAR\n",
        encoding="utf-8",
    )
    return path


@needs_proc
def test_a_killed_worker_leaves_a_run_that_resume_completes_exactly_once(sim_factory, tmp_path):
    items = qa_items(30)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    sim = sim_factory([Persona(name="slow", rates=PERFECT, latency=Latency(median_ms=50))], items)
    db, env = tmp_path / "kill.duckdb", {"EVALKIT_SIM_URL": sim.url}
    args = ("--sets", str(folder), "--store", str(db), "--concurrency", "4", "--workers", "2")
    proc = evalkit_cli("run", "sim:slow", "--name", "killme", *args, env=env)
    assert wait_for(lambda: sim.stats().get("served:slow", 0) >= 12), "the run never started"
    pids = worker_pids(proc.pid)
    assert len(pids) == 2
    os.kill(pids[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    assert "never came back" in err and "SIGKILL" in err and "--resume" in err
    with Store(db) as store:
        counts = store.counts("killme")
    assert counts.status == "running" and counts.failed == 0
    # the surviving worker's half is all stored; the killed worker's share (at most its 30
    # units) may be lost whole when it dies before sending a batch back (seen under load)
    assert 0 < counts.missing <= 30 and counts.answered + counts.missing == 60
    calls_before = sim.stats()["requests:slow"]
    resumed = evalkit_cli("run", "sim:slow", "--resume", "killme", *args, env=env)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, out + err
    assert sim.stats()["requests:slow"] - calls_before == counts.missing  # only what was missing
    with Store(db) as store:
        after = store.counts("killme")
        frame = store.responses_frame(after.run_id)
        scores = store.scores_frame(after.run_id)
    assert (after.status, after.answered, after.missing, after.failed) == ("finished", 60, 0, 0)
    assert len(frame) == 60 and frame.item_id.is_unique
    assert scores[scores.metric == "correct"].item_id.is_unique


@needs_proc
def test_ctrl_c_stops_the_workers_and_keeps_what_came_back(sim_factory, tmp_path):
    # 1 s a reply, one request in flight per worker: the run needs 30 s, so the signal always
    # lands mid-run (at 0.3 s a loaded machine once let the run finish first and exit 0)
    items = qa_items(30)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    sim = sim_factory([Persona(name="slow", rates=PERFECT, latency=Latency(median_ms=1000))], items)
    proc = evalkit_cli(
        "run", "sim:slow", "--sets", str(folder), "--store", str(tmp_path / "c.duckdb"),
        "--concurrency", "2", "--workers", "2", env={"EVALKIT_SIM_URL": sim.url},
    )  # fmt: skip
    assert wait_for(lambda: sim.stats().get("served:slow", 0) >= 4), "the run never started"
    time.sleep(0.3)  # the 4 replies reach the parent (1 s before the next ones are served)
    pids = worker_pids(proc.pid)
    assert len(pids) == 2
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    served = sim.stats().get("served:slow", 0)
    assert served < len(items), "the run finished before the signal"
    assert proc.returncode == 130, (out, err)
    assert wait_for(lambda: not any(_alive(p) for p in pids), timeout=10)
    with Store(tmp_path / "c.duckdb", read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
        counts = db.counts(run_id)
    assert not counts.complete
    assert counts.answered >= 4  # every reply received before the signal is stored
    assert f"interrupted: {counts.describe()}" in err
    assert "the replies already received are stored" in err
    assert f"the same command with `--resume {run_id}` calls only the rest" in err


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("trial", range(3))
def test_ctrl_c_keeps_the_replies_a_worker_holds_but_has_not_sent(tmp_path, trial):
    """Ctrl-C 5 ms after the last reply is served, while the workers still hold it (they send
    every 50 ms): the parent tells them to stop and reads what they hold. Before, it killed them
    at once and lost those replies (stored 30 of 40 on the code before)."""
    import asyncio

    from tests._http import chat_completion

    served, parent, done = [0], [0], [False]
    burst = 40

    async def reply(request: web.Request) -> web.Response:
        body = await request.json()
        while served[0] >= burst and not done[0]:  # the rest come only after the run ends
            await asyncio.sleep(0.05)
        served[0] += 1
        if served[0] == burst:
            asyncio.get_running_loop().call_later(0.005, os.kill, parent[0], signal.SIGINT)
        return web.json_response(chat_completion(body["model"], "Paris"))

    items = qa_items(30)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    with StubServer(reply) as stub:
        targets = tmp_path / "t.yaml"
        targets.write_text(
            f"targets:\n  - {{name: m, protocol: openai, model: m, base_url: '{stub.url}/v1', "
            "api_key_env: EK_TEST_KEY}\n"
        )
        db = tmp_path / "w.duckdb"
        proc = evalkit_cli(
            "run", "--targets-file", str(targets), "--sets", str(folder), "--store", str(db),
            "--concurrency", "60", "--workers", "2", env={"EK_TEST_KEY": "k"},
        )  # fmt: skip
        parent[0] = proc.pid
        try:
            out, err = proc.communicate(timeout=120)
        finally:
            done[0] = True
    assert proc.returncode == 130, (out, err)
    with Store(db, read_only=True) as store:
        (run_id,) = store.runs()["run_id"]
        assert store.counts(run_id).answered == burst, err
