"""The offline demo: two simulated candidates, judged, stored and compared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from evalkit._api import RunResult, run
from evalkit.comparison import Comparison, compare_runs, resolve_gate
from evalkit.goldensets import load_goldensets
from evalkit.judges import Panel, PanelConfig, judge_run
from evalkit.measures import measures
from evalkit.sim import DEFAULT_PERSONAS, JudgeRates, Latency, Persona, Simulator
from evalkit.store import Store
from evalkit.targets import TargetModel, parse_target

JUDGES = {"judge-a": 0.05, "judge-b": 0.08, "judge-c": 0.10}


def run_demo(
    store: str | None = None,
    limit: int | None = None,
    echo: Callable[[str], None] = print,
    report: str | None = "runs/demo-report.html",
) -> tuple[RunResult, RunResult, Comparison]:
    """Run the whole pipeline offline and print what it finds.

    Starts the simulator, runs ``sim-good`` (baseline) and ``sim-worse`` (candidate), judges both
    with a simulated three-family panel, prints the headline measures and the comparison.

    Returns:
        Both runs and their comparison (which fails the gate: the candidate is worse on purpose).

    """
    personas = [p.model_copy(update={"latency": Latency(dist="lognormal", median_ms=30)})
                for p in DEFAULT_PERSONAS]  # fmt: skip
    personas += [Persona(name=n, family=f"sim-{n}", judge=JudgeRates(error=e))
                 for n, e in JUDGES.items()]  # fmt: skip
    db = Store(store)
    sets = load_goldensets()  # once: both runs and the simulator see the same items
    # its own process: the simulated servers get the second core instead of sharing this one
    with Simulator(personas, [item for gs in sets for item in gs.items], process=True) as sim:
        echo(f"simulator listening on {sim.url} (OpenAI + Anthropic wire APIs)")
        panel = _panel(sim.url)
        results = []
        for persona, protocol in (("sim-good", "openai"), ("sim-worse", "anthropic")):
            spec = parse_target(f"{persona}=sim:{persona}@{sim.url}")
            if protocol == "anthropic":
                spec = replace(spec, protocol="anthropic", base_url=sim.url)
            echo(f"running {persona} through the {protocol} SDK ...")
            result = run(spec, sets, store=db, name=f"demo-{persona}", limit=limit, concurrency=32)
            s = result.summary
            echo(f"  run {s.run_id}: {s.called} called, {s.cached} cached, {s.failed} failed")
            j = judge_run(db, s.run_id, panel, concurrency=32)
            echo(f"  judged by {len(panel.judges)} simulated judges: {j.calls} calls, "
                 f"{j.cached} cached, {j.ties} ties")  # fmt: skip
            results.append(result)
    base, cand = results
    for result in results:
        name = "baseline sim-good" if result is base else "candidate sim-worse"
        echo(f"\nheadline measures of the {name} ({result.run_id}):")
        echo(measures(db, result.run_id).render("table", brief=True))
    cmp = compare_runs(db, base.run_id, cand.run_id, resolve_gate())
    echo(cmp.render("table"))
    _write_report(cmp, db, report, echo)
    echo(f"store: {db.path}")
    echo(f"try:   evalkit compare {base.run_id} {cand.run_id} --store {db.path} --format md")
    return base, cand, cmp


def _panel(url: str) -> Panel:
    judges = [TargetModel(name=n, provider="sim", model=n, base_url=url, family=f"sim-{n}")
              for n in JUDGES]  # fmt: skip
    return Panel.from_config(PanelConfig(name="demo-sim", judges=judges))


def _write_report(
    cmp: Comparison, db: Store, path: str | None, echo: Callable[[str], None]
) -> None:
    if not path:
        return
    from evalkit.report import write_html

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_html(cmp, target, db)
    echo(f"report: {target} (self-contained HTML, open it offline)")
