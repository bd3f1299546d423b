from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

import evalkit as ek
from evalkit.comparison import Verdict, compare_runs
from evalkit.errors import ConfigError
from evalkit.goldensets import load_goldenset
from evalkit.sim import Faults, Latency, Persona
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items, write_set

PERFECT = {"accuracy": 1.0, "hallucination": 0.0}


def target(sim, persona, **changes):
    return replace(parse_target(f"sim:{persona}@{sim.url}"), **changes)


def test_run_stores_every_item_once_with_scores(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="p", rates=PERFECT)], tiny_items)
    result = ek.run(target(sim, "p"), [make_set(tiny_items)], store=":memory:", concurrency=8)
    assert result.summary.called == 40 and result.summary.failed == 0
    frame = result.to_pandas()
    correct = frame[frame.metric == "correct"]
    assert len(correct) == 40 and correct.value.all()
    responses = result.store.responses_frame(result.run_id)
    assert responses.item_id.is_unique and (responses.prompt_tokens > 0).all()


def test_rerun_reuses_cached_responses_without_calling(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="p", rates=PERFECT)], tiny_items)
    store = Store(":memory:")
    ek.run(target(sim, "p"), [make_set(tiny_items)], store=store)
    calls = sim.stats()["requests:p"]
    again = ek.run(target(sim, "p"), [make_set(tiny_items)], store=store)
    assert again.summary.cached == 40 and again.summary.called == 0
    assert sim.stats()["requests:p"] == calls
    assert store.responses_frame(again.run_id).cached.all()


def test_repeats_send_distinct_seeds_and_are_not_cached_across_k(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="p", rates=PERFECT)], tiny_items)
    result = ek.run(target(sim, "p"), [make_set(tiny_items)], store=":memory:", repeats=3)
    assert result.summary.called == 120
    frame = result.store.responses_frame(result.run_id)
    assert frame.groupby("item_id").request_hash.nunique().eq(3).all()


def test_429_and_500_are_retried_honouring_retry_after(sim_factory, tiny_items):
    faults = Faults(rate_429=0.3, rate_500=0.2, rate_drop=0.1, retry_after_s=0.01)
    sim = sim_factory([Persona(name="flaky", rates=PERFECT, faults=faults)], tiny_items)
    result = ek.run(
        target(sim, "flaky"),
        [make_set(tiny_items)],
        store=":memory:",
        max_retries=8,
        backoff_base_s=0.01,
        retry_budget=5.0,
    )
    assert result.summary.failed == 0 and result.summary.retries > 0
    stats = sim.stats()
    assert stats.get("fault:flaky:429", 0) > 0 and stats.get("fault:flaky:500", 0) > 0


def test_failures_are_error_records_never_scores(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="down", faults=Faults(rate_500=1.0))], tiny_items)
    result = ek.run(
        target(sim, "down"),
        [make_set(tiny_items)],
        store=":memory:",
        max_retries=1,
        retry_budget=1.0,
        backoff_base_s=0.001,
    )
    assert result.summary.failed == 40
    errors = result.store.errors_frame(result.run_id)
    assert len(errors) == 40 and set(errors.kind) == {"http_500"} and (errors.attempts == 2).all()
    assert result.to_pandas().empty


def test_retry_budget_bounds_total_retries(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="down", faults=Faults(rate_500=1.0))], tiny_items)
    result = ek.run(
        target(sim, "down"),
        [make_set(tiny_items)],
        store=":memory:",
        max_retries=10,
        retry_budget=0.0,
        backoff_base_s=0.001,
    )
    assert result.summary.retries == 10  # the floor of the budget
    assert sim.stats()["requests:down"] == 40 + 10


def test_timeouts_are_recorded_as_timeout_errors(sim_factory, tiny_items):
    sim = sim_factory(
        [Persona(name="slow", faults=Faults(rate_timeout=1.0, stall_s=1.0))], tiny_items[:4]
    )
    spec = target(sim, "slow", timeout_s=0.2)
    result = ek.run(spec, [make_set(tiny_items[:4])], store=":memory:", max_retries=0)
    assert set(result.store.errors_frame(result.run_id).kind) == {"timeout"}


def test_secret_key_is_never_stored(sim_factory, tiny_items, monkeypatch):
    monkeypatch.setenv("SIM_SECRET_KEY", "not-a-key-verysecretvalue1234567890")
    sim = sim_factory([Persona(name="p", rates=PERFECT)], tiny_items[:2])
    spec = target(sim, "p", api_key_env="SIM_SECRET_KEY")
    store = Store(":memory:")
    ek.run(spec, [make_set(tiny_items[:2])], store=store)
    dump = str(store.con.execute("SELECT * FROM runs").fetchall())
    assert "SIM_SECRET_KEY" in dump and "verysecret" not in dump


@pytest.mark.slow
def test_resume_after_sigkill_holds_every_item_exactly_once(sim_factory, tmp_path):
    items = qa_items(60)
    folder = write_set(
        tmp_path / "killset", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    slow = Persona(name="slow", rates=PERFECT, latency=Latency(median_ms=60))
    sim = sim_factory([slow], items)
    db = tmp_path / "kill.duckdb"
    env = {**os.environ, "EVALKIT_SIM_URL": sim.url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evalkit._cli.main",
            "run",
            "sim:slow",
            "--sets",
            str(folder),
            "--store",
            str(db),
            "--name",
            "killme",
            "--concurrency",
            "2",
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Kill once the run is well under way (and a flush has landed), however slow start-up is.
    deadline = time.monotonic() + 60
    while sim.stats().get("served:slow", 0) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a flush (every 1 s) has landed by now: 60 served takes 1.8 s
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with Store(db) as store:
        done_before = len(store.done_keys(store.resolve_run_id("killme")))
    assert 0 < done_before < 120, "the kill should land mid-run"
    store = Store(db)
    twin = ek.run(target(sim, "slow"), [load_goldenset(folder)], store=store, name="twin",
                  use_cache=False, concurrency=8)  # fmt: skip
    with pytest.raises(ConfigError, match="incomplete"):  # killed, never attempted: refused
        compare_runs(store, twin.run_id, "killme")
    calls_before = sim.stats()["requests:slow"]
    result = ek.run(
        target(sim, "slow"), [load_goldenset(folder)], store=store, resume="killme", use_cache=False
    )
    killed, whole = store.counts(result.run_id), store.counts(twin.run_id)
    assert (killed.planned, killed.answered, killed.failed, killed.missing) == (
        whole.planned, whole.answered, whole.failed, whole.missing)  # fmt: skip
    assert killed.status == whole.status == "finished"
    resumed = compare_runs(store, twin.run_id, result.run_id)
    assert resumed.verdict is not Verdict.FAIL, resumed.render("table")
    frame = store.responses_frame(result.run_id)
    assert len(frame) == 120 and frame.item_id.is_unique
    assert sim.stats()["requests:slow"] - calls_before == 120 - done_before
    scores = store.scores_frame(result.run_id)
    assert scores[scores.metric == "correct"].item_id.is_unique
