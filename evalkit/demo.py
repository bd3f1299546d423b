"""The offline demo: two simulated candidates through the built-in sets, stored and compared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from evalkit._api import RunResult, run
from evalkit.compare import Comparison, compare_runs
from evalkit.sim import DEFAULT_PERSONAS, Latency, Simulator
from evalkit.store import Store
from evalkit.targets import TargetSpec, parse_target


def run_demo(
    store: str | None = None, limit: int | None = None, echo: Callable[[str], None] = print
) -> tuple[RunResult, RunResult, Comparison]:
    """Start the simulator, run ``sim-good`` (baseline) and ``sim-worse`` (candidate), compare.

    Returns:
        Both runs and their comparison (which fails the gate: the candidate is worse on purpose).

    """
    from evalkit.commands import gate_from_project

    personas = [
        p.model_copy(update={"latency": Latency(dist="lognormal", median_ms=30)})
        for p in DEFAULT_PERSONAS
    ]
    db = Store(store)
    with Simulator(personas) as sim:
        echo(f"simulator listening on {sim.url} (OpenAI + Anthropic wire APIs)")
        results = []
        for persona, protocol in (("sim-good", "openai"), ("sim-worse", "anthropic")):
            spec = parse_target(f"{persona}=sim:{persona}@{sim.url}")
            if protocol == "anthropic":
                spec = _as_anthropic(spec, sim.url)
            echo(f"running {persona} through the {protocol} SDK ...")
            result = run(spec, None, store=db, name=f"demo-{persona}", limit=limit, concurrency=32)
            s = result.summary
            echo(f"  run {s.run_id}: {s.called} called, {s.cached} cached, {s.failed} failed")
            results.append(result)
    base, cand = results
    cmp = compare_runs(db, base.run_id, cand.run_id, gate_from_project())
    echo(cmp.render("table"))
    echo(f"store: {db.path}")
    echo(f"try:   evalkit compare {base.run_id} {cand.run_id} --store {db.path} --format md")
    return base, cand, cmp


def _as_anthropic(spec: TargetSpec, url: str) -> TargetSpec:
    return replace(spec, protocol="anthropic", base_url=url)
