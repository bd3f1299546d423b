"""The notebook door: `run` / `compare` and their async twins."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit._async import run_sync
from evalkit.errors import ConfigError
from evalkit.goldensets import GoldenSet, load_goldenset, load_goldensets
from evalkit.routers import RouterSpec, import_litellm, load_router
from evalkit.runner import RunOptions, RunSummary, execute_run, pinned_options
from evalkit.store import Store
from evalkit.targets import TargetSpec, parse_target

if TYPE_CHECKING:
    import pandas as pd

    from evalkit.comparison import Comparison, GateConfig


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
        from evalkit.comparison import slice_summary

        return slice_summary(self.store, self.run_id, by_route=by_route)

    def _repr_html_(self) -> str:
        s = self.summary
        head = (
            f"<p><b>run {s.run_id}</b>: {s.planned} requests, {s.called} called, "
            f"{s.cached} cached, {s.failed} failed, cost {html.escape(s.cost_text)}</p>"
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
    concurrency: int | None = None,
    repeats: int | None = None,
    limit: int | None = None,
    shard: tuple[int, int] | None = None,
    group: str | None = None,
    use_cache: bool | None = None,
    max_retries: int | None = None,
    retry_budget: float | None = None,
    backoff_base_s: float | None = None,
    backoff_max_s: float | None = None,
    batch_size: int | None = None,
    flush_interval_s: float | None = None,
    progress: bool | None = None,
    workers: int | None = None,
) -> RunResult:
    """Run a target over golden sets and store the results.

    Args:
        target: A spec string (``"deepseek:deepseek-chat"``, ``"sim:sim-good"``), a router
            config YAML path, or a built `TargetSpec` / `RouterSpec`.
        goldensets: Set names or folders, or loaded sets; all built-in sets when None (on
            resume: the run's own sets).
        store: A `Store`, a DuckDB path, ``":memory:"`` or a ``ducklake:...`` spec; default
            ``runs/evalkit.duckdb``.
        name: Run name.
        resume: Run to continue; it keeps its stored sets, repeats, limit and shard.
        concurrency: Requests in flight (default 16).
        repeats: Samples per item, K (default 1).
        limit: Only the first N items of each set.
        shard: ``(i, n)``: run shard i of n.
        group: With ``shard``: every shard of this key writes into one run; running a shard
            of the group again resumes it.
        use_cache: Reuse stored responses with the same request hash (default True).
        max_retries: Retries per request (default 4).
        retry_budget: Retries across the run as a fraction of planned calls (default 0.25).
        backoff_base_s: First backoff when the server gives no Retry-After (default 0.5).
        backoff_max_s: Longest single wait, Retry-After included (default 30).
        batch_size: Results per store transaction (default 200).
        flush_interval_s: Longest time results wait in memory (default 1 s).
        progress: Progress output (default: a bar on a terminal, periodic lines otherwise).
        workers: Processes that make the calls (default 1: this one). More spread the SDKs'
            CPU work over several cores; ``concurrency`` and the retry budget are shared between
            them and this process stores every result.

    Returns:
        The finished run.

    Raises:
        WorkerError: A worker process died; the run is unfinished and ``resume`` completes it.
    """
    given: dict[str, Any] = {
        k: v
        for k, v in {
            "concurrency": concurrency, "repeats": repeats, "limit": limit, "shard": shard,
            "group": group,
            "use_cache": use_cache, "max_retries": max_retries, "retry_budget": retry_budget,
            "backoff_base_s": backoff_base_s, "backoff_max_s": backoff_max_s,
            "batch_size": batch_size, "flush_interval_s": flush_interval_s, "progress": progress,
            "workers": workers,
        }.items()
        if v is not None
    }  # fmt: skip
    spec = resolve_target(target)
    db = _open(store)
    if resume is not None and group is not None:
        # a grouped shard resumes by running again; the reference must name the group's run
        _check_group_resume(db, resume, group, spec)
        resume = None
    elif resume is not None:
        # a resumed run keeps what it started with: its sets, repeats, limit and shard
        stored = db.run(resume)
        if stored.config.get("group"):
            raise ConfigError(
                f"run {stored.run_id} is a grouped run: resume a shard of it with --group "
                f"{stored.config['group']['key']!r} --shard i/{stored.config['group']['shards']}"
            )
        given = pinned_options(stored.config, given)
        if goldensets is None:
            goldensets = stored.config.get("sets") or list(stored.goldensets)
    summary = await execute_run(
        spec, _sets(goldensets), db, name=name, options=RunOptions(**given), resume=resume
    )
    return RunResult(summary.run_id, summary, db)


def _check_group_resume(db: Store, resume: str, group: str, spec: TargetSpec | RouterSpec) -> None:
    from evalkit.store import group_run_id

    expected = group_run_id(group, spec.name)
    if db.resolve_run_id(resume) != expected:
        raise ConfigError(
            f"--resume {resume!r} is not run {expected} of group {group!r}; rerun the shard with "
            "the same --group and --shard (no --resume needed)"
        )


def run(
    target: str | Path | TargetSpec | RouterSpec,
    goldensets: Sequence[str | GoldenSet] | str | None = None,
    *,
    store: Store | str | Path | None = None,
    name: str | None = None,
    resume: str | None = None,
    concurrency: int | None = None,
    repeats: int | None = None,
    limit: int | None = None,
    shard: tuple[int, int] | None = None,
    group: str | None = None,
    use_cache: bool | None = None,
    max_retries: int | None = None,
    retry_budget: float | None = None,
    backoff_base_s: float | None = None,
    backoff_max_s: float | None = None,
    batch_size: int | None = None,
    flush_interval_s: float | None = None,
    progress: bool | None = None,
    workers: int | None = None,
) -> RunResult:
    """Synchronous twin of `run_async` (same arguments); works inside Jupyter's running loop."""
    return run_sync(
        lambda: run_async(
            target, goldensets, store=store, name=name, resume=resume, concurrency=concurrency,
            repeats=repeats, limit=limit, shard=shard, group=group, use_cache=use_cache,
            max_retries=max_retries, retry_budget=retry_budget, backoff_base_s=backoff_base_s,
            backoff_max_s=backoff_max_s, batch_size=batch_size, flush_interval_s=flush_interval_s,
            progress=progress, workers=workers,
        )
    )  # fmt: skip


def compare(
    baseline: str,
    candidate: str,
    *,
    store: Store | str | Path | None = None,
    gate: GateConfig | None = None,
    by_route: bool = False,
    allow_incomplete: bool = False,
    alpha: float | None = None,
    margin: float | None = None,
    mode: str | None = None,
    max_drop: float | None = None,
    tasks: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    metrics: dict[str, Sequence[str]] | None = None,
    n_resamples: int | None = None,
    index_margin: float | None = None,
    task_margin: float | None = None,
    weights: dict[str, float] | None = None,
    inconclusive: str | None = None,
    snapshot: int | None = None,
) -> Comparison:
    """Compare two stored runs (ids, prefixes, names or ``latest``) with the regression gate.

    The gate is the project's ``[tool.evalkit.gate]`` (as for the CLI and the pytest plugin)
    with the keyword arguments on top; a full ``gate`` replaces both.

    Args:
        baseline: The run to compare against.
        candidate: The run under test.
        store: Store holding both runs (a path opens read-only).
        gate: A full gate configuration.
        by_route: Also split every slice by the candidate's route.
        allow_incomplete: Compare an unfinished run or runs whose items differ (see
            `compare_runs`).
        alpha: Family-wise error rate across gate slices.
        margin: Practical / non-inferiority margin, as a fraction of the metric's scale.
        mode: ``"regression"`` or ``"non_inferiority"``.
        max_drop: Hard threshold on the observed drop.
        tasks: Gate only these tasks.
        langs: Gate only these prompt languages.
        metrics: Gate metrics per task.
        n_resamples: Bootstrap / permutation resamples.
        index_margin: The overall quality drop the gate must be able to detect (0.05).
        task_margin: The per-task quality drop the gate must be able to detect (0.15).
        weights: Task weights of the overall index (unnamed tasks weigh 1).
        inconclusive: ``"fail"`` or ``"pass"``: the exit code of an INCONCLUSIVE gate.
        snapshot: A DuckLake store (given as a spec) read at this snapshot; the comparison's
            ``snapshot`` names the one read.

    Returns:
        The comparison: ``.verdict`` is PASS, FAIL or INCONCLUSIVE.
    """
    # imported here: running and scoring never pay for pandas and scipy (the run path's start-up)
    from evalkit.comparison import compare_runs, resolve_gate

    config = gate or resolve_gate(
        alpha=alpha, margin=margin, mode=mode, max_drop=max_drop, tasks=tasks, langs=langs,
        metrics=metrics, n_resamples=n_resamples, index_margin=index_margin,
        task_margin=task_margin, weights=weights, inconclusive=inconclusive,
    )  # fmt: skip
    kwargs = {"by_route": by_route, "allow_incomplete": allow_incomplete}
    if isinstance(store, Store):
        if snapshot is not None:
            raise ConfigError(
                "snapshot= opens the store itself: pass the store's path or spec, not a Store"
            )
        return compare_runs(store, baseline, candidate, config, **kwargs)
    with Store(store, read_only=True, snapshot=snapshot) as db:
        return compare_runs(db, baseline, candidate, config, **kwargs)
