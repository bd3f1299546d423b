"""A worker process of a ``--workers`` run: it calls the requests it is given and streams the
outcomes back; the parent stores them (a DuckDB file has one writer, and it is the parent).

The parent starts ``python -c "from evalkit._worker import main; main()" SDK...`` with pipes
before it plans the run, so the worker imports the SDKs meanwhile. It then writes one `Job` to
the worker's stdin and keeps stdin open: end of file there means stop (the parent finished, was
interrupted or died), after sending the outcomes the worker holds. The worker writes
length-prefixed frames, each a batch of `Wire` tuples, to its stdout every ``SEND_INTERVAL_S``
and when it is done; anything else it prints goes to stderr. A job names each model's key
variable, never the key: workers read keys from the environment they inherit, as the parent
does.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
import traceback
from dataclasses import dataclass, fields
from queue import SimpleQueue
from typing import IO, Any

import anyio

from evalkit._engine import Engine, Limits, Outcome, RetryPolicy
from evalkit.targets import CallFailure, Completion, TargetSpec

SEND_INTERVAL_S = 0.05
"""About the longest time an outcome waits in a worker: a killed worker loses only these (one
told to stop, on Ctrl-C, sends them first)."""

HEADER = struct.Struct(">I")
"""A frame's length, in front of its pickled body."""

Request = tuple[int, tuple[str, ...], list[dict[str, str]], int | None]
"""One request: (its index in the parent's list, the chain of model names, messages, seed)."""

Wire = tuple[int, int, int, tuple[Any, ...] | None, tuple[Any, ...] | None]
"""An outcome as plain data: (index, position, attempts, completion's fields, failure's fields)."""

_COMPLETION = tuple(f.name for f in fields(Completion))
_FAILURE = tuple(f.name for f in fields(CallFailure))


@dataclass(frozen=True)
class Job:
    """What one worker calls, with its share of the run's limits.

    Attributes:
        specs: Every model the requests' chains name.
        requests: The requests, each item's repeats together.
        concurrency: This worker's share of the run's requests in flight.
        per_model: Its share of each model's own limit on requests in flight.
        rpm: Its share of each model's requests per minute.
        policy: The run's retry policy.
        budget: Its share of the run's retry budget.
        seed: Seed of the backoff jitter.
    """

    specs: tuple[TargetSpec, ...]
    requests: list[Request]
    concurrency: int
    per_model: dict[str, int]
    rpm: dict[str, int]
    policy: RetryPolicy
    budget: int
    seed: int


def frame(obj: object) -> bytes:
    """``obj`` pickled, behind its length."""
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def to_wire(index: int, outcome: Outcome) -> Wire:
    """``outcome`` of request ``index`` as plain tuples (no SDK or exception objects)."""
    c, f = outcome.completion, outcome.failure
    return (
        index,
        outcome.position,
        outcome.attempts,
        None if c is None else tuple(getattr(c, name) for name in _COMPLETION),
        None if f is None else tuple(getattr(f, name) for name in _FAILURE),
    )


def from_wire(wire: Wire) -> tuple[int, Outcome]:
    """The request's index and its outcome, as `to_wire` sent them."""
    index, position, attempts, c, f = wire
    completion = None if c is None else Completion(*c)
    return index, Outcome(position, attempts, completion, None if f is None else CallFailure(*f))


SDKS = ("openai", "anthropic")
"""What a worker may import while it waits for its job (the parent names the run's protocols)."""


def main() -> None:
    """Serve the job on stdin; outcomes go to stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops workers
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr, never into the results pipe
    for sdk in sys.argv[1:]:
        if sdk in SDKS:  # while the parent plans; a missing SDK fails where it does in-process
            with contextlib.suppress(ImportError):
                importlib.import_module(sdk)
                importlib.import_module("aiohttp")
    head = sys.stdin.buffer.read(HEADER.size)
    if len(head) < HEADER.size:  # the parent closed the pipe before sending any work
        return
    job: Job = pickle.loads(sys.stdin.buffer.read(HEADER.unpack(head)[0]))
    status = [0]  # the exit code, also for the orphan watcher
    outbox: SimpleQueue[Wire | None] = SimpleQueue()
    sender = threading.Thread(target=_send_until_done, args=(outbox, out), daemon=True)
    sender.start()
    watcher = threading.Thread(target=_exit_when_told, args=(status, outbox, sender), daemon=True)
    watcher.start()
    try:
        anyio.run(_serve, job, outbox)
    except BaseException:
        traceback.print_exc()
        status[0] = 1
    sys.stderr.flush()
    outbox.put(None)  # what was called before a crash is sent too
    sender.join()
    out.close()
    os._exit(status[0])  # no interpreter teardown: everything the parent needs has been sent


DRAIN_S = 1.0
"""How long a worker told to stop may take to send the outcomes it holds."""


def _exit_when_told(
    status: list[int], outbox: SimpleQueue[Wire | None], sender: threading.Thread
) -> None:
    """Stop when stdin closes (the parent has everything it wants, was interrupted, or is
    gone), after sending the outcomes already received: a reply that came back is billed, and
    the parent, on Ctrl-C, reads until this end closes."""
    while os.read(0, 4096):  # the raw descriptor: a blocked buffered read breaks shutdown
        pass
    outbox.put(None)
    sender.join(DRAIN_S)
    os._exit(status[0])


async def _serve(job: Job, outbox: SimpleQueue[Wire | None]) -> None:
    limits = Limits(job.concurrency, job.per_model, job.rpm)
    engine = Engine(job.specs, limits, job.policy, len(job.requests), job.seed, job.budget)
    async with engine:

        async def handle(request: Request) -> None:
            index, chain, messages, seed = request
            outbox.put(to_wire(index, await engine.call_chain(chain, messages, seed)))

        await engine.map(job.requests, handle, job.concurrency)


def _send_until_done(outbox: SimpleQueue[Wire | None], out: IO[bytes]) -> None:
    """Every ``SEND_INTERVAL_S``, write what the calls put in ``outbox`` as one frame; stop after
    the None that ends it. A thread of its own: a parent busy storing never stalls (and times)
    the requests in flight, and no cancellation can fall between taking a batch and sending it."""
    done = False
    while not done:
        time.sleep(SEND_INTERVAL_S)
        batch = []
        while not outbox.empty():
            item = outbox.get()
            if item is None:
                done = True
            else:
                batch.append(item)
        if batch:
            try:
                out.write(frame(batch))
                out.flush()
            except (BrokenPipeError, ValueError):  # the parent is gone, or the end is closed
                return


if __name__ == "__main__":
    main()
