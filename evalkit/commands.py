"""One public function per CLI command; the CLI and the pytest plugin only parse and call these."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evalkit._api import RunResult, resolve_target, run
from evalkit.compare import Comparison, GateConfig, compare_runs
from evalkit.errors import ConfigError
from evalkit.goldensets import load_goldensets
from evalkit.routers import RouteDiff, RouterSpec, route_diff
from evalkit.runner import parse_shard
from evalkit.store import Store
from evalkit.targets import TargetSpec, load_targets_file, parse_target


def resolve_targets(
    targets: Sequence[str], targets_file: str | None, routers: Sequence[str] = ()
) -> list[TargetSpec | RouterSpec]:
    """Spec strings, a targets file and router configs, as targets."""
    specs: list[TargetSpec | RouterSpec] = [parse_target(t) for t in targets]
    if targets_file:
        specs.extend(load_targets_file(targets_file))
    specs.extend(resolve_target(r) for r in routers)
    if not specs:
        raise ConfigError(
            "no target given; pass e.g. `sim:sim-good`, --targets-file targets.yaml "
            "or --router router.yaml"
        )
    return specs


def run_targets(
    targets: Sequence[str],
    *,
    targets_file: str | None = None,
    routers: Sequence[str] = (),
    sets: str | None = None,
    store: str | None = None,
    name: str | None = None,
    shard: str | None = None,
    **options: object,
) -> list[RunResult]:
    """Run each target over the sets named in a comma-separated list (all when None)."""
    specs = resolve_targets(targets, targets_file, routers)
    set_names = [s.strip() for s in sets.split(",")] if sets else None
    db = Store(store)
    results = []
    for spec in specs:
        run_name = name if len(specs) == 1 or name is None else f"{name}:{spec.name}"
        results.append(
            run(spec, set_names, store=db, name=run_name, shard=parse_shard(shard), **options)
        )
    return results


def gate_from_project(**overrides: object) -> GateConfig:
    """``[tool.evalkit.gate]`` from pyproject.toml, with explicit overrides on top."""
    from evalkit._config import project_config

    table = dict(project_config().get("gate", {}))
    table.update({k: v for k, v in overrides.items() if v is not None})
    return GateConfig.from_mapping(table)


def compare_command(
    baseline: str,
    candidate: str,
    *,
    store: str | None = None,
    by_route: bool = False,
    **gate: object,
) -> Comparison:
    """Compare two runs with the project's gate settings overridden by ``gate``."""
    config = gate_from_project(**gate)
    return compare_runs(Store(store), baseline, candidate, config, by_route=by_route)


@dataclass
class RouterComparison:
    """A router cutover check: both runs, the route diff, and the comparison."""

    baseline: RunResult
    candidate: RunResult
    diff: RouteDiff
    comparison: Comparison

    def cost_note(self) -> str:
        """How many calls the compare made and what it cost."""
        from evalkit.compare import route_table

        b, c = self.baseline.summary, self.candidate.summary
        lines = [
            f"route diff: {self.diff.summary()}",
            f"re-called: baseline {b.called} of {b.planned}, candidate {c.called} of {c.planned} "
            f"(reused {b.cached + b.already_done} + {c.cached + c.already_done}); "
            f"compare cost {b.cost + c.cost:.4f} {c.currency}",
        ]
        for label, result in (("baseline", self.baseline), ("candidate", self.candidate)):
            table = route_table(result.store, result.run_id)
            lines.append(f"per route, {label} {result.run_id}:")
            lines.append(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        return "\n".join(lines)


def compare_routers_command(
    baseline_router: str,
    candidate_router: str,
    *,
    sets: str | None = None,
    store: str | None = None,
    repeats: int = 1,
    concurrency: int = 16,
    progress: bool | None = None,
    by_route: bool = False,
    **gate: Any,
) -> RouterComparison:
    """Run two router configs over the sets (reusing every stored response) and compare them."""
    a, b = resolve_target(baseline_router), resolve_target(candidate_router)
    if not isinstance(a, RouterSpec) or not isinstance(b, RouterSpec):
        raise ConfigError("--baseline-router and --candidate-router take router YAML files")
    names = [x.strip() for x in sets.split(",")] if sets else None
    loaded = load_goldensets(names)
    db = Store(store)
    opts = {"repeats": repeats, "concurrency": concurrency, "progress": progress}
    base = run(a, loaded, store=db, name=a.name, **opts)
    cand = run(b, loaded, store=db, name=b.name, **opts)
    config = gate_from_project(**gate)
    cmp = compare_runs(db, base.run_id, cand.run_id, config, by_route=by_route)
    return RouterComparison(base, cand, route_diff(a, b, loaded), cmp)


def judge_command(
    run: str,
    *,
    store: str | None = None,
    panel: str = "default",
    tasks: str | None = None,
    baseline: str | None = None,
    concurrency: int = 16,
) -> str:
    """Judge a run (or a pairwise comparison) and return a printable summary."""
    import anyio

    from evalkit.judges import agreement, judge_run, load_panel, pairwise_async

    db = Store(store)
    p = load_panel(panel)
    if baseline:
        result = anyio.run(lambda: pairwise_async(db, baseline, run, p, concurrency=concurrency))
        return result.summary().to_string(index=False, float_format=lambda v: f"{v:.3f}")
    names = [t.strip() for t in tasks.split(",")] if tasks else None
    s = judge_run(db, run, p, tasks=names, concurrency=concurrency)
    lines = [
        f"judged {s.replies} replies of {s.run_id} with panel {p.config.name}: {s.calls} calls, "
        f"{s.cached} cached, {s.resumed} resumed, {s.parse_failures} unparseable, "
        f"{s.errors} failed, {s.ties} ties, cost {s.cost:.4f}",
    ]
    if s.excluded:
        lines.append(
            "excluded (same family as the candidate): "
            + ", ".join(f"{k} x{v}" for k, v in sorted(s.excluded.items()))
        )
    if p.config.cascade:
        lines.append(
            f"cascade saved {s.saved_calls} of {s.full_panel_calls} calls "
            f"(about {s.saved_cost:.4f} at this judging's mean cost per call)"
        )
    lines.append(agreement(db, run).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return "\n".join(lines)


def sim_url() -> str | None:
    """The running simulator's URL from the environment, if any."""
    return os.environ.get("EVALKIT_SIM_URL")
