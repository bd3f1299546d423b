"""The async run engine: plan, reuse, call with limits and retries, score, store in batches."""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio

import evalkit
from evalkit._git import git_sha
from evalkit.errors import ConfigError
from evalkit.goldensets import GoldenSet
from evalkit.runner._options import RunOptions
from evalkit.runner._progress import Progress
from evalkit.runner._retry import RetryBudget, call_with_retries
from evalkit.runner._units import Unit, plan_units, select_items
from evalkit.scoring import score_rows
from evalkit.store import Store
from evalkit.store._store import utcnow
from evalkit.targets import Client, Completion, TargetSpec


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
    cost: float = 0.0
    currency: str = "USD"
    elapsed_s: float = 0.0
    errors_by_kind: dict[str, int] = field(default_factory=dict)


def new_run_id() -> str:
    """A sortable, unique run id: ``YYYYMMDD-HHMMSS-xxxxxx``."""
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


async def run_async(
    target: TargetSpec,
    sets: Sequence[GoldenSet],
    store: Store,
    *,
    name: str | None = None,
    options: RunOptions | None = None,
    resume: str | None = None,
) -> RunSummary:
    """Run ``target`` over ``sets`` and store everything; resumable and cache-aware.

    Args:
        target: The model endpoint.
        sets: Golden sets to run.
        store: Where responses, errors and scores go.
        name: A human name for the run (``evalkit runs`` shows it; compare accepts it).
        options: Execution options.
        resume: A run id to continue: finished items are not called again.

    Returns:
        What the run did.
    """
    options = options or RunOptions()
    target.api_key()  # a missing key is misconfiguration: fail before anything is stored
    sets = select_items(sets, options.limit, options.shard)
    run_id = _open_run(store, target, sets, name, options, resume)
    units = plan_units(target, sets, options.repeats)
    summary = RunSummary(run_id, planned=len(units), currency=target.price.currency)
    done = store.done_keys(run_id)
    todo = [u for u in units if (u.item.id, u.repeat) not in done]
    summary.already_done = len(units) - len(todo)
    writer = _Writer(store, run_id, target, options)
    todo = _reuse_cached(store, todo, writer, summary) if options.use_cache else todo
    started = anyio.current_time()
    with Progress(len(units), summary.already_done + summary.cached, options.progress) as bar:
        await _call_all(target, todo, options, writer, summary, bar)
    writer.flush()
    summary.elapsed_s = anyio.current_time() - started
    store.finish_run(run_id, "finished" if summary.failed == 0 else "finished_with_errors")
    return summary


def _open_run(
    store: Store,
    target: TargetSpec,
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
    store.create_run(
        {
            "run_id": run_id,
            "name": name,
            "target_name": target.name,
            "target_kind": "model",
            "target_json": json.dumps(target.public_config(), ensure_ascii=False),
            "goldensets_json": json.dumps(
                {gs.name: {"version": gs.version, "hash": gs.set_hash, "n": len(gs)} for gs in sets}
            ),
            "config_json": json.dumps(
                {"repeats": options.repeats, "limit": options.limit, "shard": options.shard}
            ),
            "evalkit_version": evalkit.__version__,
            "git_sha": git_sha(),
            "repeats": options.repeats,
            "seed": target.sampling.seed,
            "status": "running",
            "n_items": sum(len(gs) for gs in sets),
            "created_at": utcnow(),
        }
    )
    store.add_items(run_id, sets)
    return run_id


def _check_resumable(
    store: Store, run_id: str, target: TargetSpec, sets: Sequence[GoldenSet]
) -> None:
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
    if store.run(run_id)["target"]["name"] != target.name:
        raise ConfigError(f"cannot resume run {run_id} with a different target ({target.name})")
    store.add_items(run_id, sets)


def _reuse_cached(
    store: Store, todo: list[Unit], writer: _Writer, summary: RunSummary
) -> list[Unit]:
    hits = store.cached(u.request_hash for u in todo)
    rest = []
    for unit in todo:
        row = hits.get(unit.request_hash)
        if row is None:
            rest.append(unit)
            continue
        writer.add_cached(unit, row)
        summary.cached += 1
    writer.flush()
    return rest


async def _call_all(
    target: TargetSpec,
    todo: list[Unit],
    options: RunOptions,
    writer: _Writer,
    summary: RunSummary,
    bar: Progress,
) -> None:
    budget = RetryBudget(max(10, int(options.retry_budget * max(1, len(todo)))))
    limiter = anyio.CapacityLimiter(options.concurrency)
    rng = random.Random(0)
    queue = iter(todo)
    async with Client(target) as client, anyio.create_task_group() as tg:
        tg.start_soon(writer.flush_periodically)

        async def worker() -> None:
            for unit in queue:
                async with limiter:
                    await _one(client, unit, options, budget, rng, writer, summary)
                bar.advance(summary.cost, summary.currency)

        async with anyio.create_task_group() as workers:
            for _ in range(min(options.concurrency, len(todo))):
                workers.start_soon(worker)
        tg.cancel_scope.cancel()


async def _one(
    client: Client,
    unit: Unit,
    options: RunOptions,
    budget: RetryBudget,
    rng: random.Random,
    writer: _Writer,
    summary: RunSummary,
) -> None:
    result = await call_with_retries(
        lambda: client.complete(unit.messages, unit.seed),
        max_retries=options.max_retries,
        budget=budget,
        base_s=options.backoff_base_s,
        max_s=options.backoff_max_s,
        rng=rng,
    )
    summary.retries += result.attempts - 1
    if result.completion is not None:
        summary.called += 1
        summary.cost += writer.add_completion(unit, result.completion, result.attempts)
    else:
        assert result.failure is not None
        summary.failed += 1
        kind = result.failure.kind
        summary.errors_by_kind[kind] = summary.errors_by_kind.get(kind, 0) + 1
        writer.add_error(unit, result.failure, result.attempts)


class _Writer:
    """Buffers results and stores them in batches (one transaction per batch)."""

    def __init__(self, store: Store, run_id: str, target: TargetSpec, options: RunOptions) -> None:
        self.store, self.run_id, self.target, self.options = store, run_id, target, options
        self.responses: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []

    def _base(self, unit: Unit) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "item_id": unit.item.id,
            "repeat": unit.repeat,
            "request_hash": unit.request_hash,
            "target_name": self.target.name,
            "route": None,
            "created_at": utcnow(),
        }

    def add_completion(self, unit: Unit, c: Completion, attempts: int) -> float:
        cost = self.target.price.cost(c.prompt_tokens, c.completion_tokens)
        self.responses.append(
            {
                **self._base(unit),
                "served_model": c.served_model,
                "text": c.text,
                "reasoning": c.reasoning,
                "finish_reason": c.finish_reason,
                "prompt_tokens": c.prompt_tokens,
                "completion_tokens": c.completion_tokens,
                "latency_ms": c.latency_ms,
                "cost": cost,
                "currency": self.target.price.currency,
                "cached": False,
                "attempts": attempts,
            }
        )
        self._score(unit, c.text)
        self._maybe_flush()
        return cost

    def add_cached(self, unit: Unit, row: dict[str, Any]) -> None:
        keep = {
            k: row[k]
            for k in (
                "served_model",
                "text",
                "reasoning",
                "finish_reason",
                "prompt_tokens",
                "completion_tokens",
                "latency_ms",
                "cost",
                "currency",
                "route",
                "route_reason",
            )
        }
        self.responses.append({**self._base(unit), **keep, "cached": True, "attempts": 0})
        self._score(unit, row["text"])
        self._maybe_flush()

    def add_error(self, unit: Unit, failure: Any, attempts: int) -> None:
        self.errors.append(
            {
                **self._base(unit),
                "kind": failure.kind,
                "message": failure.message,
                "status": failure.status,
                "attempts": attempts,
            }
        )
        self._maybe_flush()

    def _score(self, unit: Unit, text: str) -> None:
        self.scores.extend(score_rows(self.run_id, unit.item, unit.repeat, text))

    def _maybe_flush(self) -> None:
        if len(self.responses) + len(self.errors) >= self.options.batch_size:
            self.flush()

    def flush(self) -> None:
        if not (self.responses or self.errors):
            return
        self.store.write_batch(self.responses, self.errors, self.scores)
        self.responses, self.errors, self.scores = [], [], []

    async def flush_periodically(self) -> None:
        while True:
            await anyio.sleep(self.options.flush_interval_s)
            self.flush()
