"""The async run engine."""

from evalkit.runner._options import RunOptions, parse_shard
from evalkit.runner._run import RunSummary, new_run_id, run_async

__all__ = ["RunOptions", "RunSummary", "new_run_id", "parse_shard", "run_async"]
