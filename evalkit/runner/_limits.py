"""Concurrency and request-rate limits: one for the run, one per model where configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import anyio


@dataclass
class Pacer:
    """Spaces request starts so a model sees at most ``rpm`` requests per minute."""

    rpm: int
    _next: float = 0.0
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    async def wait(self) -> None:
        async with self._lock:
            now = anyio.current_time()
            start = max(now, self._next)
            self._next = start + 60.0 / self.rpm
        if start > now:
            await anyio.sleep(start - now)


class Limits:
    """The run-wide limiter plus optional per-model limiters and pacers."""

    def __init__(self, concurrency: int, per_model: dict[str, int], rpm: dict[str, int]) -> None:
        self.run = anyio.CapacityLimiter(concurrency)
        self.models = {k: anyio.CapacityLimiter(v) for k, v in per_model.items()}
        self.pacers = {k: Pacer(v) for k, v in rpm.items()}

    @asynccontextmanager
    async def slot(self, model: str) -> AsyncIterator[None]:
        """Hold a run slot and the model's slot for one request."""
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(self.run)
            if model in self.models:
                await stack.enter_async_context(self.models[model])
            if model in self.pacers:
                await self.pacers[model].wait()
            yield
