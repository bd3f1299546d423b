"""The async run engine: plan, reuse, call with limits, retries and fallbacks, score, store."""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import anyio

import evalkit
from evalkit._engine import Engine, Limits, Outcome, RetryPolicy
from evalkit._git import git_branch, git_sha
from evalkit.errors import ConfigError, WorkerError
from evalkit.goldensets import GoldenItem, GoldenSet
from evalkit.routers import RouterSpec
from evalkit.runner._interrupt import RunStopped, first_ctrl_c_cancels, opened
from evalkit.runner._options import RunOptions
from evalkit.runner._progress import Progress
from evalkit.runner._units import Target, Unit, plan_units, select_items
from evalkit.runner._workers import Workers, jobs, started_workers, worker_count
from evalkit.runner._writer import Writer
from evalkit.store import (
    Reuse,
    RunRecord,
    RunStatus,
    ScoreRow,
    Store,
    finish_shard,
    group_run_id,
    restart_shard,
    shard_row,
    start_shard,
    utcnow,
)
from evalkit.targets import TargetSpec, format_costs


@dataclass
class RunSummary:
    """Counts of what one run did."""

    run_id: str
    planned: int = 0
    already_done: int = 0
    cached: int = 0
    called: int = 0
    failed: int = 0
    retries: int = 0
    fallbacks: int = 0
    costs: dict[str, float] = field(default_factory=dict)
    unpriced: set[str] = field(default_factory=set)
    elapsed_s: float = 0.0
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    def add_cost(self, model: str, cost: float | None, currency: str | None) -> None:
        """Add one call's cost under its currency (never summed across currencies)."""
        if cost is None or currency is None:
            self.unpriced.add(model)
        else:
            self.costs[currency] = self.costs.get(currency, 0.0) + cost

    @property
    def cost_text(self) -> str:
        """What the calls cost: per currency, and the models without a price."""
        return format_costs(self.costs, self.unpriced)


def new_run_id() -> str:
    """A sortable, unique run id: ``YYYYMMDD-HHMMSS-xxxxxx``."""
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


async def execute_run(
    target: Target,
    sets: Sequence[GoldenSet],
    store: Store,
    *,
    name: str | None = None,
    options: RunOptions | None = None,
    resume: str | None = None,
) -> RunSummary:
    """Run a model or router target over ``sets`` and store everything; resumable, cache-aware.

    Args:
        target: A model endpoint (`TargetSpec`) or a router (`RouterSpec`).
        sets: Golden sets to run.
        store: Where responses, errors and scores go.
        name: A human name for the run (``evalkit runs`` shows it; compare accepts it).
        options: Execution options.
        resume: A run id to continue: finished items are not called again.

    Returns:
        What the run did.
    """
    options = options or RunOptions()
    _check_keys(target)  # a missing key is misconfiguration: fail before anything is stored
    # workers start first: their start-up (imports, mostly the SDK's) overlaps the planning
    with anyio.CancelScope() as scope, first_ctrl_c_cancels(scope) as ctrl_c:
        async with started_workers(options.workers, _protocols(target)) as workers:
            summary = await _execute(target, sets, store, name, options, resume, workers)
    if scope.cancelled_caught or (ctrl_c is not None and ctrl_c.presses):
        raise RunStopped  # Ctrl-C (the CLI's): what came back is stored, the run is unfinished
    return summary


async def _execute(
    target: Target,
    sets: Sequence[GoldenSet],
    store: Store,
    name: str | None,
    options: RunOptions,
    resume: str | None,
    workers: Workers | None,
) -> RunSummary:
    if options.group is not None:
        run_id, sets = _open_group_shard(store, target, sets, name, options)
    else:
        sets = select_items(sets, options.limit, options.shard)
        run_id = _open_run(store, target, sets, name, options, resume)
    opened(run_id)
    units = plan_units(target, sets, options.repeats)
    summary = RunSummary(run_id, planned=len(units))
    done = store.done_keys(run_id)
    todo = [u for u in units if (u.item.id, u.repeat) not in done]
    summary.already_done = len(units) - len(todo)
    writer = Writer(store, run_id, options, _score_rows)
    if options.use_cache and todo and store.has_replies():
        # a store with no replies (a fresh one) has nothing to reuse: the scorers' signatures,
        # and so their imports, wait until the first requests are out (`_warm_scoring`)
        todo = _reuse_cached(store, todo, writer, summary)
    started = anyio.current_time()
    with Progress(len(units), summary.already_done + summary.cached, options.progress) as bar:
        await _call_all(target, todo, options, writer, summary, bar, workers)
    writer.flush()
    summary.elapsed_s = anyio.current_time() - started
    status = RunStatus.FINISHED if summary.failed == 0 else RunStatus.FINISHED_WITH_ERRORS
    if options.group is not None and options.shard is not None:
        finish_shard(store, run_id, options.shard[0], status)
    else:
        store.finish_run(run_id, status)
    return summary


def _protocols(target: Target) -> list[str]:
    specs = target.specs.values() if isinstance(target, RouterSpec) else [target]
    return sorted({spec.protocol for spec in specs})


def _check_keys(target: Target) -> None:
    if isinstance(target, RouterSpec):
        target.api_keys()
    else:
        target.api_key()


def _open_run(
    store: Store,
    target: Target,
    sets: Sequence[GoldenSet],
    name: str | None,
    options: RunOptions,
    resume: str | None,
) -> str:
    if resume is not None:
        run_id = store.resolve_run_id(resume)
        _check_resumable(store, run_id, target, sets)
        return run_id
    run_id = new_run_id()
    store.create_run(_record(run_id, target, sets, name, options))
    store.add_items(run_id, sets)
    return run_id


def _record(
    run_id: str,
    target: Target,
    sets: Sequence[GoldenSet],
    name: str | None,
    options: RunOptions,
    group: dict[str, object] | None = None,
) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        name=name or target.name,  # never unnamed: `evalkit runs` and compare show it
        target_name=target.name,
        target_kind="router" if isinstance(target, RouterSpec) else "model",
        target_json=json.dumps(target.public_config(), ensure_ascii=False),
        goldensets_json=json.dumps(
            {gs.name: {"version": gs.version, "hash": gs.set_hash, "n": len(gs)} for gs in sets}
        ),
        config_json=json.dumps(
            {
                "repeats": options.repeats,
                "limit": options.limit,
                "shard": None if group else options.shard,
                "sets": [set_ref(gs) for gs in sets],
                **({"group": group} if group else {}),
            }
        ),
        evalkit_version=evalkit.__version__,
        git_sha=git_sha(),
        git_branch=git_branch(),
        repeats=options.repeats,
        status=RunStatus.RUNNING.value,
        n_items=sum(len(gs) for gs in sets),
        created_at=utcnow(),
    )


def _open_group_shard(
    store: Store, target: Target, sets: Sequence[GoldenSet], name: str | None, options: RunOptions
) -> tuple[str, list[GoldenSet]]:
    """The grouped run's id and this shard's sets; creates the run and shard, or resumes it.

    The run's row describes the whole run (every shard's items), as an unsharded run would, so
    a grouped run compares like any other once all its shards have finished.
    """
    assert options.group is not None and options.shard is not None  # RunOptions checks
    whole = select_items(sets, options.limit, None)
    mine = select_items(sets, options.limit, options.shard)
    run_id = group_run_id(options.group, target.name)
    index, count = options.shard
    group = {"key": options.group, "shards": count}
    record = _record(run_id, target, whole, name, options, group)
    if _existing(store, run_id) is not None:
        _check_group(store, record, target, mine)
    if shard_row(store, run_id, index) is None:
        start_shard(store, record, options.shard, mine)
    else:
        restart_shard(store, run_id, index)
    return run_id, mine


def _existing(store: Store, run_id: str) -> str | None:
    row = store.con.execute("SELECT run_id FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return None if row is None else str(row[0])


def _check_group(
    store: Store, record: RunRecord, target: Target, mine: Sequence[GoldenSet]
) -> None:
    """A shard joins a grouped run only if it is the same run: target, sets, repeats, limit, N."""
    row = store.run(record.run_id)
    ours = json.loads(record.config_json)
    key = ours["group"]["key"]
    checks = [
        ("target", row.target_name, record.target_name),
        ("golden sets", row.goldensets, json.loads(record.goldensets_json)),
        ("repeats", row.config.get("repeats"), ours["repeats"]),
        ("limit", row.config.get("limit"), ours["limit"]),
        ("shard count", (row.config.get("group") or {}).get("shards"), ours["group"]["shards"]),
    ]
    for what, was, now in checks:
        if was != now:
            raise ConfigError(
                f"run group {key!r} (run {record.run_id}) was started with {what} {was!r}, not "
                f"{now!r}; every shard of a group must run the same thing: use a new --group key"
            )
    stored = store.item_hashes(record.run_id)
    changed = [
        item.id
        for gs in mine
        for item in gs.items
        if item.id in stored and stored[item.id] != item.content_hash
    ]
    if changed:
        raise ConfigError(
            f"cannot resume run {record.run_id}: {len(changed)} item(s) changed since it "
            f"started (e.g. {changed[:3]}); use a new --group key"
        )


def set_ref(gs: GoldenSet) -> str:
    """How to load ``gs`` again on resume: its built-in name, or its folder."""
    from evalkit.goldensets import builtin_root

    return gs.name if gs.root.resolve().parent == builtin_root().resolve() else str(gs.root)


def _check_resumable(store: Store, run_id: str, target: Target, sets: Sequence[GoldenSet]) -> None:
    row = store.run(run_id)
    stored_sets = set(row.goldensets)
    if {gs.name for gs in sets} != stored_sets:
        raise ConfigError(
            f"cannot resume run {run_id} with sets {sorted(gs.name for gs in sets)}: it was "
            f"started with {sorted(stored_sets)}; drop --sets to resume it as it started"
        )
    stored = store.item_hashes(run_id)
    changed = [
        item.id
        for gs in sets
        for item in gs.items
        if item.id in stored and stored[item.id] != item.content_hash
    ]
    if changed:
        raise ConfigError(
            f"cannot resume run {run_id}: {len(changed)} item(s) changed since it started "
            f"(e.g. {changed[:3]}); start a new run instead"
        )
    if row.target_name != target.name:
        raise ConfigError(f"cannot resume run {run_id} with a different target ({target.name})")
    planned = {item.id for gs in sets for item in gs.items}
    if planned != stored.keys():
        added, gone = len(planned - stored.keys()), len(stored.keys() - planned)
        raise ConfigError(
            f"cannot resume run {run_id}: its sets changed since it started ({added} item(s) "
            f"added, {gone} removed); start a new run instead"
        )


def _reuse_cached(
    store: Store, todo: list[Unit], writer: Writer, summary: RunSummary
) -> list[Unit]:
    """Store every reply the store already has for a planned request, and return the rest.

    The copy (replies, and the scores each reply's own run gave this item's content under a
    metric's current signature) happens inside DuckDB in one transaction; only what copying
    cannot give is scored here: a metric whose definition changed, an item whose reference
    changed under the same prompt, a metric that does not apply (it scores nothing again).
    """
    from evalkit.store import copy_cached

    planned = [_reuse(u) for u in todo]
    copied = copy_cached(
        store, writer.run_id, planned, _signatures(todo) if writer.scorer else None
    )
    rest = [u for u in todo if (u.item.id, u.repeat) not in copied]
    for unit in todo:
        got = copied.get((unit.item.id, unit.repeat))
        if got is not None:
            writer.add_scores(unit, got.text, got.metrics)
    summary.cached += len(copied)
    writer.flush()
    return rest


def _reuse(unit: Unit) -> Reuse:

    price = unit.spec.price
    return Reuse(
        item_id=unit.item.id,
        repeat=unit.repeat,
        request_hash=unit.request_hash,
        target_name=unit.spec.name,
        route=unit.route,
        route_reason=unit.route_reason,
        content_hash=unit.item.content_hash,
        task=unit.item.task,
        price_in=price.input if price else None,
        price_out=price.output if price else None,
        currency=price.currency if price else None,
    )


def _score_rows(
    run_id: str, item: GoldenItem, repeat: int, text: str, done: Collection[str] = (), /
) -> list[ScoreRow]:
    """`evalkit.scoring.score_rows`, imported on first use: a run imports the scorers (about
    0.1 s) while its first requests are in flight (`_warm_scoring`), not before sending them."""
    from evalkit.scoring import score_rows

    return score_rows(run_id, item, repeat, text, done)


WARM_AFTER_S = 0.02
"""When the scorers are imported after the first requests went out: long enough for the first
round of sends, well inside one round trip of any real model."""


async def _warm_scoring() -> None:
    await anyio.sleep(WARM_AFTER_S)
    import evalkit.scoring  # noqa: F401


def _signatures(todo: list[Unit]) -> dict[str, dict[str, str]]:
    """The current signature of every default metric of the tasks in ``todo``."""
    from evalkit.scoring import default_plan

    plan = default_plan()
    return {
        task: {m.name: m.signature() for m in plan.get(task, ())}
        for task in {u.item.task for u in todo}
    }


def _rpm(target: Target) -> dict[str, int]:
    """Requests per minute of each router model that sets one."""
    if not isinstance(target, RouterSpec):
        return {}
    return {k: m.rpm for k, m in target.config.models.items() if m.rpm}


def retry_policy(options: RunOptions) -> RetryPolicy:
    """The run's retry policy from its options."""
    return RetryPolicy(
        max_retries=options.max_retries,
        budget_share=options.retry_budget,
        base_s=options.backoff_base_s,
        max_s=options.backoff_max_s,
    )


async def _call_all(
    target: Target,
    todo: list[Unit],
    options: RunOptions,
    writer: Writer,
    summary: RunSummary,
    bar: Progress,
    workers: Workers | None,
) -> None:
    specs = list({spec.name: spec for unit in todo for spec in unit.chain}.values())
    rpm = _rpm(target)
    own_limits = [s.concurrency for s in specs if s.concurrency]
    n = 0 if workers is None else len(workers.processes)
    n = worker_count(n, todo, options.concurrency, [*own_limits, *rpm.values()]) if todo else 0
    if workers is not None:
        workers.keep(n if n > 1 else 0)  # stop the idle ones now: their CPU is the run's
    if not todo:
        return
    if n > 1:
        assert workers is not None
        await _call_in_workers(todo, specs, rpm, options, workers, writer, summary, bar)
        return
    limits = Limits.for_targets(options.concurrency, specs, rpm)
    async with Engine(specs, limits, retry_policy(options), len(todo)) as engine, writer.flushing():

        async def handle(unit: Unit) -> None:
            await _one(engine, unit, writer, summary)
            bar.advance(summary.cost_text, summary.failed)

        async with anyio.create_task_group() as tg:
            tg.start_soon(_warm_scoring)
            await engine.map(todo, handle, options.concurrency)


async def _call_in_workers(
    todo: list[Unit],
    specs: list[TargetSpec],
    rpm: dict[str, int],
    options: RunOptions,
    workers: Workers,
    writer: Writer,
    summary: RunSummary,
    bar: Progress,
) -> None:
    """Call from worker processes; store and count here, exactly as `_one` does in-process."""

    def receive(unit: Unit, outcome: Outcome) -> None:
        record(unit, outcome, writer, summary)
        bar.advance(summary.cost_text, summary.failed)

    n = len(workers.processes)
    shares = jobs(todo, n, specs, rpm, options.concurrency, retry_policy(options))
    async with writer.flushing():
        lost = await workers.call(todo, shares, receive)
    if lost is not None:
        run_id = writer.run_id
        raise WorkerError(
            f"run {run_id}: {lost.missing} of {lost.planned} requests never came back from its "
            f"worker processes ({'; '.join(lost.deaths) or 'no reason given'}); what came back "
            f"is stored, the rest is never attempted and the run is unfinished: "
            f"`evalkit run --resume {run_id}` calls only those",
            run_id,
            lost.missing,
        )


async def _one(engine: Engine, unit: Unit, writer: Writer, summary: RunSummary) -> None:
    """Try the routed model, then each fallback; record a response or one error."""
    names = tuple(spec.name for spec in unit.chain)
    record(unit, await engine.call_chain(names, unit.messages, unit.seed), writer, summary)


def record(unit: Unit, outcome: Outcome, writer: Writer, summary: RunSummary) -> None:
    """Store how ``unit`` ended (a response or one error) and count it, wherever it was called."""
    spec = unit.chain[outcome.position]
    summary.retries += outcome.retries
    if outcome.completion is not None:
        summary.called += 1
        summary.fallbacks += outcome.position > 0
        cost, currency = writer.add_completion(
            unit, spec, outcome.completion, outcome.attempts, fallback=outcome.position > 0
        )
        summary.add_cost(spec.name, cost, currency)
        return
    failure = outcome.failure
    assert failure is not None
    summary.failed += 1
    summary.errors_by_kind[failure.kind] = summary.errors_by_kind.get(failure.kind, 0) + 1
    writer.add_error(unit, spec, failure, outcome.attempts)
