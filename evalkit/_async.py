"""Running evalkit's async core from synchronous code, including inside a running event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")


def run_sync(func: Callable[[], Awaitable[T]]) -> T:
    """Run ``func()`` to completion and return its result.

    A plain ``anyio.run`` raises "Already running asyncio in this thread" inside Jupyter, whose
    kernel runs an event loop; there the coroutine runs on a worker thread with its own loop
    (the way inspect_ai's ``run_coroutine`` does), and this call blocks until it is done.
    """
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    if not in_loop:  # outside the except block: its exception must not become every error's context
        return anyio.run(func)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evalkit-sync") as pool:
        return pool.submit(anyio.run, func).result()
