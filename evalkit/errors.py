"""The evalkit exception tree.

Misconfiguration raises one of these at once, with the file, line, bad value and the fix in the
message. Failures *during* a run (a provider timing out, a judge answering nonsense) are never
raised: they become error records stored beside the successes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run: what came back before it is stored.

    The run is unfinished (a compare refuses it) until a resume calls the rest. This is a
    `KeyboardInterrupt`, so code that stops on one still does.

    Attributes:
        runs: The runs left unfinished, with their counts (none when no run had started).
        group: True when they are shards of a grouped run (the same command continues one).

    """

    def __init__(self, runs: list[RunCounts], group: bool) -> None:
        """Create the error.

        Args:
            runs: The runs left unfinished.
            group: Whether they are grouped runs' shards.

        """
        self.runs, self.group = runs, group
        super().__init__("; ".join(r.describe() for r in runs) or "no run had started")


__all__ = [
    "ConfigError",
    "EvalkitError",
    "GoldenSetError",
    "RunInterrupted",
    "StoreError",
    "WorkerError",
]
