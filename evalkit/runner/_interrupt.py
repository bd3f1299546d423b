"""Ctrl-C during ``evalkit run``: stop the calls, keep what came back, say how to finish.

Without this, asyncio's own handler cancels the run on the first Ctrl-C and raises
``KeyboardInterrupt`` wherever the program is on the second. People press again when the first
seems slow: unwinding a hundred requests in flight takes about a second. A second press then
raised into asyncio's shutdown (a long traceback, exit 1, no run named), and a third one 0.3 s
later lost every buffered reply, though all were paid for (0 of 100 stored, measured).

Here, for the CLI's runs (`ctrl_c_for_runs`), the first press cancels the run's calls and the
store keeps every reply already received. The second only says that this is happening, and a
later one, two seconds or more after the first, stops at once, losing what was not yet stored.
The command then names each run it left unfinished, from the ids the runs recorded as they
opened (`opened`), not from the store.
In-process use (``ek.run``, ``run_async``, notebooks) keeps asyncio's behaviour: the handler is
taken over only where the command owns the process's Ctrl-C (Python's default handler, main
thread); a process that ignores SIGINT (``evalkit run ... &`` in a script) keeps ignoring it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import anyio

FORCE_PRESSES = 3
"""The press that stops at once (the first stops the calls, the second only says so)."""
FORCE_AFTER_S = 2.0
"""Presses within this many seconds of the first never stop at once: people press several
times in a row, and stopping a hundred requests takes about a second."""


@dataclass
class CtrlC:
    """The Ctrl-C presses during one command's runs, and the runs opened so far.

    Attributes:
        presses: Ctrl-C presses so far.
        runs: Ids of the runs opened (or resumed), in order.
        first_at: When the first press came (``time.monotonic``).
        forced: A later press stopped at once: replies not yet stored may be lost.
    """

    presses: int = 0
    runs: list[str] = field(default_factory=list)
    first_at: float = 0.0
    forced: bool = False


class RunStopped(Exception):
    """The first Ctrl-C stopped a run's calls; what came back is stored (raised out of the
    event loop as a plain exception, so the loop shuts down normally)."""


_CURRENT: ContextVar[CtrlC | None] = ContextVar("evalkit_ctrl_c", default=None)


@contextmanager
def ctrl_c_for_runs() -> Iterator[CtrlC | None]:
    """Handle Ctrl-C for the runs made inside (see the module); None where the process's
    Ctrl-C is not the command's to handle (not the main thread, or not Python's default)."""
    owned = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    state = CtrlC() if owned else None
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)
        if owned:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def opened(run_id: str) -> None:
    """Record that the current command's run ``run_id`` is open (no-op outside the CLI)."""
    state = _CURRENT.get()
    if state is not None and run_id not in state.runs:
        state.runs.append(run_id)


@contextmanager
def first_ctrl_c_cancels(scope: anyio.CancelScope) -> Iterator[CtrlC | None]:
    """While a run goes on, the first Ctrl-C cancels ``scope`` and the second says what is going
    on; the third or a later one raises ``KeyboardInterrupt`` once `FORCE_AFTER_S` have passed
    since the first (only inside `ctrl_c_for_runs`)."""
    state = _CURRENT.get()
    if state is None or threading.current_thread() is not threading.main_thread():
        yield state
        return
    loop = asyncio.get_running_loop()

    def press(signum: int, frame: object) -> None:
        state.presses += 1
        now = time.monotonic()
        if state.presses == 1:
            state.first_at = now
            sys.stderr.write("stopping: storing the replies already received\n")
            loop.call_soon_threadsafe(scope.cancel)
        elif _forced(state, now):
            state.forced = True
            raise KeyboardInterrupt
        elif state.presses == 2:
            sys.stderr.write(
                "still storing what was received; Ctrl-C again in two seconds stops at once\n"
            )

    previous = signal.signal(signal.SIGINT, press)
    try:
        yield state
    finally:
        # once stopping, what came back is stored: until the command has said what it left
        # (`ctrl_c_for_runs` puts Python's handler back), a forced press ends the process
        # (asyncio's handler would raise into the event loop's shutdown instead)
        signal.signal(signal.SIGINT, _exit_when_forced(state) if state.presses else previous)


def _forced(state: CtrlC, now: float) -> bool:
    return state.presses >= FORCE_PRESSES and now - state.first_at >= FORCE_AFTER_S


def _exit_when_forced(state: CtrlC) -> Callable[[int, object], None]:
    """After the run stopped (everything received is stored): count presses; a forced one ends
    the process at once (a stalled shutdown, such as a DNS lookup, cannot hold it)."""

    def press(signum: int, frame: object) -> None:
        state.presses += 1
        if _forced(state, time.monotonic()):
            sys.stderr.write("stopped at once (the replies received were stored)\n")
            sys.stderr.flush()
            os._exit(130)

    return press


@contextmanager
def presses_end_the_process() -> Iterator[None]:
    """While a stopped command reports what it left: a press ends the process at once with
    code 130 (the report only reads). Python's handler is put back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def press(signum: int, frame: object) -> None:
        sys.stderr.write("stopped at once\n")
        sys.stderr.flush()
        os._exit(130)

    previous = signal.signal(signal.SIGINT, press)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
