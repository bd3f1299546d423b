"""The notebook door: `run` / `compare` and their async twins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from evalkit.compare import Comparison, GateConfig, compare_runs
from evalkit.goldensets import GoldenSet, load_goldenset, load_goldensets
from evalkit.routers import RouterSpec, import_litellm, load_router
from evalkit.runner import RunOptions, RunSummary, pinned_options
from evalkit.runner import run_async as _engine_run
from evalkit.store import Store
from evalkit.targets import TargetSpec, parse_target

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class RunResult:
    """A finished run: its id, what it did, and its scores.

    Attributes:
        run_id: The stored run's id.
        summary: Counts of calls, cache hits, failures, retries and cost.
        store: The store holding the run.
    """

    run_id: str
    summary: RunSummary
    store: Store

    def to_pandas(self) -> pd.DataFrame:
        """One row per (item, repeat, metric)."""
        return self.store.scores_frame(self.run_id)

    def metrics(self, *, by_route: bool = False) -> pd.DataFrame:
        """Per task x language x metric (x route): n, clusters, mean and its 95% interval
        (Wilson for pass/fail, clustered by ``pair_id`` for scores); repeats averaged first."""
        from evalkit.compare import slice_summary

        return slice_summary(self.store, self.run_id, by_route=by_route)

    def _repr_html_(self) -> str:
        s = self.summary
        head = (
            f"<p><b>run {s.run_id}</b>: {s.planned} requests, {s.called} called, "
            f"{s.cached} cached, {s.failed} failed, cost {s.cost:.4f} {s.currency}</p>"
        )
        return head + self.metrics().to_html(index=False, float_format="%.3f", escape=True)


def _sets(goldensets: Sequence[str | GoldenSet] | str | None) -> list[GoldenSet]:
    if goldensets is None:
        return load_goldensets()
    if isinstance(goldensets, (str, GoldenSet)):
        goldensets = [goldensets]
    return [g if isinstance(g, GoldenSet) else load_goldenset(g) for g in goldensets]


def resolve_target(target: str | Path | TargetSpec | RouterSpec) -> TargetSpec | RouterSpec:
    """A spec string, a router YAML path, or an already built target."""
    if isinstance(target, (TargetSpec, RouterSpec)):
        return target
    text = str(target)
    if text.endswith((".yaml", ".yml")) and Path(text).is_file():
        if _is_litellm(Path(text)):
            return RouterSpec.from_config(import_litellm(text))
        return RouterSpec.from_config(load_router(text))
    return parse_target(text)


def _is_litellm(path: Path) -> bool:
    """A LiteLLM proxy config has a top-level ``model_list``; an evalkit router has ``models``."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "model_list" in data


def _open(store: Store | str | Path | None) -> Store:
    return store if isinstance(store, Store) else Store(store)


async def run_async(
    target: str | Path | TargetSpec | RouterSpec,
    goldensets: Sequence[str | GoldenSet] | str | None = None,
    *,
    store: Store | str | Path | None = None,
    name: str | None = None,
    resume: str | None = None,
    **options: Any,
) -> RunResult:
    """Run a target over golden sets and store the results.

    Args:
        target: A spec string (``"deepseek:deepseek-chat"``, ``"sim:sim-good"``), a router
            config YAML path, or a built `TargetSpec` / `RouterSpec`.
        goldensets: Set names or folders, or loaded sets; all built-in sets when None.
        store: A `Store`, a DuckDB path, or ``":memory:"``; default ``runs/evalkit.duckdb``.
        name: Run name.
        resume: Run id to continue.
        **options: `RunOptions` fields (``concurrency``, ``repeats``, ``limit`` ...).

    Returns:
        The finished run.
    """
    spec = resolve_target(target)
    db = _open(store)
    if resume is not None:
        # a resumed run keeps what it started with: its sets, repeats, limit and shard
        stored = db.run(resume)
        options = pinned_options(stored["config"], options)
        if goldensets is None:
            goldensets = stored["config"].get("sets") or list(stored["goldensets"])
    summary = await _engine_run(
        spec, _sets(goldensets), db, name=name, options=RunOptions(**options), resume=resume
    )
    return RunResult(summary.run_id, summary, db)


def run(
    target: str | Path | TargetSpec | RouterSpec,
    goldensets: Sequence[str | GoldenSet] | str | None = None,
    **kwargs: Any,
) -> RunResult:
    """Synchronous twin of `run_async` (same arguments)."""
    return anyio.run(lambda: run_async(target, goldensets, **kwargs))


def compare(
    baseline: str,
    candidate: str,
    *,
    store: Store | str | Path | None = None,
    gate: GateConfig | None = None,
    by_route: bool = False,
    **gate_options: Any,
) -> Comparison:
    """Compare two stored runs (ids, prefixes, names or ``latest``) with the regression gate.

    Args:
        baseline: The run to compare against.
        candidate: The run under test.
        store: Store holding both runs.
        gate: A full gate configuration; or pass its fields as keyword arguments.
        by_route: Also split every slice by the candidate's route.
        **gate_options: `GateConfig` fields (``alpha``, ``margin``, ``mode`` ...).

    Returns:
        The comparison.
    """
    config = gate or GateConfig(**gate_options)
    if isinstance(store, Store):
        return compare_runs(store, baseline, candidate, config, by_route=by_route)
    with Store(store, read_only=True) as db:
        return compare_runs(db, baseline, candidate, config, by_route=by_route)
