"""The one request engine: limits and pacing on every attempt, one retry policy, batched sinks.

The runner (candidate calls) and the judges (judge calls) are two configurations of it:

* `Limits` - a run-wide concurrency limit, optional per-model limits and per-model request
  pacing (``rpm``). Every *attempt* takes a slot and is paced, retries included; the backoff
  between attempts is spent outside the slot, so a waiting retry never blocks other requests.
* `RetryPolicy` - retries per request, a budget for the whole job, exponential backoff with
  jitter that honours ``Retry-After``. Only failures the client classified as retryable
  (`CallFailure.retryable`: 429, 5xx, timeouts, dropped connections) are retried; any other
  exception is a bug and propagates at once.
* `Engine` - opens one SDK client per target, calls with the above and maps units over a
  bounded pool of workers.
* `BatchSink` - buffers typed rows and stores them in one transaction per batch, by size and
  every ``flush_interval_s`` while a job runs, on a background thread so the loop keeps calling.

Latency (and a streamed call's time to first token) is measured inside `Client.complete` around
the HTTP call alone, so it never includes time spent waiting here (limiter, pacer, backoff).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from evalkit.targets import CallFailure, Client, Completion, TargetSpec

T = TypeVar("T")


@dataclass
class Pacer:
    """Spaces request starts so a model sees at most ``rpm`` requests per minute."""

    rpm: int
    _next: float = 0.0
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    async def wait(self) -> None:
        """Wait for this request's turn."""
        async with self._lock:
            now = anyio.current_time()
            start = max(now, self._next)
            self._next = start + 60.0 / self.rpm
        if start > now:
            await anyio.sleep(start - now)


class Limits:
    """The run-wide limiter plus optional per-model limiters and pacers."""

    def __init__(
        self, concurrency: int, per_model: dict[str, int] | None = None,
        rpm: dict[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.run = anyio.CapacityLimiter(concurrency)
        self.models = {k: anyio.CapacityLimiter(v) for k, v in (per_model or {}).items()}
        self.pacers = {k: Pacer(v) for k, v in (rpm or {}).items()}

    @classmethod
    def for_targets(
        cls, concurrency: int, specs: Iterable[TargetSpec], rpm: dict[str, int] | None = None
    ) -> Limits:
        """The run limit plus each target's own ``concurrency`` where it sets one."""
        return cls(concurrency, {s.name: s.concurrency for s in specs if s.concurrency}, rpm)

    @asynccontextmanager
    async def slot(self, model: str) -> AsyncIterator[None]:
        """Hold a run slot and the model's slot for one attempt, paced."""
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(self.run)
            if model in self.models:
                await stack.enter_async_context(self.models[model])
            if model in self.pacers:
                await self.pacers[model].wait()
            yield


@dataclass(frozen=True)
class RetryPolicy:
    """How failed attempts are retried.

    Attributes:
        max_retries: Retries per request after the first attempt.
        budget_share: Retries allowed across the job, as a fraction of planned calls.
        min_budget: The job's retry budget is never below this.
        base_s: First backoff when the server gives no Retry-After.
        max_s: Longest single wait, Retry-After included.
    """

    max_retries: int = 4
    budget_share: float = 0.25
    min_budget: int = 10
    base_s: float = 0.5
    max_s: float = 30.0

    def budget(self, planned_calls: int) -> RetryBudget:
        """The retry budget of a job that plans ``planned_calls`` calls."""
        return RetryBudget(max(self.min_budget, int(self.budget_share * planned_calls)))

    def wait_s(self, failure: CallFailure, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before the next attempt (Retry-After if given, else jittered)."""
        if failure.retry_after is not None:
            return min(failure.retry_after, self.max_s)
        backoff = min(self.max_s, self.base_s * 2 ** (attempt - 1))
        return backoff * (0.5 + rng.random() / 2)


@dataclass
class RetryBudget:
    """Retries left for the whole job."""

    left: int

    def take(self) -> bool:
        """Spend one retry if any is left."""
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass(frozen=True)
class Attempted:
    """The outcome of a request after retries."""

    completion: Completion | None
    failure: CallFailure | None
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """How a request ended after its fallback chain.

    Attributes:
        position: The chain's model that served it, or the last one tried when none did.
        attempts: Attempts over the whole chain.
        completion: The reply, or None.
        failure: The last model's failure when no model served it, else None.
    """

    position: int
    attempts: int
    completion: Completion | None
    failure: CallFailure | None

    @property
    def retries(self) -> int:
        """Attempts beyond each tried model's first."""
        return self.attempts - self.position - 1


class Engine:
    """Calls targets through their SDK clients with limits, pacing and retries.

    Use as ``async with Engine(specs, limits, policy, planned_calls) as engine``.
    """

    def __init__(
        self,
        specs: Iterable[TargetSpec],
        limits: Limits,
        policy: RetryPolicy,
        planned_calls: int,
        seed: int = 0,
        budget: int | None = None,
    ) -> None:
        self.specs = {s.name: s for s in specs}
        self.limits, self.policy = limits, policy
        # a worker process gets its share of the run's budget instead of its own
        self.budget = policy.budget(planned_calls) if budget is None else RetryBudget(budget)
        self.rng = random.Random(seed)
        self.clients: dict[str, Client] = {}
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Engine:
        for name, spec in self.specs.items():
            self.clients[name] = await self._stack.enter_async_context(Client(spec))
        return self

    async def __aexit__(self, *exc: object) -> None:
        # shielded: in a cancelled run (Ctrl-C) a cancellation raised here would replace the
        # error that ended it, such as the last store write failing
        with anyio.CancelScope(shield=True):
            await self._stack.aclose()

    async def call(
        self, target: str, messages: list[dict[str, str]], seed: int | None
    ) -> Attempted:
        """Call ``target`` until success, a non-retryable failure, ``max_retries`` or an empty
        budget. Each attempt holds a slot and is paced; backoff waits outside the slot."""
        client, attempt = self.clients[target], 0
        while True:
            attempt += 1
            async with self.limits.slot(target):
                try:
                    return Attempted(await client.complete(messages, seed), None, attempt)
                except CallFailure as exc:
                    failure = exc
            if not failure.retryable or attempt > self.policy.max_retries or not self.budget.take():
                return Attempted(None, failure, attempt)
            await anyio.sleep(self.policy.wait_s(failure, attempt, self.rng))

    async def call_chain(
        self, chain: Sequence[str], messages: list[dict[str, str]], seed: int | None
    ) -> Outcome:
        """Call the first model of ``chain``, then each fallback until one serves."""
        attempts, failure = 0, None
        for position, target in enumerate(chain):
            result = await self.call(target, messages, seed)
            attempts += result.attempts
            if result.completion is not None:
                return Outcome(position, attempts, result.completion, None)
            failure = result.failure
        return Outcome(len(chain) - 1, attempts, None, failure)

    @staticmethod
    async def map(units: Sequence[T], handle: Callable[[T], Awaitable[None]], workers: int) -> None:
        """Run ``handle`` on every unit, at most ``workers`` at a time, in order of start."""
        queue = iter(units)

        async def worker() -> None:
            for unit in queue:
                await handle(unit)

        try:
            async with anyio.create_task_group() as tg:
                for _ in range(min(workers, len(units))):
                    tg.start_soon(worker)
        except Exception as exc:
            raise _single(exc) from None


def _single(exc: Exception) -> Exception:
    """The one exception inside (nested) task-group exception groups, else ``exc`` itself: a bug
    in a worker surfaces as itself, not wrapped."""
    while len(getattr(exc, "exceptions", ())) == 1:
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    return exc


class BatchSink:
    """Buffers rows and stores them in batches: by size, on `flush`, and periodically.

    Subclasses implement `_pending` (rows buffered) and `_take` (hand the buffer over as a
    function that stores it, and start a new buffer). While `flushing` runs, each batch is
    stored on one background thread, so the event loop keeps sending requests while DuckDB
    writes (it releases the GIL while it executes). One batch is written at a time, in order.
    A failed write raises on the loop as soon as the next row arrives, and its batch is kept:
    the flush at the end stores it again, before the rows that came after it, as the old
    in-loop writes did (a request already paid for is never lost to a passing store error).
    """

    def __init__(self, batch_size: int, flush_interval_s: float) -> None:
        self.batch_size, self.flush_interval_s = batch_size, flush_interval_s
        self._pool: ThreadPoolExecutor | None = None
        self._in_flight: tuple[Future[None], Callable[[], None]] | None = None
        self._failed: list[Callable[[], None]] = []

    def _pending(self) -> int:
        raise NotImplementedError

    def _has_rows(self) -> bool:
        """Anything to store (a subclass may store rows that do not count toward a batch)."""
        return self._pending() > 0

    def _take(self) -> Callable[[], None]:
        raise NotImplementedError

    def maybe_flush(self) -> None:
        """Store the buffer once it holds a batch; raise a background write that failed."""
        if self._in_flight is not None and self._in_flight[0].done():
            self._wait()
        if self._pending() >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Store everything buffered in one transaction (in the background inside `flushing`)."""
        if self._has_rows() or self._failed:
            self._store()

    def _store(self) -> None:
        if self._pool is None:
            while self._failed:  # first the batches whose background write failed, in order
                self._failed[0]()
                self._failed.pop(0)
            if self._has_rows():
                self._take()()
            return
        self._wait()  # first: if the batch before failed, this one stays buffered
        if self._has_rows():
            write = self._take()
            self._in_flight = (self._pool.submit(write), write)

    def _wait(self) -> None:
        """Block until the batch being written is stored; keep it and re-raise if it failed."""
        if self._in_flight is None:
            return
        future, write = self._in_flight
        try:
            future.result()
        except Exception:
            self._in_flight = None
            self._failed.append(write)
            raise
        # an interrupted wait (Ctrl-C) leaves the write in flight: the wait at the end sees it
        self._in_flight = None

    @asynccontextmanager
    async def flushing(self) -> AsyncIterator[None]:
        """While the body runs, store batches in the background and flush every
        ``flush_interval_s``; at the end, also when the body fails, wait for the last background
        write and store the rest, so everything finished before a crash is kept for resume."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evalkit-store")
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._flush_periodically)
                yield
                tg.cancel_scope.cancel()
        except Exception as exc:
            raise _single(exc) from None
        finally:
            pool, self._pool = self._pool, None
            try:
                self._wait()
            finally:
                pool.shutdown(wait=True)  # also a write whose wait was interrupted
                self.flush()

    async def _flush_periodically(self) -> None:
        while True:
            await anyio.sleep(self.flush_interval_s)
            self.flush()
