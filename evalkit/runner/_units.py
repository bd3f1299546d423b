"""Planning a run: which (item, repeat) requests to make, and which are already done."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from evalkit.goldensets import GoldenItem, GoldenSet
from evalkit.targets import TargetSpec


@dataclass(frozen=True)
class Unit:
    """One request to make: an item, a repeat index, and its canonical request."""

    item: GoldenItem
    repeat: int
    messages: list[dict[str, str]]
    seed: int | None
    request_hash: str


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
            items = [it for it in items if _bucket(it.pair_id, n) == i - 1]
        out.append(GoldenSet(gs.name, gs.version, gs.manifest, tuple(items), gs.root))
    return out


def _bucket(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % n


def plan_units(spec: TargetSpec, sets: Iterable[GoldenSet], repeats: int) -> list[Unit]:
    """Every (item, repeat) request of the run, in set and file order."""
    units = []
    base_seed = spec.sampling.seed
    for gs in sets:
        for item in gs.items:
            messages = item.chat_messages()
            for k in range(repeats):
                seed = None if base_seed is None else base_seed + k
                units.append(Unit(item, k, messages, seed, spec.request_hash(messages, seed)))
    return units
