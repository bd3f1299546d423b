"""One public function per CLI command; the CLI and the pytest plugin only parse and call these."""

from __future__ import annotations

import os
from collections.abc import Sequence

from evalkit._api import RunResult, run
from evalkit.compare import Comparison, GateConfig, compare_runs
from evalkit.errors import ConfigError
from evalkit.runner import parse_shard
from evalkit.store import Store
from evalkit.targets import TargetSpec, load_targets_file, parse_target


def resolve_targets(targets: Sequence[str], targets_file: str | None) -> list[TargetSpec]:
    """Spec strings plus a targets file, as specs."""
    specs = [parse_target(t) for t in targets]
    if targets_file:
        specs.extend(load_targets_file(targets_file))
    if not specs:
        raise ConfigError(
            "no target given; pass e.g. `sim:sim-good` or --targets-file targets.yaml"
        )
    return specs


def run_targets(
    targets: Sequence[str],
    *,
    targets_file: str | None = None,
    sets: str | None = None,
    store: str | None = None,
    name: str | None = None,
    shard: str | None = None,
    **options: object,
) -> list[RunResult]:
    """Run each target over the sets named in a comma-separated list (all when None)."""
    specs = resolve_targets(targets, targets_file)
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
    baseline: str, candidate: str, *, store: str | None = None, **gate: object
) -> Comparison:
    """Compare two runs with the project's gate settings overridden by ``gate``."""
    return compare_runs(Store(store), baseline, candidate, gate_from_project(**gate))


def sim_url() -> str | None:
    """The running simulator's URL from the environment, if any."""
    return os.environ.get("EVALKIT_SIM_URL")
