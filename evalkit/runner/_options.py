"""Run options, grouped in one frozen dataclass."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from evalkit.errors import ConfigError


@dataclass(frozen=True)
class RunOptions:
    """How a run is executed.

    Attributes:
        concurrency: Requests in flight at once for the target.
        repeats: Samples per item (K); repeat k is sent with seed ``seed + k``.
        max_retries: Retries per request after the first attempt.
        retry_budget: Retries allowed across the run, as a fraction of planned calls (at least 10).
        backoff_base_s: First backoff when the server gives no Retry-After.
        backoff_max_s: Longest single wait, Retry-After included.
        use_cache: Reuse any stored response with the same request hash instead of calling.
        batch_size: Results per store transaction.
        flush_interval_s: Longest time results wait in memory before they are stored.
        progress: Show a progress bar (None: only on a terminal).
        limit: Use only the first N items of each set (quick checks).
        shard: ``(i, n)``: run only the items whose stable hash falls in shard i of n (1-based).
        group: With ``shard``: every shard of this group key writes into one run (see
            `evalkit.store.group_run_id`); rerunning a shard of the group resumes it.
        workers: Processes that make the calls (1: this process). With more, the requests are
            split between worker processes that share ``concurrency`` and the retry budget and
            send their results back; this process stays the store's only writer.
    """

    concurrency: int = 16
    repeats: int = 1
    max_retries: int = 4
    retry_budget: float = 0.25
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    use_cache: bool = True
    batch_size: int = 200
    flush_interval_s: float = 1.0
    progress: bool | None = None
    limit: int | None = None
    shard: tuple[int, int] | None = None
    group: str | None = None
    workers: int = 1

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ConfigError(f"concurrency must be >= 1, got {self.concurrency}")
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        if self.repeats < 1:
            raise ConfigError(f"repeats must be >= 1, got {self.repeats}")
        if self.limit is not None and self.limit < 1:
            raise ConfigError(f"limit must be >= 1 item per set, got {self.limit}")
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.shard is not None:
            i, n = self.shard
            if not 1 <= i <= n:
                raise ConfigError(f"shard must be i/n with 1 <= i <= n, got {i}/{n}")
        if self.group is not None and (self.shard is None or not self.group.strip()):
            raise ConfigError(
                f"--group {self.group!r} names the run that shards share: give a non-empty key "
                "and --shard i/N"
            )


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """Parse ``"i/n"``."""
    if not text:
        return None
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError as exc:
        raise ConfigError(f"--shard expects i/n such as 2/4, got {text!r}") from exc
    return i, n


GROUP_ENV = "EVALKIT_RUN_GROUP"


def resolve_group(explicit: str | None, shard: tuple[int, int] | None) -> str | None:
    """A sharded run's group: ``--group``, then ``EVALKIT_RUN_GROUP``, then, in GitHub Actions,
    ``gh-<run id>-<attempt>`` (every job of one workflow run shares it). None without a shard."""
    if explicit:
        return explicit
    if shard is None:
        return None
    if os.environ.get(GROUP_ENV):
        return os.environ[GROUP_ENV]
    run_id = os.environ.get("GITHUB_RUN_ID")
    if os.environ.get("GITHUB_ACTIONS") == "true" and run_id:
        return f"gh-{run_id}-{os.environ.get('GITHUB_RUN_ATTEMPT', '1')}"
    return None


PINNED = ("repeats", "limit", "shard")
"""Options that define what a run is; a resumed run keeps the values it started with."""


def pinned_options(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The options of a resumed run: its stored ``PINNED`` values, with ``given`` on top.

    Args:
        stored: The run's stored configuration (``runs.config_json``).
        given: Options the caller passed explicitly.

    Raises:
        ConfigError: A given option contradicts the stored one.
    """
    out = dict(given)
    for key in PINNED:
        was = stored.get(key)
        was = tuple(was) if isinstance(was, list) else was
        if key in given and given[key] != was:
            raise ConfigError(
                f"--resume keeps the run as it started: it was made with {key}={was!r}, not "
                f"{given[key]!r}; drop the option, or start a new run"
            )
        out[key] = was if key != "repeats" else (was or 1)
    return out
