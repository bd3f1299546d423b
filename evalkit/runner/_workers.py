"""``--workers N``: a run's requests called from N worker processes and stored by this one.

One process spends about 3 ms of CPU per request (2-2.7 ms in the SDK building the request and
parsing the reply, about 1 ms in evalkit scoring and storing it), so on several cores a big run
is CPU-bound long before the network is. Workers take the SDK's share; this process plans the
run as always, stores every outcome through its one `Writer` (a DuckDB file has one writer) and
counts them, so the rows are those of an in-process run.

Workers are plain child processes running `evalkit._worker` over pipes, not `multiprocessing`:
its ``spawn`` start re-imports the caller's ``__main__`` (a script without a main guard would
start runs recursively, a notebook's functions do not pickle) and ``fork`` copies a process that
holds DuckDB's and the SDKs' threads. A child over two pipes behaves the same on Linux and macOS,
imports only the engine and the SDKs, and the async core waits on it through anyio's process
streams.

Limits are shared, not multiplied: the run's ``concurrency``, each model's own limit and ``rpm``
are split evenly between workers, and the run's retry budget in proportion to the requests each
worker has. A fixed share needs no traffic between workers; the cost is that one worker may run
out of retries while another has some left, and the total never exceeds an in-process run's.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from evalkit._engine import Outcome, RetryPolicy
from evalkit._worker import DRAIN_S, HEADER, Job, Request, frame, from_wire
from evalkit.runner._units import Unit
from evalkit.targets import TargetSpec

Receive = Callable[[Unit, Outcome], None]


@dataclass(frozen=True)
class Lost:
    """Requests no worker sent back, and why.

    Attributes:
        missing: Requests never returned.
        planned: Requests given to workers.
        deaths: One line per worker that failed.
    """

    missing: int
    planned: int
    deaths: list[str]


def worker_count(
    requested: int, todo: Sequence[Unit], concurrency: int, limits: Iterable[int]
) -> int:
    """How many workers a run gets: at most one per pair (see `split`), and no more than any
    limit can be shared out (each worker needs at least one slot of each)."""
    return max(1, min(requested, len({u.item.pair_id for u in todo}), concurrency, *limits))


def split(todo: Sequence[Unit], n: int) -> list[list[int]]:
    """Indices into ``todo`` for each of ``n`` workers: pairs dealt round-robin in plan order,
    each pair's items (en, zh) and their repeats to one worker, so every worker gets a like mix
    of sets and languages and an item's repeats stay together."""
    owner: dict[str, int] = {}
    parts: list[list[int]] = [[] for _ in range(n)]
    for index, unit in enumerate(todo):
        parts[owner.setdefault(unit.item.pair_id, len(owner) % n)].append(index)
    return parts


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, by largest remainders (the parts sum to it)."""
    whole = sum(weights) or 1
    parts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def jobs(
    todo: Sequence[Unit],
    n: int,
    specs: Sequence[TargetSpec],
    rpm: dict[str, int],
    concurrency: int,
    policy: RetryPolicy,
) -> list[Job]:
    """The run's requests and limits shared out between ``n`` workers."""
    parts = split(todo, n)
    budgets = apportion(policy.budget(len(todo)).left, [len(p) for p in parts])
    even = [1] * n
    shares = {
        "concurrency": apportion(concurrency, even),
        **{f"model:{s.name}": apportion(s.concurrency, even) for s in specs if s.concurrency},
        **{f"rpm:{name}": apportion(v, even) for name, v in rpm.items()},
    }
    return [
        Job(
            specs=tuple(specs),
            requests=[_request(index, todo[index]) for index in part],
            concurrency=shares["concurrency"][w],
            per_model={s.name: shares[f"model:{s.name}"][w] for s in specs if s.concurrency},
            rpm={name: shares[f"rpm:{name}"][w] for name in rpm},
            policy=policy,
            budget=budgets[w],
            seed=w,
        )
        for w, part in enumerate(parts)
    ]


def _request(index: int, unit: Unit) -> Request:
    return index, tuple(spec.name for spec in unit.chain), unit.messages, unit.seed


@asynccontextmanager
async def started_workers(n: int, sdks: Sequence[str]) -> AsyncIterator[Workers | None]:
    """``n`` worker processes importing ``sdks`` (None when ``n`` is 1: the run calls in this
    process). On the way out, also cancelled (Ctrl-C), any still running is killed."""
    if n <= 1:
        yield None
        return
    stack = AsyncExitStack()
    try:
        workers = Workers([])
        for _ in range(n):
            process = await anyio.open_process(
                [sys.executable, "-c", _WORKER_MAIN, *sdks],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,  # a worker's traceback goes where the parent's would
                env=_env(),
            )
            await stack.enter_async_context(process)
            workers.processes.append(process)
        stack.callback(workers.keep, 0)  # runs first: kill what still runs, then close each
        yield workers
    finally:
        # shielded: in a cancelled run (Ctrl-C) a cancellation raised here would replace the
        # error that ended it
        with anyio.CancelScope(shield=True):
            await stack.aclose()


_WORKER_MAIN = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "from evalkit._worker import main; main()"
)
"""A worker ignores Ctrl-C from its first line (the terminal sends it to the whole process
group; the parent stops the workers): one still importing would print a traceback."""


class Workers:
    """Started worker processes, each waiting for its `Job`.

    Args:
        processes: The processes.
    """

    def __init__(self, processes: list[Process]) -> None:
        self.processes = processes

    def keep(self, n: int) -> None:
        """Keep the first ``n`` workers; kill the others and any of them still running."""
        for process in self.processes[n:]:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        del self.processes[n:]

    async def call(
        self, todo: Sequence[Unit], jobs: Sequence[Job], receive: Receive
    ) -> Lost | None:
        """Give job i to worker i and hand every outcome to ``receive`` as it arrives.

        A worker that dies loses only what it had not sent; the others finish.

        Returns:
            None when every request came back, else what did not and why.
        """
        returned = bytearray(len(todo))

        def got(index: int, outcome: Outcome) -> None:
            returned[index] = 1
            receive(todo[index], outcome)

        deaths: list[str] = []
        async with anyio.create_task_group() as tg:
            for number, (process, job) in enumerate(zip(self.processes, jobs, strict=True), 1):
                tg.start_soon(_drive, number, process, job, got, deaths)
        missing = len(todo) - sum(returned)
        return Lost(missing, len(todo), deaths) if missing else None


async def _drive(
    number: int,
    process: Process,
    job: Job,
    got: Callable[[int, Outcome], None],
    deaths: list[str],
) -> None:
    """Send worker ``number`` its job and read its outcomes until it closes its end.

    Cancelled (Ctrl-C), it tells the worker to stop by closing the worker's stdin and reads on,
    shielded, for at most ``DRAIN_S`` while the worker sends the outcomes it holds: replies
    that came back are billed, and without this up to ``SEND_INTERVAL_S`` of them were lost.
    """
    assert process.stdin is not None and process.stdout is not None
    reader = _Frames(BufferedByteReceiveStream(process.stdout), got)
    try:
        await process.stdin.send(frame(job))
        await reader.read_all()
    except anyio.get_cancelled_exc_class():
        with anyio.CancelScope(shield=True), anyio.move_on_after(DRAIN_S + 0.5):
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                await process.stdin.aclose()
            await reader.read_all()
        raise
    code = await process.wait()
    if code != 0:
        deaths.append(f"worker {number} (pid {process.pid}) {_exit_text(code)}")


class _Frames:
    """A worker's outcome frames, read so that a read cut short by a cancellation resumes where
    it stopped (a frame's length already read is kept)."""

    def __init__(self, stream: BufferedByteReceiveStream, got: Callable[[int, Outcome], None]):
        self.stream, self.got = stream, got
        self.size: int | None = None

    async def read_all(self) -> None:
        """Hand every outcome to ``got`` until the worker closes its end (done, or dead)."""
        try:
            while True:
                if self.size is None:
                    self.size = HEADER.unpack(await self.stream.receive_exactly(HEADER.size))[0]
                body = await self.stream.receive_exactly(self.size)
                self.size = None
                for wire in pickle.loads(body):
                    self.got(*from_wire(wire))
        except (anyio.IncompleteRead, anyio.BrokenResourceError, anyio.EndOfStream):
            pass


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code} (its error is above)"


def _env() -> dict[str, str]:
    """The parent's environment (keys included: a worker reads them as the parent does), with
    this evalkit first on the path, so a worker runs the parent's code even from a checkout."""
    import evalkit

    env = dict(os.environ)
    root = Path(evalkit.__file__).resolve().parents[1]
    if root.name not in ("site-packages", "dist-packages"):  # never put those before the stdlib
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env
