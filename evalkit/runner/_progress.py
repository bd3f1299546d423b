"""A progress bar with ETA, throughput and cost so far (rich), or nothing off a terminal."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Counts finished requests; draws a rich bar when enabled."""

    def __init__(self, total: int, done: int, enabled: bool | None) -> None:
        self.total, self.done = total, done
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
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

    def advance(self, cost: float, currency: str) -> None:
        """One more request finished."""
        self.done += 1
        if self._bar is not None:
            task = self._bar.tasks[0]
            speed = task.speed or 0.0
            self._bar.update(
                self._task,
                advance=1,
                rate=f"{speed:6.1f} req/s",
                cost=f"{cost:.4f} {currency}",
            )

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
