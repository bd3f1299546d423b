"""Progress: a rich bar on a terminal; off a terminal (CI logs), one plain line every
``LINE_INTERVAL_S`` seconds and at the end, so a long run is visibly alive."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

LINE_INTERVAL_S = float(os.environ.get("EVALKIT_PROGRESS_INTERVAL", "15"))
"""Seconds between progress lines when stderr is not a terminal."""


class Progress:
    """Counts finished requests; a rich bar on a terminal, periodic lines elsewhere.

    Args:
        total: Requests the run plans.
        done: Requests already done (resumed or cached).
        enabled: True: the bar; False: nothing; None: the bar on a terminal, lines elsewhere.
    """

    def __init__(self, total: int, done: int, enabled: bool | None) -> None:
        self.total, self.done = total, done
        tty = sys.stderr.isatty()
        self.enabled = tty if enabled is None else enabled
        self.lines = enabled is None and not tty
        self.errors, self.cost = 0, "no price"
        self._start = self._last = time.monotonic()
        self._first = done
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]evalkit"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("cost {task.fields[cost]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(
                "run", total=self.total, completed=self.done, rate="", cost="0"
            )
        return self

    def line(self) -> str:
        """``done/total (pct), rate, ETA, errors, cost`` as one plain line."""
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = (self.done - self._first) / elapsed
        left = self.total - self.done
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        pct = 100 * self.done / self.total if self.total else 100.0
        return (
            f"evalkit: {self.done}/{self.total} ({pct:.1f}%) {rate:.1f} req/s ETA {eta} "
            f"errors {self.errors} cost {self.cost}"
        )

    def advance(self, cost: str, errors: int = 0) -> None:
        """One more request finished; ``cost`` is the cost so far as text."""
        self.done += 1
        self.errors, self.cost = errors, cost
        if self.lines and time.monotonic() - self._last >= LINE_INTERVAL_S:
            self._last = time.monotonic()
            print(self.line(), file=sys.stderr, flush=True)
        if self._bar is not None:
            task = self._bar.tasks[0]
            speed = task.speed or 0.0
            self._bar.update(
                self._task,
                advance=1,
                rate=f"{speed:6.1f} req/s",
                cost=cost,
            )

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        if self.lines:
            print(self.line(), file=sys.stderr, flush=True)
