"""Route diff: which items change model (or request) between two router configs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from evalkit.goldensets import GoldenSet
from evalkit.routers._router import RouterSpec


@dataclass(frozen=True)
class RouteChange:
    """One item's route under each config."""

    item_id: str
    route_a: str
    model_a: str
    route_b: str
    model_b: str
    same_request: bool
    """True when config B sends exactly the request config A sends (so A's response is reused)."""


@dataclass(frozen=True)
class RouteDiff:
    """Every item's routes under two configs."""

    changes: tuple[RouteChange, ...]

    @property
    def changed(self) -> list[RouteChange]:
        """Items whose request differs (another model, or the same model configured otherwise)."""
        return [c for c in self.changes if not c.same_request]

    def moves(self) -> Counter[tuple[str, str]]:
        """Counts of (model under A, model under B) for the changed items."""
        return Counter((c.model_a, c.model_b) for c in self.changed)

    def summary(self) -> str:
        """One line per move, e.g. ``12 items: ds-chat -> qwen-plus``."""
        lines = [f"{len(self.changed)} of {len(self.changes)} items change route"]
        lines += [f"  {n} items: {a} -> {b}" for (a, b), n in sorted(self.moves().items())]
        return "\n".join(lines)


def route_diff(a: RouterSpec, b: RouterSpec, sets: Iterable[GoldenSet]) -> RouteDiff:
    """Route every item of ``sets`` through both configs and compare the requests."""
    changes = []
    for gs in sets:
        for item in gs.items:
            da, db = a.route(item), b.route(item)
            messages = item.chat_messages()
            spec_a, spec_b = a.specs[da.model], b.specs[db.model]
            seed_a, seed_b = spec_a.sampling.seed, spec_b.sampling.seed
            same = spec_a.request_hash(messages, seed_a) == spec_b.request_hash(messages, seed_b)
            changes.append(RouteChange(item.id, da.route, da.model, db.route, db.model, same))
    return RouteDiff(tuple(changes))
