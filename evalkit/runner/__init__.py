"""The async run engine."""

from evalkit.runner._options import PINNED, RunOptions, parse_shard, pinned_options
from evalkit.runner._run import RunSummary, new_run_id, run_async

__all__ = [
    "PINNED",
    "RunOptions",
    "RunSummary",
    "new_run_id",
    "parse_shard",
    "pinned_options",
    "run_async",
]
