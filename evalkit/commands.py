"""One public function per CLI command; the CLI and the pytest plugin only parse and call these."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from evalkit.errors import ConfigError, RunInterrupted, StoppedRun
from evalkit.store import RunCounts, Store

if TYPE_CHECKING:
    # Each command imports what it runs: `evalkit compare` never loads the runner, the
    # scorers or the golden-set loader, which cost about 0.4 s of its start-up.
    from evalkit._api import RunResult
    from evalkit.comparison import Comparison, RouteReport
    from evalkit.judges import JudgeSummary, Replies
    from evalkit.routers import RouteDiff, RouterSpec
    from evalkit.runner import RunSummary
    from evalkit.runner._interrupt import CtrlC
    from evalkit.targets import TargetSpec


def resolve_targets(
    targets: Sequence[str], targets_file: str | None, routers: Sequence[str] = ()
) -> list[TargetSpec | RouterSpec]:
    """Spec strings, a targets file and router configs, as targets."""
    from evalkit._api import resolve_target
    from evalkit.targets import load_targets_file, parse_target

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
    group: str | None = None,
    resume: str | None = None,
    **options: Any,
) -> list[RunResult]:
    """Run each target over the sets named in a comma-separated list (all when None).

    Options left as None are not passed on, so a resumed run keeps its stored values.
    """
    from evalkit._api import run
    from evalkit.runner import parse_shard, resolve_group
    from evalkit.runner._interrupt import RunStopped, ctrl_c_for_runs

    specs = resolve_targets(targets, targets_file, routers)
    from_file = len(specs) - len(targets) - len(routers)
    labels = [*targets, *[None] * from_file, *(f"--router {r}" for r in routers)]
    if resume and len(specs) > 1:
        raise ConfigError("--resume continues one run: give the one target it was made with")
    set_names = [s.strip() for s in sets.split(",")] if sets else None
    given: dict[str, Any] = {k: v for k, v in options.items() if v is not None}
    if shard:
        given["shard"] = parse_shard(shard)
    given["group"] = resolve_group(group, given.get("shard"))
    db = Store(store)
    results: list[RunResult] = []
    with ctrl_c_for_runs() as ctrl_c:
        try:
            for spec in specs:
                run_name = name if len(specs) == 1 or name is None else f"{name}:{spec.name}"
                results.append(
                    run(spec, set_names, store=db, name=run_name, resume=resume, **given)
                )
        except (KeyboardInterrupt, RunStopped):
            stopped = _interrupted(db, ctrl_c, results, specs, given["group"], labels)
            raise stopped from None
        except Exception:
            if ctrl_c is None or not ctrl_c.forced:
                raise
            # a forced stop inside a DuckDB statement arrives as "Query interrupted"
            stopped = _interrupted(db, ctrl_c, results, specs, given["group"], labels)
            raise stopped from None
    return results


def _interrupted(
    db: Store,
    ctrl_c: CtrlC | None,
    results: list[RunResult],
    specs: Sequence[TargetSpec | RouterSpec],
    group: str | None,
    labels: list[str | None],
) -> RunInterrupted:
    """What Ctrl-C left: the runs that finished, the one it stopped, the targets not started.

    ``labels`` has each target as the command line names it (None: from the targets file).
    """
    finished = {r.run_id for r in results}
    stopped = []
    for run_id in ctrl_c.runs if ctrl_c is not None else []:
        if run_id in finished:
            continue
        try:
            counts: RunCounts | None = db.counts(run_id)
        except Exception:  # a write cut short by a forced stop can leave the connection unusable
            counts = None
        current = len(results)
        stopped.append(StoppedRun(run_id, specs[current].name, counts, labels[current]))
    return RunInterrupted(
        finished=results,
        stopped=stopped,
        not_started=[s.name for s in specs[len(results) + bool(stopped) :]],
        group=group is not None,
        forced=ctrl_c is not None and ctrl_c.forced,
        known=ctrl_c is not None,
    )


def compare_command(
    baseline: str,
    candidate: str,
    *,
    store: str | None = None,
    by_route: bool = False,
    allow_incomplete: bool = False,
    snapshot: int | None = None,
    **gate: object,
) -> Comparison:
    """Compare two runs with the project's gate settings overridden by ``gate``.

    Read-only; a DuckLake store at ``snapshot``, else at its newest.
    """
    from evalkit.comparison import compare_runs, resolve_gate

    config = resolve_gate(**gate)
    with Store(store, read_only=True, snapshot=snapshot) as db:
        return compare_runs(
            db, baseline, candidate, config, by_route=by_route, allow_incomplete=allow_incomplete
        )


def compare_report(
    baseline: str,
    candidate: str,
    fmt: str,
    *,
    store: str | None = None,
    by_route: bool = False,
    allow_incomplete: bool = False,
    snapshot: int | None = None,
    **gate: object,
) -> tuple[Comparison, str]:
    """Compare two runs and render the report in ``fmt`` from the same read-only store.

    A DuckLake store is read at ``snapshot``, else at its newest, which the report names.
    """
    from evalkit.comparison import compare_runs, resolve_gate

    config = resolve_gate(**gate)
    with Store(store, read_only=True, snapshot=snapshot) as db:
        cmp = compare_runs(
            db, baseline, candidate, config, by_route=by_route, allow_incomplete=allow_incomplete
        )
        return cmp, render_report(cmp, fmt, db)


def render_report(
    cmp: Comparison, fmt: str, store: Store, routes: RouteReport | None = None
) -> str:
    """``table``, ``md``, ``json`` or a self-contained ``html`` page (with run details).

    When either run went through a router, every format carries the per-route deltas
    (``routes``, or those read from the store).
    """
    from evalkit.comparison import route_report
    from evalkit.comparison._render import render

    routes = routes or route_report(store, cmp)
    if fmt != "html":
        return render(cmp, fmt, routes)
    from evalkit.report import render_html

    return render_html(cmp, store, routes=routes)


@dataclass
class RouterComparison:
    """A router cutover check: both runs, the route diff, and the comparison."""

    baseline: RunResult
    candidate: RunResult
    diff: RouteDiff
    comparison: Comparison
    note: str = ""
    routes: RouteReport | None = None
    """The route diff, calls and per-route deltas every report format shows."""

    def build_route_report(self) -> RouteReport:
        """The route diff, the calls made and reused, and the per-route tables and deltas."""
        from evalkit.comparison import RouteMove, RouteReport, route_deltas, route_report

        b, c = self.baseline.summary, self.candidate.summary
        cmp, store = self.comparison, self.baseline.store
        stored = route_report(store, cmp) or RouteReport(
            route_deltas(store, cmp.baseline, cmp.candidate, cmp.gate)
        )
        moves = sorted(self.diff.moves().items(), key=lambda kv: (-kv[1], kv[0]))
        return dataclasses.replace(
            stored,  # two router runs are always routed
            items=len(self.diff.changes),
            changed=len(self.diff.changed),
            moves=tuple(RouteMove(src, dst, n) for (src, dst), n in moves),
            recalled={"baseline": b.called, "candidate": c.called},
            planned={"baseline": b.planned, "candidate": c.planned},
            reused={"baseline": b.cached + b.already_done, "candidate": c.cached + c.already_done},
            compare_cost=_compare_cost(b, c),
        )

    def cost_note(self) -> str:
        """How many calls the compare made and what it cost."""
        b, c = self.baseline.summary, self.candidate.summary
        return "\n".join([
            f"route diff: {self.diff.summary()}",
            f"re-called: baseline {b.called} of {b.planned}, candidate {c.called} of {c.planned} "
            f"(reused {b.cached + b.already_done} + {c.cached + c.already_done}); "
            f"compare cost {_compare_cost(b, c)}",
        ])  # fmt: skip


def _compare_cost(b: RunSummary, c: RunSummary) -> str:
    """Both runs' calls, per currency (never summed across currencies), naming unpriced models."""
    from evalkit.targets import format_costs

    costs = dict(b.costs)
    for currency, total in c.costs.items():
        costs[currency] = costs.get(currency, 0.0) + total
    return format_costs(costs, b.unpriced | c.unpriced)


def compare_routers_command(
    baseline_router: str,
    candidate_router: str,
    *,
    sets: str | None = None,
    store: str | None = None,
    repeats: int = 1,
    limit: int | None = None,
    concurrency: int = 16,
    progress: bool | None = None,
    by_route: bool = False,
    fmt: str = "table",
    **gate: Any,
) -> tuple[RouterComparison, str]:
    """Run two router configs over the sets (reusing stored responses) and compare them.

    The report in ``fmt`` is rendered from the same store connection as the runs.
    """
    from evalkit._api import resolve_target, run
    from evalkit.comparison import compare_runs, resolve_gate
    from evalkit.goldensets import load_goldensets
    from evalkit.routers import RouterSpec, route_diff

    a, b = resolve_target(baseline_router), resolve_target(candidate_router)
    if not isinstance(a, RouterSpec) or not isinstance(b, RouterSpec):
        raise ConfigError("--baseline-router and --candidate-router take router YAML files")
    names = [x.strip() for x in sets.split(",")] if sets else None
    loaded = load_goldensets(names)
    config = resolve_gate(**gate)  # a bad gate setting fails before any call is made
    with Store(store) as db:
        base = run(a, loaded, store=db, name=a.name, repeats=repeats, limit=limit,
                   concurrency=concurrency, progress=progress)  # fmt: skip
        cand = run(b, loaded, store=db, name=b.name, repeats=repeats, limit=limit,
                   concurrency=concurrency, progress=progress)  # fmt: skip
        cmp = compare_runs(db, base.run_id, cand.run_id, config, by_route=by_route)
        routed = RouterComparison(base, cand, route_diff(a, b, loaded), cmp)
        routed.note = routed.cost_note()
        # every format carries the route diff and the per-route deltas
        routed.routes = routed.build_route_report()
        return routed, render_report(cmp, fmt, db, routed.routes)


@dataclass(frozen=True)
class JudgeOutcome:
    """A printable summary of a judging and its error rate."""

    text: str
    calls: int
    errors: int

    @property
    def error_rate(self) -> float:
        """Failed judge calls over attempted ones."""
        return self.errors / self.calls if self.calls else 0.0


def judge_command(
    run: str,
    *,
    store: str | None = None,
    panel: str = "default",
    tasks: str | None = None,
    baseline: str | None = None,
    concurrency: int = 16,
    replies: str | None = None,
) -> JudgeOutcome:
    """Judge a run (or a pairwise comparison); a printable summary with the error rate.

    ``replies`` (``all`` or ``unsure``) chooses the replies judged; the panel's setting when
    None.
    """
    from evalkit.judges import agreement, judge_run, load_panel, pairwise
    from evalkit.measures import decisions

    db = Store(store)
    p = load_panel(panel)
    if baseline:
        result = pairwise(db, baseline, run, p, concurrency=concurrency)
        table = result.summary().to_string(index=False, float_format=lambda v: f"{v:.3f}")
        head = f"pairwise: {result.calls} judge calls, {result.errors} failed"
        return JudgeOutcome(f"{head}\n{table}", result.calls, result.errors)
    names = [t.strip() for t in tasks.split(",")] if tasks else None
    scope = cast("Replies", replies or p.config.replies)  # judge_run refuses anything else
    s = judge_run(db, run, p, tasks=names, concurrency=concurrency, replies=scope)
    attempted = s.calls + s.errors
    rate = s.errors / attempted if attempted else 0.0
    lines = [
        f"judged {s.replies} replies of {s.run_id} with panel {p.config.name}: {s.calls} calls, "
        f"{s.cached} cached, {s.resumed} resumed, {s.parse_failures} unparseable, "
        f"{s.errors} failed ({rate:.1%} of calls), {s.ties} ties, cost {s.cost:.4f}",
    ]
    if scope == "unsure":
        lines.append(
            f"--replies unsure: {s.skipped_decided} replies the rules decided were not sent to "
            "judges"
        )
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
    lines.extend(_judge_lines(s))
    fmt = {"float_format": lambda v: f"{v:.3f}", "index": False}
    shares = decisions(db, run)
    if not shares.empty:
        lines.append("who decided (share of replies; rules, cheap judge alone, panel, nobody):")
        lines.append(shares.to_string(**fmt))
    lines.append(agreement(db, run).to_string(**fmt))
    return JudgeOutcome("\n".join(lines), attempted, s.errors)


def _judge_lines(s: JudgeSummary) -> list[str]:
    """Each judge's replies read, parse-failure rate and errors, then the warnings they call for."""
    lines = [
        f"judge {name}: {c.read} read, {c.parse_failures} unparseable "
        f"({c.parse_failure_rate:.1%}), {c.prose} from prose or broken JSON, {c.errors} failed"
        for name, c in sorted(s.judges.items())
    ]
    return lines + [f"warning: {w}" for w in s.warnings()]
