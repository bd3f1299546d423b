"""Buffering results and storing them in batches, one transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol

from evalkit._engine import BatchSink
from evalkit._secrets import redact, redact_known
from evalkit.goldensets import GoldenItem
from evalkit.runner._options import RunOptions
from evalkit.runner._units import Unit
from evalkit.store import ErrorRow, ResponseRow, ScoreRow, Store, utcnow
from evalkit.targets import CallFailure, Completion, TargetSpec


class Scorer(Protocol):
    """(run_id, item, repeat, reply text, metrics already stored) -> the reply's score rows."""

    def __call__(
        self,
        run_id: str,
        item: GoldenItem,
        repeat: int,
        text: str,
        done: Collection[str] = (),
        /,
    ) -> list[ScoreRow]: ...


class Writer(BatchSink):
    """Collects responses, errors and scores; flushes by size and by time.

    Scoring is a stage in front of the sink: ``scorer`` turns each stored reply into score rows
    (the runner passes the default plan; a run that stores replies only passes None).
    """

    def __init__(
        self, store: Store, run_id: str, options: RunOptions, scorer: Scorer | None
    ) -> None:
        super().__init__(options.batch_size, options.flush_interval_s)
        self.store, self.run_id, self.scorer = store, run_id, scorer
        self.responses: list[ResponseRow] = []
        self.errors: list[ErrorRow] = []
        self.scores: list[ScoreRow] = []

    def add_completion(
        self, unit: Unit, spec: TargetSpec, c: Completion, attempts: int, fallback: bool
    ) -> tuple[float | None, str | None]:
        """Record a served call; returns its (cost, currency), (None, None) without a price."""
        cost, currency = spec.cost(c.prompt_tokens, c.completion_tokens)
        if cost is None and c.proxy_cost is not None:  # no contract price: the proxy's own
            cost, currency = c.proxy_cost, "USD"
        row = ResponseRow(
            **self._request(unit, spec),
            route_reason=unit.route_reason,
            served_model=c.served_model,
            text=redact_known(c.text),
            reasoning=redact_known(c.reasoning) if c.reasoning else c.reasoning,
            finish_reason=c.finish_reason,
            prompt_tokens=c.prompt_tokens,
            completion_tokens=c.completion_tokens,
            latency_ms=c.latency_ms,
            ttft_ms=c.ttft_ms,
            cost=cost,
            currency=currency,
            cached=False,
            attempts=attempts,
            fallback_used=fallback or c.proxy_fallback,
            usage_estimated=c.usage_estimated,
        )
        self._add(unit, row)
        return cost, currency

    def add_scores(self, unit: Unit, text: str, done: Collection[str]) -> None:
        """Score a reply already stored in this run (a reused one), leaving out ``done``: the
        metrics copied with it."""
        if self.scorer is not None:
            self.scores.extend(self.scorer(self.run_id, unit.item, unit.repeat, text, done))
            self.maybe_flush()

    def add_error(self, unit: Unit, spec: TargetSpec, failure: CallFailure, attempts: int) -> None:
        """Record a request that failed after its retries (and fallbacks)."""
        self.errors.append(
            ErrorRow(
                **self._request(unit, spec),
                kind=failure.kind,
                message=redact(failure.message),
                status=failure.status,
                attempts=attempts,
            )
        )
        self.maybe_flush()

    def _request(self, unit: Unit, spec: TargetSpec) -> dict[str, Any]:
        """The columns every response and error row starts with: which request of which run."""
        return {
            "run_id": self.run_id,
            "item_id": unit.item.id,
            "repeat": unit.repeat,
            "request_hash": (
                unit.request_hash
                if spec is unit.spec
                else spec.request_hash(unit.messages, unit.seed)
            ),
            "target_name": spec.name,
            "route": unit.route,
            "created_at": utcnow(),
        }

    def _add(self, unit: Unit, row: ResponseRow) -> None:
        self.responses.append(row)
        if self.scorer is not None:
            self.scores.extend(self.scorer(self.run_id, unit.item, unit.repeat, row.text))
        self.maybe_flush()

    def _pending(self) -> int:
        return len(self.responses) + len(self.errors)

    def _has_rows(self) -> bool:
        """Also scores alone (a reused reply's missing metrics)."""
        return bool(self._pending() or self.scores)

    def _take(self) -> Callable[[], None]:
        store, batch = self.store, (self.responses, self.errors, self.scores)
        self.responses, self.errors, self.scores = [], [], []
        return lambda: store.write_batch(*batch)
