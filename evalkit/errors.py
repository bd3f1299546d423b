"""The evalkit exception tree.

Misconfiguration raises one of these at once, with the file, line, bad value and the fix in the
message. Failures *during* a run (a provider timing out, a judge answering nonsense) are never
raised: they become error records stored beside the successes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalkit._api import RunResult
    from evalkit.store import RunCounts


class EvalkitError(Exception):
    """Base of every error evalkit raises on purpose."""


class ConfigError(EvalkitError):
    """A target, router, judge or gate configuration is wrong."""


class GoldenSetError(EvalkitError):
    """A golden set does not load or does not validate."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        """Create the error.

        Args:
            message: Summary line.
            problems: One line per problem, each ``file:line: field: what is wrong; the fix``.

        """
        self.problems = problems or []
        full = message if not self.problems else message + "\n" + "\n".join(self.problems)
        super().__init__(full)


class StoreError(EvalkitError):
    """The result store cannot be opened, migrated or read."""


class WorkerError(EvalkitError):
    """A worker process of a ``workers=N`` run died before sending back all its requests.

    What it sent is stored; the rest is never attempted, and the run stays unfinished until a
    resume (``evalkit run --resume RUN``) calls only those.
    """

    def __init__(self, message: str, run_id: str, missing: int) -> None:
        """Create the error.

        Args:
            message: What happened and how to finish the run.
            run_id: The unfinished run.
            missing: Requests that never came back.

        """
        self.run_id, self.missing = run_id, missing
        super().__init__(message)


@dataclass(frozen=True)
class StoppedRun:
    """A run that Ctrl-C stopped.

    Attributes:
        run_id: The run.
        target: The model or router it runs.
        counts: What happened to its requests (None when the store could not say).
        argument: The target as the command line names it (``sim:m``, ``--router r.yaml``);
            None for a target from a targets file.

    """

    run_id: str
    target: str
    counts: RunCounts | None
    argument: str | None = None


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped ``evalkit run``: replies already received are stored (unless ``forced``).

    A stopped run is unfinished (a compare refuses it) until a resume calls the rest. This is a
    `KeyboardInterrupt`, so code that stops on one still does.

    Attributes:
        finished: The runs that finished before it.
        stopped: The runs it stopped (none when it came before a run was opened).
        not_started: Targets of the command it never started.
        group: True when the runs are shards of a grouped run (the same command continues one).
        forced: A later press (two seconds or more after the first) stopped at once: replies
            not yet stored may be lost.
        known: False when the runs could not be followed (Ctrl-C was not the command's own).

    """

    def __init__(
        self,
        finished: list[RunResult],
        stopped: list[StoppedRun],
        not_started: list[str],
        *,
        group: bool,
        forced: bool,
        known: bool,
    ) -> None:
        """Create the error (see the attributes)."""
        self.finished, self.stopped, self.not_started = finished, stopped, not_started
        self.group, self.forced, self.known = group, forced, known
        super().__init__("; ".join(s.run_id for s in stopped) or "no run had started")


__all__ = [
    "ConfigError",
    "EvalkitError",
    "GoldenSetError",
    "RunInterrupted",
    "StoppedRun",
    "StoreError",
    "WorkerError",
]
