"""The async run engine."""

from evalkit.runner._options import PINNED, RunOptions, parse_shard, pinned_options
from evalkit.runner._run import RunSummary, execute_run, new_run_id

__all__ = [
    "PINNED",
    "RunOptions",
    "RunSummary",
    "execute_run",
    "new_run_id",
    "parse_shard",
    "pinned_options",
]
