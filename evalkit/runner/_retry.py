"""Retries with backoff that honour Retry-After, bounded per request and by a run-wide budget."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio

from evalkit.targets import CallFailure, Completion


@dataclass
class RetryBudget:
    """Retries left for the whole run."""

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


async def call_with_retries(
    call: Callable[[], Awaitable[Completion]],
    *,
    max_retries: int,
    budget: RetryBudget,
    base_s: float,
    max_s: float,
    rng: random.Random,
) -> Attempted:
    """Call until success, a non-retryable failure, ``max_retries`` or an empty budget."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return Attempted(await call(), None, attempt)
        except CallFailure as failure:
            if not failure.retryable or attempt > max_retries or not budget.take():
                return Attempted(None, failure, attempt)
            await anyio.sleep(_wait(failure, attempt, base_s, max_s, rng))


def _wait(
    failure: CallFailure, attempt: int, base_s: float, max_s: float, rng: random.Random
) -> float:
    if failure.retry_after is not None:
        return min(failure.retry_after, max_s)
    backoff = min(max_s, base_s * 2 ** (attempt - 1))
    return backoff * (0.5 + rng.random() / 2)
