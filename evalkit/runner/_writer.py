"""Buffering results and storing them in batches, one transaction per batch."""

from __future__ import annotations

from typing import Any

import anyio

from evalkit._secrets import redact, redact_known
from evalkit.runner._options import RunOptions
from evalkit.runner._units import Unit
from evalkit.scoring import score_rows
from evalkit.store import Store
from evalkit.store._store import utcnow
from evalkit.targets import CallFailure, Completion, TargetSpec

_CACHED_FIELDS = (
    "served_model", "text", "reasoning", "finish_reason", "prompt_tokens",
    "completion_tokens", "latency_ms", "cost", "currency", "usage_estimated",
)  # fmt: skip


class Writer:
    """Collects responses, errors and scores; flushes by size and by time."""

    def __init__(self, store: Store, run_id: str, options: RunOptions) -> None:
        self.store, self.run_id, self.options = store, run_id, options
        self.responses: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []

    def _base(self, unit: Unit, spec: TargetSpec) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "item_id": unit.item.id,
            "repeat": unit.repeat,
            "request_hash": spec.request_hash(unit.messages, unit.seed),
            "target_name": spec.name,
            "route": unit.route,
            "created_at": utcnow(),
        }

    def add_completion(
        self, unit: Unit, spec: TargetSpec, c: Completion, attempts: int, fallback: bool
    ) -> tuple[float | None, str | None]:
        """Record a served call; returns its (cost, currency), (None, None) without a price."""
        cost, currency = spec.cost(c.prompt_tokens, c.completion_tokens)
        if cost is None and c.proxy_cost is not None:  # no contract price: the proxy's own
            cost, currency = c.proxy_cost, "USD"
        self.responses.append(
            {
                **self._base(unit, spec),
                "route_reason": unit.route_reason,
                "served_model": c.served_model,
                "text": redact_known(c.text),
                "reasoning": redact_known(c.reasoning) if c.reasoning else c.reasoning,
                "finish_reason": c.finish_reason,
                "prompt_tokens": c.prompt_tokens,
                "completion_tokens": c.completion_tokens,
                "latency_ms": c.latency_ms,
                "cost": cost,
                "currency": currency,
                "cached": False,
                "attempts": attempts,
                "fallback_used": fallback or c.proxy_fallback,
                "usage_estimated": c.usage_estimated,
            }
        )
        self._after(unit, c.text)
        return cost, currency

    def add_cached(self, unit: Unit, row: dict[str, Any]) -> None:
        """Record a stored response reused for this unit (this run's route, the stored reply)."""
        keep = {k: row[k] for k in _CACHED_FIELDS}
        # the reply is reused, but its cost is this run's price for the same tokens: a router
        # change that only renegotiates prices must show in the candidate's cost
        keep["cost"], keep["currency"] = unit.spec.cost(
            int(row["prompt_tokens"] or 0), int(row["completion_tokens"] or 0)
        )
        self.responses.append(
            {
                **self._base(unit, unit.spec),
                **keep,
                "route_reason": unit.route_reason,
                "cached": True,
                "attempts": 0,
                "fallback_used": False,
            }
        )
        self._after(unit, row["text"])

    def add_error(self, unit: Unit, spec: TargetSpec, failure: CallFailure, attempts: int) -> None:
        """Record a request that failed after its retries (and fallbacks)."""
        self.errors.append(
            {
                **self._base(unit, spec),
                "kind": failure.kind,
                "message": redact(failure.message),
                "status": failure.status,
                "attempts": attempts,
            }
        )
        self._maybe_flush()

    def _after(self, unit: Unit, text: str) -> None:
        self.scores.extend(score_rows(self.run_id, unit.item, unit.repeat, text))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self.responses) + len(self.errors) >= self.options.batch_size:
            self.flush()

    def flush(self) -> None:
        """Store everything buffered in one transaction."""
        if not (self.responses or self.errors):
            return
        self.store.write_batch(self.responses, self.errors, self.scores)
        self.responses, self.errors, self.scores = [], [], []

    async def flush_periodically(self) -> None:
        """Flush every ``flush_interval_s`` until cancelled."""
        while True:
            await anyio.sleep(self.options.flush_interval_s)
            self.flush()
