"""Judging a stored run with a panel: exclusions, cascade, cache, verdicts and combined scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from evalkit._async import run_sync
from evalkit._engine import Engine, Limits, RetryPolicy
from evalkit.errors import ConfigError
from evalkit.goldensets import GoldenItem
from evalkit.judges._panel import Panel, Replies
from evalkit.judges._rubric import Rubric, load_rubric
from evalkit.judges._signals import DETERMINISTIC_METRIC, RuleCall, rule_call
from evalkit.judges._store import (
    VerdictWriter,
    aggregate_run,
    candidate_family,
    target_families,
)
from evalkit.judges._summary import JudgeSummary
from evalkit.store import Store
from evalkit.targets import TargetSpec
from evalkit.tasks import TASKS

if TYPE_CHECKING:
    from evalkit.judges._pairwise import PairwiseResult
    from evalkit.judges._verdict import Verdict


@dataclass(frozen=True)
class _Unit:
    item: GoldenItem
    repeat: int
    reply: str
    family: str
    rubric: Rubric
    judges: tuple[TargetSpec, ...]
    rules: RuleCall


async def judge_run_async(
    store: Store,
    run: str,
    panel: Panel,
    *,
    tasks: list[str] | None = None,
    concurrency: int = 16,
    rubrics_folder: str | None = None,
    max_retries: int = 4,
    replies: Replies | None = None,
) -> JudgeSummary:
    """Judge the replies of ``run`` whose task has a rubric, and store verdicts and scores.

    Judge calls are cached by request hash and resumable like candidate calls: a reply already
    judged under the same rubric is skipped.

    Args:
        store: The store holding the run.
        run: Run id, prefix, name or ``latest``.
        panel: The judge panel.
        tasks: Only these task types (all with a rubric when None).
        concurrency: Judge calls in flight.
        rubrics_folder: Rubric YAML folder (the built-in rubrics when None).
        max_retries: Retries per judge call.
        replies: ``"all"`` or ``"unsure"``: judge only the replies the deterministic tier left
            undecided, for the measures that have one (QA grade, refusal label); the panel's
            ``replies`` setting (default ``"all"``) when None.

    Returns:
        What the judging did, per judge too.
    """
    run_id = store.resolve_run_id(run)
    summary = JudgeSummary(run_id)
    for spec in panel.judges:
        spec.api_key()
    scope = replies or panel.config.replies
    if scope not in ("all", "unsure"):
        raise ConfigError(f"replies must be 'all' or 'unsure', got {scope!r}")
    units = _plan(store, run_id, panel, _Selection(tasks, rubrics_folder, scope), summary)
    writer = VerdictWriter(store, run_id, panel)
    done = writer.stored_verdicts({u.rubric.hash for u in units})
    todo = units
    cache = store.cached_verdicts(_request(j, u).request_hash for u in todo for j in u.judges)
    await preflight(_to_call(units, done, cache))
    limits = Limits.for_targets(concurrency, panel.judges)
    policy = judge_policy(max_retries)
    planned = sum(len(u.judges) for u in todo)
    async with Engine(panel.judges, limits, policy, planned) as engine, writer.flushing():
        ctx = _Ctx(panel, engine, cache, done, writer, summary)
        await engine.map(todo, lambda unit: _judge_unit(ctx, unit), concurrency)
    summary.ties = aggregate_run(store, run_id, panel, units)
    return summary


PREFLIGHT = [{"role": "user", "content": "Reply with the single word OK."}]


def judge_policy(max_retries: int = 4) -> RetryPolicy:
    """Judge calls retry like candidate calls; a judge job may retry each call once on average."""
    return RetryPolicy(max_retries=max_retries, budget_share=1.0)


async def preflight(judges: tuple[TargetSpec, ...]) -> None:
    """One small call per judge before the batch: a missing model, a wrong key or a server that
    is down stops judging at once instead of failing every verdict.

    Raises:
        ConfigError: Naming the judge, its model and endpoint, and what the server said.
    """
    problems: list[str] = []

    policy = RetryPolicy(max_retries=2, budget_share=0.0, min_budget=2, max_s=5.0)

    async def one(judge: TargetSpec) -> None:
        async with Engine([judge], Limits(1), policy, 1) as engine:
            result = await engine.call(judge.name, PREFLIGHT, judge.sampling.seed)
        if result.failure is not None:
            where = judge.base_url or "the provider's default URL"
            problems.append(
                f"judge {judge.name!r} (model {judge.model!r} at {where}): {result.failure}"
            )

    async with anyio.create_task_group() as tg:
        for judge in judges:
            tg.start_soon(one, judge)
    if problems:
        raise ConfigError(
            "judge preflight failed, nothing was judged: "
            + "; ".join(sorted(problems))
            + ". Fix the panel's model names, base URLs or keys"
        )


def _to_call(
    units: list[_Unit], done: Mapping[tuple[str, int, str, str], object], cache: dict[str, str]
) -> tuple[TargetSpec, ...]:
    """The judges this judging will really call (not resumed, not cached), each once."""
    out: dict[str, TargetSpec] = {}
    for u in units:
        for j in u.judges:
            if j.name in out or (u.item.id, u.repeat, u.rubric.measure, j.name) in done:
                continue
            if _request(j, u).request_hash not in cache:
                out[j.name] = j
    return tuple(out.values())


@dataclass(frozen=True)
class _Selection:
    tasks: list[str] | None
    rubrics_folder: str | None
    replies: Replies


def _plan(
    store: Store, run_id: str, panel: Panel, select: _Selection, summary: JudgeSummary
) -> list[_Unit]:
    run_row = store.run(run_id)  # families once per run, not per reply
    families = target_families(run_row.target_kind, run_row.target_name, run_row.target)
    items = {i.id: i for i in store.run_items(run_id)}
    labels = {
        (s.item_id, s.repeat, s.metric): s
        for s in store.stored_labels(run_id, DETERMINISTIC_METRIC.values())
    }
    units = []
    for row in store.responses_frame(run_id).itertuples():
        item = items[row.item_id]
        name = TASKS[item.task].rubric if item.task in TASKS else None
        if name is None or (select.tasks and item.task not in select.tasks):
            continue
        rubric = load_rubric(name, select.rubrics_folder)
        metric = DETERMINISTIC_METRIC.get(rubric.measure, "")
        stored = labels.get((item.id, int(row.repeat), metric))
        rules = rule_call(rubric.measure, item, str(row.text), stored)
        if select.replies == "unsure" and rules.routable and not rules.undecided:
            summary.skipped_decided += 1  # the rules decided: no judge money spent here
            continue
        family = candidate_family(families, row.target_name, row.served_model)
        judges = _eligible(panel, family, summary)
        units.append(_Unit(item, int(row.repeat), str(row.text), family, rubric, judges, rules))
    summary.replies = len(units)
    return units


def _eligible(panel: Panel, family: str, summary: JudgeSummary) -> tuple[TargetSpec, ...]:
    if not panel.config.exclude_same_family:
        return panel.judges
    keep = []
    for judge in panel.judges:
        if judge.family == family:
            summary.excluded[judge.name] = summary.excluded.get(judge.name, 0) + 1
        else:
            keep.append(judge)
    return tuple(keep)


@dataclass
class _Ctx:
    panel: Panel
    engine: Engine
    cache: dict[str, str]
    done: dict[tuple[str, int, str, str], str | float | None]
    writer: VerdictWriter
    summary: JudgeSummary


@dataclass(frozen=True)
class _Request:
    messages: list[dict[str, str]]
    request_hash: str


def _request(judge: TargetSpec, unit: _Unit) -> _Request:
    messages = [{"role": "user", "content": unit.rubric.render(unit.item, response=unit.reply)}]
    return _Request(messages, judge.request_hash(messages, judge.sampling.seed))


async def _judge_unit(ctx: _Ctx, unit: _Unit) -> None:
    ctx.summary.full_panel_calls += len(unit.judges)
    ctx.writer.note_exclusions(unit, ctx.panel, ctx.panel.config.exclude_same_family)
    cascade = ctx.panel.config.cascade
    judges = list(unit.judges)
    first = next((j for j in judges if cascade and j.name == cascade.first), None)
    if cascade and first is not None:
        verdict = await _ask(ctx, first, unit)
        if verdict is not None and _settled(unit, verdict, cascade.unsure_scores):
            return
        # disagreement, an unreadable reply or a failed call: the rest of the panel decides
        judges = [j for j in judges if j is not first]
    async with anyio.create_task_group() as tg:
        for judge in judges:
            tg.start_soon(_ask, ctx, judge, unit)


def _settled(unit: _Unit, verdict: str | float, unsure: list[int]) -> bool:
    """The cheap judge is enough: sure of its score, or agreeing with the deterministic tier's
    lean (its decision, or its guess on a reply it left unsure), or there is no lean."""
    if unit.rubric.kind == "score":
        return int(verdict) not in unsure
    return unit.rules.lean is None or unit.rules.lean == verdict


async def _ask(ctx: _Ctx, judge: TargetSpec, unit: _Unit) -> str | float | None:
    key = (unit.item.id, unit.repeat, unit.rubric.measure, judge.name)
    if key in ctx.done:  # judged before this run was interrupted: resume, don't call
        ctx.summary.resumed += 1
        ctx.summary.judge(judge.name).resumed += 1
        value = ctx.done[key]
        if value is None:  # its reply could not be read then: it still counts against it
            ctx.summary.parse_failures += 1
            ctx.summary.judge(judge.name).parse_failures += 1
        return value
    request = _request(judge, unit)
    cached = ctx.cache.get(request.request_hash)
    if cached is not None:
        ctx.summary.cached += 1
        ctx.summary.judge(judge.name).cached += 1
        verdict = ctx.writer.add(unit, judge, request.request_hash, cached, cached=True)
        return _counted(ctx, judge, verdict)
    result = await ctx.engine.call(judge.name, request.messages, judge.sampling.seed)
    if result.completion is None:
        ctx.summary.errors += 1
        ctx.summary.judge(judge.name).errors += 1
        message = str(result.failure)
        ctx.writer.add_error(unit, judge, request.request_hash, message)
        return None
    ctx.summary.calls += 1
    ctx.summary.judge(judge.name).calls += 1
    c = result.completion
    priced, _ = judge.cost(c.prompt_tokens, c.completion_tokens)
    cost = priced or 0.0  # a judge without a price adds nothing (its currency is not summed)
    ctx.summary.cost += cost
    verdict = ctx.writer.add(
        unit, judge, request.request_hash, c.text, cost=cost, latency_ms=c.latency_ms
    )
    return _counted(ctx, judge, verdict)


def _counted(ctx: _Ctx, judge: TargetSpec, verdict: Verdict | None) -> str | float | None:
    counts = ctx.summary.judge(judge.name)
    if verdict is None:
        ctx.summary.parse_failures += 1
        counts.parse_failures += 1
        return None
    counts.prose += verdict.source != "json"
    return verdict.value


def judge_run(
    store: Store,
    run: str,
    panel: Panel,
    *,
    tasks: list[str] | None = None,
    concurrency: int = 16,
    rubrics_folder: str | None = None,
    max_retries: int = 4,
    replies: Replies | None = None,
) -> JudgeSummary:
    """Synchronous twin of `judge_run_async` (same arguments); works inside Jupyter."""
    return run_sync(
        lambda: judge_run_async(
            store, run, panel, tasks=tasks, concurrency=concurrency,
            rubrics_folder=rubrics_folder, max_retries=max_retries, replies=replies,
        )
    )  # fmt: skip


def pairwise(
    store: Store, baseline: str, candidate: str, panel: Panel, *, concurrency: int = 16
) -> PairwiseResult:
    """Synchronous twin of `pairwise_async`; works inside Jupyter."""
    from evalkit.judges._pairwise import pairwise_async

    return run_sync(
        lambda: pairwise_async(store, baseline, candidate, panel, concurrency=concurrency)
    )
