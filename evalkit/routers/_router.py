"""Applying a router config to golden items: which rule matches, which model serves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from evalkit.goldensets import GoldenItem
from evalkit.routers._config import Match, RouterConfig
from evalkit.targets import TargetSpec, from_model


@dataclass(frozen=True)
class Decision:
    """Where one item goes.

    Attributes:
        route: The matching rule's name, or ``"default"``.
        reason: Why, in words (the attributes that matched).
        model: Key of the model under ``models``.
    """

    route: str
    reason: str
    model: str


def sensitivity(item: GoldenItem) -> str:
    """``high`` for refusal-set items and items tagged ``sensitive``, else ``normal``."""
    return "high" if item.task == "refusal" or "sensitive" in item.tags else "normal"


def prompt_chars(item: GoldenItem) -> int:
    """Length of everything sent for the item (system, context, prompt or messages)."""
    return sum(len(m["content"]) for m in item.chat_messages())


def matches(m: Match, item: GoldenItem) -> str | None:
    """The reason string when ``m`` matches ``item``, else None."""
    why = []
    checks: list[tuple[list[str], str, str]] = [
        (list(m.lang), item.lang, "lang"),
        (m.task, item.task, "task"),
        (m.category, item.category, "category"),
        (list(m.sensitivity), sensitivity(item), "sensitivity"),
    ]
    for allowed, value, label in checks:
        if allowed:
            if value not in allowed:
                return None
            why.append(f"{label}={value}")
    if m.tags:
        hit = sorted(set(m.tags) & set(item.tags))
        if not hit:
            return None
        why.append(f"tags~{','.join(hit)}")
    n = prompt_chars(item)
    if m.min_prompt_chars is not None:
        if n < m.min_prompt_chars:
            return None
        why.append(f"chars={n}>={m.min_prompt_chars}")
    if m.max_prompt_chars is not None:
        if n > m.max_prompt_chars:
            return None
        why.append(f"chars={n}<={m.max_prompt_chars}")
    return ", ".join(why) or "matches all"


def draw(weights: dict[str, float], key: str) -> str:
    """One of ``weights``' keys, chosen by a uniform draw from the hash of ``key``."""
    u = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:13], 16) / 16**13
    total = sum(weights.values())
    acc = 0.0
    for model, weight in weights.items():
        acc += weight / total
        if u < acc:
            return model
    return next(reversed(weights))


@dataclass(frozen=True)
class RouterSpec:
    """A router as a run target: the config plus a resolved `TargetSpec` per model."""

    config: RouterConfig
    specs: dict[str, TargetSpec]

    @classmethod
    def from_config(cls, config: RouterConfig) -> RouterSpec:
        """Resolve every model against its provider preset."""
        specs = {}
        for key, model in config.models.items():
            spec = from_model(model)
            specs[key] = replace(spec, name=key)
        return cls(config, specs)

    @property
    def name(self) -> str:
        """The router's name."""
        return self.config.name

    def route(self, item: GoldenItem) -> Decision:
        """The first matching rule's decision, or the default route; a split is drawn."""
        for rule in self.config.rules:
            reason = matches(rule.match, item)
            if reason is not None:
                return self._draw(Decision(rule.name, reason, rule.model), item)
        return self._draw(Decision("default", "no rule matched", self.config.default), item)

    def _draw(self, decision: Decision, item: GoldenItem) -> Decision:
        weights = self.config.splits.get(decision.model)
        if not weights:
            return decision
        model = draw(weights, f"{self.config.split_seed}:{decision.model}:{item.id}")
        share = weights[model] / sum(weights.values())
        reason = f"{decision.reason}; split {decision.model}: {model} ({share:.0%} of traffic)"
        return Decision(decision.route, reason, model)

    def chain(self, model: str) -> list[str]:
        """``model`` then its fallbacks, in order."""
        return [model, *self.config.fallbacks.get(model, [])]

    def reachable(self) -> set[str]:
        """Model keys a run can send to: rules, default, split members and their fallbacks."""
        heads = {r.model for r in self.config.rules} | {self.config.default}
        keys: set[str] = set()
        for head in heads:
            members = self.config.splits.get(head) or {head: 1.0}
            for model in members:
                keys.update(self.chain(model))
        return keys

    def api_keys(self) -> None:
        """Fail fast when the key variable of a model the run can reach is missing."""
        for key in sorted(self.reachable()):
            self.specs[key].api_key()

    def public_config(self) -> dict[str, Any]:
        """The config as stored with a run (it names key variables, never keys)."""
        return {"router": self.config.model_dump(mode="json", exclude_none=True)}
