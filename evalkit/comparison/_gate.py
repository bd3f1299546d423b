"""Gate configuration: which slices gate a cutover, and how strict the test is."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from evalkit.errors import ConfigError
from evalkit.tasks import HEADLINE_METRICS, TASKS, metric_scale


@dataclass(frozen=True)
class GateConfig:
    """How `compare` decides PASS, FAIL or INCONCLUSIVE (docs/gate-design.md).

    The gate tests an overall quality index and one pooled quality per task (item quality: 0
    when unanswered, else 1 when every gate metric passes), one-sided and clustered by pair,
    under a graphical procedure that controls the family-wise error at ``alpha``.

    Attributes:
        alpha: Family-wise error rate of the gate.
        margin: Practical threshold, a fraction of quality (0.02 is 2 points): an observed drop
            smaller than this never fails the gate.
        mode: ``"regression"`` fails a hypothesis whose drop is shown (and larger than
            ``margin``); ``"non_inferiority"`` passes only when every upper bound of the drop is
            below its margin (``index_margin``, ``task_margin``).
        metrics: Gate metrics per task; default: each task's headline metric.
        tasks: Restrict the gate to these tasks (all when empty).
        langs: Restrict the gate to these prompt languages (all when empty).
        n_resamples: Bootstrap / permutation resamples of the slice diagnostics.
        max_drop: Hard threshold, a fraction of quality: a hypothesis whose drop is, with 95%
            confidence, larger than this fails whatever the multiplicity (None: off).
        index_margin: The overall drop the gate must detect with 80% power (and the
            non-inferiority margin of the index); an index that cannot is INCONCLUSIVE.
        task_margin: The same for every task.
        index_share: The index's share of ``alpha`` at the start; the tasks share the rest.
        weights: Task weights of the index (unnamed tasks weigh 1).
        inconclusive: ``"fail"`` (default): an INCONCLUSIVE gate fails CI (exit 3);
            ``"pass"``: it is reported but exits 0.
        scope: ``"changed"`` (default): the gate tests only the items whose request or reply
            differs between the runs (in a router cutover, the items that moved); an item that
            sent the same request and got the same reply cannot have regressed, and counting it
            would dilute a drop on the moved traffic. ``"all"``: every shared item. Reports
            give the drop over all items as well.
    """

    alpha: float = 0.05
    margin: float = 0.02
    mode: Literal["regression", "non_inferiority"] = "regression"
    metrics: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(HEADLINE_METRICS))
    tasks: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    n_resamples: int = 9999
    max_drop: float | None = None
    index_margin: float = 0.05
    task_margin: float = 0.15
    index_share: float = 0.5
    weights: dict[str, float] = field(default_factory=dict)
    inconclusive: Literal["fail", "pass"] = "fail"
    scope: Literal["changed", "all"] = "changed"

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ConfigError(f"gate alpha must be in (0, 1), got {self.alpha}")
        if self.margin < 0:
            raise ConfigError(f"gate margin must be >= 0, got {self.margin}")
        if self.mode not in ("regression", "non_inferiority"):
            raise ConfigError(f"gate mode must be regression or non_inferiority, got {self.mode!r}")
        for name in ("index_margin", "task_margin"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(f"gate {name} must be in (0, 1], got {getattr(self, name)}")
        if not 0 < self.index_share < 1:
            raise ConfigError(f"gate index_share must be in (0, 1), got {self.index_share}")
        if any(not w > 0 for w in self.weights.values()):
            raise ConfigError(f"gate weights must be > 0, got {self.weights}")
        if self.inconclusive not in ("fail", "pass"):
            raise ConfigError(f"gate inconclusive must be fail or pass, got {self.inconclusive!r}")
        if self.scope not in ("changed", "all"):
            raise ConfigError(f"gate scope must be changed or all, got {self.scope!r}")

    def margin_for(self, metric: str) -> float:
        """The margin in the metric's own units: chrF and BLEU run 0-100, the rest 0-1."""
        return self.margin * metric_scale(metric)

    def gates(self, task: str, lang: str, metric: str) -> bool:
        """Whether this slice is one of the gate's slices (``answered`` always is)."""
        if self.tasks and task not in self.tasks:
            return False
        if self.langs and lang not in self.langs:
            return False
        return metric == "answered" or metric in self.metrics.get(task, ())

    @classmethod
    def from_mapping(cls, data: dict[str, Any], where: str = "[tool.evalkit.gate]") -> GateConfig:
        """Build from a ``[tool.evalkit.gate]`` table; unknown keys are an error."""
        known = {
            "alpha", "margin", "mode", "metrics", "tasks", "langs", "n_resamples", "max_drop",
            "index_margin", "task_margin", "index_share", "weights", "inconclusive", "scope",
        }  # fmt: skip
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
        kwargs: dict[str, Any] = dict(data)
        if "metrics" in kwargs:
            kwargs["metrics"] = {k: tuple(v) for k, v in kwargs["metrics"].items()}
        if "weights" in kwargs:
            kwargs["weights"] = {k: float(v) for k, v in kwargs["weights"].items()}
        for key in ("tasks", "langs"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {exc}") from exc


def resolve_gate(**overrides: object) -> GateConfig:
    """The gate of every door (CLI, pytest plugin, ``ek.compare``): ``[tool.evalkit.gate]`` from
    the nearest pyproject.toml, then the overrides that are not None."""
    from evalkit._config import project_config

    table = dict(project_config().get("gate", {}))
    table.update({k: v for k, v in overrides.items() if v is not None})
    return GateConfig.from_mapping(table)


LANGS = ("en", "zh", "mixed")
"""Prompt languages a golden item can have."""


def _unknown(kind: str, given: Iterable[str], known: Iterable[str]) -> str | None:
    known = sorted(set(known))
    bad = [g for g in given if g not in known]
    if not bad:
        return None
    hints = []
    for b in bad:
        close = difflib.get_close_matches(b, known, n=1)
        hints.append(f"{b!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return f"unknown {kind} {', '.join(hints)}; valid: {', '.join(known)}"


def check_gate_names(gate: GateConfig, present_metrics: set[str]) -> None:
    """Every task, language and metric the gate names must exist; a typo never gates nothing.

    Metrics are valid when the default scoring plan defines them, when either run has scores
    for them (judge metrics), or for ``answered``.

    Raises:
        ConfigError: Naming what is unknown, the valid names and the closest match.
    """
    # the registry, not the plan's metric objects: importing those costs a compare 0.3 s
    plan_metrics = {m for task in TASKS.values() for m in task.plan}
    known_metrics = plan_metrics | present_metrics | {"answered"}
    gate_metrics = [m for ms in gate.metrics.values() for m in ms]
    problems = [
        _unknown("task(s)", [*gate.tasks, *gate.metrics, *gate.weights], TASKS),
        _unknown("language(s)", gate.langs, LANGS),
        _unknown("metric(s)", gate_metrics, known_metrics),
    ]
    found = [p for p in problems if p]
    if found:
        raise ConfigError("gate: " + "; ".join(found))


def wanted_slices(
    gate: GateConfig,
    task_langs: Iterable[tuple[str, str]],
    item_jsons: Callable[[str, str], Iterable[str]],
    present_metrics: set[str],
    compared: Collection[tuple[str, str, str]] = (),
) -> set[tuple[str, str, str]]:
    """The gate slices the compared items call for, whether or not anything was scored.

    A (task, lang) with items wants ``answered`` and each gate metric of the task that applies
    to at least one of its items (the metric itself decides, e.g. ``key_terms`` needs key
    terms); a metric outside the scoring plan (a judge's) is wanted where either run has it.
    ``item_jsons(task, lang)`` gives the stored JSON of those items; it is read only until an
    item the metric applies to turns up. A slice in ``compared`` (paired scores on both sides)
    is wanted without asking: a plan metric scored some item of it, so it applies, and the
    metric objects are imported only when a slice is missing.
    """
    want: set[tuple[str, str, str]] = set()
    plan: dict[str, dict[str, Any]] | None = None
    for task, lang in task_langs:
        for metric in ["answered", *gate.metrics.get(task, ())]:
            if not gate.gates(task, lang, metric):
                continue
            if (task, lang, metric) in compared:
                want.add((task, lang, metric))
                continue
            if metric in (TASKS[task].plan if task in TASKS else ()):
                if plan is None:
                    from evalkit.scoring import default_plan

                    plan = {t: {m.name: m for m in ms} for t, ms in default_plan().items()}
                if not _applies(plan[task][metric], item_jsons(task, lang)):
                    continue
            elif metric != "answered" and metric not in present_metrics:
                continue
            want.add((task, lang, metric))
    return want


def _applies(scorer: Any, texts: Iterable[str]) -> bool:
    """Whether the scorer applies to any of the items; an item that no longer parses counts as
    applicable (wanting a slice is the safe side)."""
    from pydantic import ValidationError

    from evalkit.goldensets import GoldenItem

    for text in texts:
        try:
            item = GoldenItem.model_validate_json(text)
        except ValidationError:
            return True
        if scorer.score("", item) is not None:
            return True
    return False
