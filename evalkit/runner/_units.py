"""Planning a run: which (item, repeat) requests to make, to which model, by which route."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from evalkit.goldensets import GoldenItem, GoldenSet
from evalkit.routers import RouterSpec
from evalkit.targets import TargetSpec

Target = TargetSpec | RouterSpec


@dataclass(frozen=True)
class Unit:
    """One request to make.

    Attributes:
        item: The golden item.
        repeat: Repeat index k (sent with seed + k).
        messages: The canonical chat messages.
        seed: The seed sent.
        chain: Models to try in order (the routed model, then its fallbacks).
        route: Rule name for router targets, else None.
        route_reason: Why the rule matched.
    """

    item: GoldenItem
    repeat: int
    messages: list[dict[str, str]]
    seed: int | None
    chain: tuple[TargetSpec, ...]
    route: str | None = None
    route_reason: str | None = None

    @property
    def spec(self) -> TargetSpec:
        """The primary (routed) model."""
        return self.chain[0]

    @cached_property
    def request_hash(self) -> str:
        """Hash of the request to the primary model: what the cache and route diffs key on
        (computed once: every field it hashes is frozen)."""
        return self.spec.request_hash(self.messages, self.seed)


def select_items(
    sets: Iterable[GoldenSet], limit: int | None, shard: tuple[int, int] | None
) -> list[GoldenSet]:
    """Apply ``limit`` per set and a deterministic shard split (by a hash of the pair id).

    Sharding by pair keeps an item's en and zh versions on the same machine.
    """
    out = []
    for gs in sets:
        items = list(gs.items)
        if limit is not None:
            items = items[:limit]
        if shard is not None:
            i, n = shard
            items = [it for it in items if shard_of(it.pair_id, n) == i]
        out.append(GoldenSet(gs.name, gs.version, gs.manifest, tuple(items), gs.root))
    return out


def shard_of(key: str, n: int) -> int:
    """The 1-based shard of ``key`` among ``n``."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % n + 1


def plan_units(target: Target, sets: Iterable[GoldenSet], repeats: int) -> list[Unit]:
    """Every (item, repeat) request of the run, in set and file order."""
    units = []
    for gs in sets:
        for item in gs.items:
            messages = item.chat_messages()
            chain, route, reason = _chain(target, item)
            base_seed = chain[0].sampling.seed
            for k in range(repeats):
                seed = None if base_seed is None else base_seed + k
                units.append(Unit(item, k, messages, seed, chain, route, reason))
    return units


def _chain(
    target: Target, item: GoldenItem
) -> tuple[tuple[TargetSpec, ...], str | None, str | None]:
    if isinstance(target, TargetSpec):
        return (target,), None, None
    decision = target.route(item)
    chain = tuple(target.specs[key] for key in target.chain(decision.model))
    return chain, decision.route, decision.reason
