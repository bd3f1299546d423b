"""Loading a router YAML file and checking what pydantic cannot: references, dead rules, cycles."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from evalkit._yamlpos import line_of, load_with_lines, validation_problems
from evalkit.errors import ConfigError
from evalkit.goldensets import TASKS
from evalkit.routers._config import RouterConfig


def load_router(path: str | Path) -> RouterConfig:
    """Load and validate a router config; every problem names the file and line.

    Raises:
        ConfigError: With one ``file:line: where: problem; fix`` line per problem.
    """
    path = Path(path)
    data, lines = load_with_lines(path)
    try:
        config = RouterConfig.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(path, lines, exc)
        raise ConfigError(f"{path}: invalid router config\n" + "\n".join(problems)) from exc
    problems = [f"{path}:{line_of(lines, loc)}: {msg}" for loc, msg in check_router(config)]
    if problems:
        raise ConfigError(f"{path}: invalid router config\n" + "\n".join(problems))
    return config


def check_router(config: RouterConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """Semantic problems as (location, message) pairs."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    known = set(config.models)
    hint = f"use one of: {', '.join(sorted(known))}"
    out.extend(_split_problems(config, known, hint))
    models, known = known, known | set(config.splits)  # rules and default may name a split
    hint = f"use one of: {', '.join(sorted(known))}"
    for i, rule in enumerate(config.rules):
        if rule.model not in known:
            out.append(
                (
                    ("rules", i, "model"),
                    f"rule {rule.name!r} routes to unknown model {rule.model!r}; {hint}",
                )
            )
        out.extend(_dead_rule(config, i))
    if config.default not in known:
        out.append((("default",), f"default routes to unknown model {config.default!r}; {hint}"))
    hint = f"use one of: {', '.join(sorted(models))}"
    for src, targets in config.fallbacks.items():
        if src not in models:
            out.append((("fallbacks", src), f"fallbacks for unknown model {src!r}; {hint}"))
        for j, dst in enumerate(targets):
            if dst not in models:
                out.append((("fallbacks", src, j), f"fallback to unknown model {dst!r}; {hint}"))
    cycle = _fallback_cycle(config.fallbacks)
    if cycle:
        out.append(
            (("fallbacks", cycle[0]), "fallback cycle " + " -> ".join(cycle) + "; break the loop")
        )
    names = [r.name for r in config.rules]
    for i, name in enumerate(names):
        if name in names[:i]:
            out.append(
                (("rules", i, "name"), f"duplicate rule name {name!r}; names identify routes")
            )
    return out


def _split_problems(
    config: RouterConfig, models: set[str], hint: str
) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    for key, weights in config.splits.items():
        if key in models:
            out.append((("splits", key), f"split {key!r} has the name of a model; rename it"))
        if not weights:
            out.append((("splits", key), f"split {key!r} has no models"))
        for model, weight in weights.items():
            if model not in models:
                out.append((("splits", key, model), f"split to unknown model {model!r}; {hint}"))
            if not weight > 0:
                out.append((("splits", key, model), f"weight must be > 0, got {weight}"))
    return out


def _dead_rule(config: RouterConfig, i: int) -> list[tuple[tuple[str | int, ...], str]]:
    rule = config.rules[i]
    m = rule.match
    where = ("rules", i, "match")
    bad_tasks = [t for t in m.task if t not in TASKS]
    if bad_tasks:
        return [
            (
                where,
                f"rule {rule.name!r} can never match: unknown task(s) {bad_tasks}; "
                f"tasks are {', '.join(TASKS)}",
            )
        ]
    if (
        m.min_prompt_chars is not None
        and m.max_prompt_chars is not None
        and m.min_prompt_chars > m.max_prompt_chars
    ):
        return [(where, f"rule {rule.name!r} can never match: min_prompt_chars > max_prompt_chars")]
    for j in range(i):
        if config.rules[j].match.is_catch_all():
            return [
                (
                    ("rules", i),
                    f"rule {rule.name!r} can never match: rule {config.rules[j].name!r} "
                    "before it matches every item; reorder or remove it",
                )
            ]
    return []


def _fallback_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
            if state.get(nxt) is None:
                found = visit(nxt, [*trail, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in graph:
        if state.get(start) is None:
            found = visit(start, [start])
            if found:
                return found
    return None
