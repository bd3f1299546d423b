"""Ctrl-C during `evalkit run`: the first press stops the calls and keeps every reply already
received, the second only says so, the third stops at once; the command names what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import anyio
import pytest

from evalkit.runner._interrupt import ctrl_c_for_runs, first_ctrl_c_cancels
from evalkit.sim import Latency, Persona
from evalkit.store import Store
from tests._helpers import qa_items, write_set
from tests.runner.test_workers import PERFECT, evalkit_cli, wait_for


@pytest.fixture
def slow(sim_factory, tmp_path):
    """60 items (30 en/zh pairs) and a simulator model ``m`` that answers in 1 s."""
    items = qa_items(30)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    sim = sim_factory([Persona(name="m", rates=PERFECT, latency=Latency(median_ms=1000))], items)
    return sim, folder, items


def _interrupt(proc: subprocess.Popen, sim, served: int) -> tuple[str, str]:
    assert wait_for(lambda: sim.stats().get("served:m", 0) >= served), "the run never started"
    time.sleep(0.3)  # those replies reach evalkit (the next ones come a second later)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    return out, err


def test_first_press_cancels_the_second_only_says_so_a_later_one_stops_at_once(monkeypatch):
    # every press below is sent by this process to itself, inside the handler's reach
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    seen: list[object] = []

    async def main() -> None:
        with anyio.CancelScope() as scope, first_ctrl_c_cancels(scope) as state:
            assert state is not None
            os.kill(os.getpid(), signal.SIGINT)
            await anyio.sleep(5)  # cancelled at once
        # stopped: until the command has said what it left, only a forced press counts
        seen.extend([state.presses, scope.cancelled_caught, signal.getsignal(signal.SIGINT)])

    with ctrl_c_for_runs() as outer:
        anyio.run(main)
    assert seen[:2] == [1, True]
    assert seen[2].__qualname__ == "_exit_when_forced.<locals>.press"
    assert outer is not None and not outer.forced
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back

    def stopping_slowly(presses: int, gap_s: float):
        async def run() -> None:
            with anyio.CancelScope() as scope, first_ctrl_c_cancels(scope):
                os.kill(os.getpid(), signal.SIGINT)
                try:
                    await anyio.sleep(5)
                finally:
                    with anyio.CancelScope(shield=True):  # stopping takes its time
                        for _ in range(presses - 1):
                            await anyio.sleep(gap_s)
                            os.kill(os.getpid(), signal.SIGINT)
                        await anyio.sleep(0.3)

        return run

    # presses in a row (within FORCE_AFTER_S of the first) only wait for the stop
    with ctrl_c_for_runs() as mashed:
        anyio.run(stopping_slowly(6, 0.02))
    assert mashed is not None and mashed.presses == 6 and not mashed.forced
    # a later one stops at once
    monkeypatch.setattr("evalkit.runner._interrupt.FORCE_AFTER_S", 0.1)
    with ctrl_c_for_runs() as state, pytest.raises(KeyboardInterrupt):
        anyio.run(stopping_slowly(3, 0.08))
    assert state is not None and state.presses == 3 and state.forced
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


STOPPING = """
import sys
from evalkit.commands import run_targets
from evalkit.errors import RunInterrupted
try:  # buffered until the end: nothing reaches the store before the final flush
    run_targets(["sim:m"], sets=sys.argv[1], store=sys.argv[2], concurrency=20,
                flush_interval_s=60.0, batch_size=1000, progress=False)
except RunInterrupted as exc:
    print("stopped", *[s.run_id for s in exc.stopped], "forced" * exc.forced, flush=True)
    sys.exit(130)
"""


def test_a_second_press_while_stopping_keeps_the_replies_received(slow, tmp_path):
    """The press that comes while the run stops (about a second with a hundred requests in
    flight) used to raise KeyboardInterrupt into asyncio's shutdown (a long traceback; a third
    press there lost every buffered reply) and left the run unnamed. Now it only says so.
    (In a child process: a press that missed would stop this test session.)"""
    sim, folder, items = slow
    store = tmp_path / "c.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", STOPPING, str(folder), str(store)],
        env={**os.environ, "EVALKIT_SIM_URL": sim.url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert wait_for(lambda: sim.stats().get("served:m", 0) >= 20), "the run never started"
    time.sleep(0.3)  # those replies reach evalkit (the next ones come a second later)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    with Store(store, read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
        counts = db.counts(run_id)
    assert 20 <= counts.answered < len(items)  # all 20+ buffered replies were stored
    assert out.split() == ["stopped", run_id]  # named, and not a forced stop
    assert "still storing what was received" in err and "Traceback" not in err


def test_a_store_error_in_the_last_write_after_ctrl_c_is_not_hidden(slow, tmp_path):
    """The run's cancellation once replaced it: the user read "stored" and nothing was."""
    sim, folder, _ = slow
    failing = STOPPING.replace(
        "import sys\n",
        "import sys\nfrom evalkit.store import Store\n"
        "def full(*a): raise OSError('disk full while storing the last batch')\n"
        "Store.write_batch = full\n",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", failing, str(folder), str(tmp_path / "c.duckdb")],
        env={**os.environ, "EVALKIT_SIM_URL": sim.url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert wait_for(lambda: sim.stats().get("served:m", 0) >= 20), "the run never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    assert "OSError: disk full while storing the last batch" in err and "stopped" not in out


def test_a_resumed_run_is_named_and_its_resume_finishes_it(slow, sim_factory, tmp_path):
    sim, folder, items = slow
    store = str(tmp_path / "c.duckdb")
    run = ("run", "sim:m", "--sets", str(folder), "--store", store, "--concurrency", "2")
    _, first = _interrupt(evalkit_cli(*run, env={"EVALKIT_SIM_URL": sim.url}), sim, 2)
    with Store(store, read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
    resumed = evalkit_cli(*run, "--resume", run_id, env={"EVALKIT_SIM_URL": sim.url})
    _, second = _interrupt(resumed, sim, sim.stats().get("served:m", 0) + 2)
    with Store(store, read_only=True) as db:
        assert list(db.runs()["run_id"]) == [run_id]  # the resumed run, not a new one
        assert 4 <= db.counts(run_id).answered < len(items)
    assert all(f"--resume {run_id}` calls only the rest" in err for err in (first, second))
    fast = sim_factory([Persona(name="m", rates=PERFECT)], items)
    proc = evalkit_cli(*run, "--resume", run_id, env={"EVALKIT_SIM_URL": fast.url})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out, err)
    with Store(store, read_only=True) as db:
        counts = db.counts(run_id)
    assert counts.complete and counts.answered == counts.planned == len(items)


def test_several_targets_name_the_stopped_run_its_resume_and_those_not_started(
    slow, sim_factory, tmp_path
):
    sim, folder, items = slow
    store = str(tmp_path / "c.duckdb")
    common = ("--sets", str(folder), "--store", store, "--concurrency", "2")
    proc = evalkit_cli("run", "sim:m", "sim:other", *common, env={"EVALKIT_SIM_URL": sim.url})
    _, err = _interrupt(proc, sim, 2)
    with Store(store, read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
    assert f"`evalkit run sim:m --resume {run_id}` with this command's other options" in err
    assert "interrupted: not started: other" in err
    fast = sim_factory([Persona(name="m", rates=PERFECT)], items)  # the hint, followed
    env = {"EVALKIT_SIM_URL": fast.url}
    proc = evalkit_cli("run", "sim:m", "--resume", run_id, *common, env=env)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out, err)


def test_a_group_shard_says_the_same_command_continues_it(slow, tmp_path):
    sim, folder, _ = slow
    proc = evalkit_cli(
        "run", "sim:m", "--sets", str(folder), "--store", str(tmp_path / "c.duckdb"),
        "--group", "nightly", "--shard", "1/2", env={"EVALKIT_SIM_URL": sim.url},
    )  # fmt: skip
    _, err = _interrupt(proc, sim, 2)
    with Store(tmp_path / "c.duckdb", read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
    assert run_id.startswith("g-")  # the group's run, made by this shard
    assert f"interrupted: {run_id} (running, shards 0/2 finished)" in err
    assert "the same command again continues its shard" in err


def test_a_run_started_with_ctrl_c_ignored_keeps_ignoring_it(sim_factory, tmp_path):
    """`evalkit run ... &` in a script: SIGINT is ignored, and the run goes on to the end."""
    items = qa_items(6)
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items]
    )
    sim = sim_factory([Persona(name="m", rates=PERFECT, latency=Latency(median_ms=300))], items)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "evalkit._cli.main", "run", "sim:m", "--sets", str(folder),
            "--store", str(tmp_path / "c.duckdb"), "--concurrency", "2", "--no-progress",
        ],
        env={**os.environ, "EVALKIT_SIM_URL": sim.url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    assert wait_for(lambda: sim.stats().get("served:m", 0) >= 2)
    for _ in range(3):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, (out, err)
    with Store(tmp_path / "c.duckdb", read_only=True) as db:
        (run_id,) = db.runs()["run_id"]
        assert db.counts(run_id).complete
