"""The async run engine."""

from evalkit.runner._options import (
    GROUP_ENV,
    PINNED,
    RunOptions,
    parse_shard,
    pinned_options,
    resolve_group,
)
from evalkit.runner._run import RunSummary, execute_run, new_run_id

__all__ = [
    "GROUP_ENV",
    "PINNED",
    "RunOptions",
    "RunSummary",
    "execute_run",
    "new_run_id",
    "parse_shard",
    "pinned_options",
    "resolve_group",
]
