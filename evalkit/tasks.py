"""The task registry: what evalkit knows about each task type, in one place.

The gate (headline metrics), the reports (metric scales), the default scoring plan and the
judges (rubric per task) all read this registry; nothing else keys knowledge by task name.
Importing it costs nothing (no metric, pandas or SDK imports).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """What evalkit knows about one task type.

    Attributes:
        name: The task type, as golden items name it.
        headline: The metrics that gate a cutover by default (``answered`` is always added).
        plan: The deterministic metrics that score every reply, by metric name.
        rubric: The judge rubric for this task (``judges/<rubric>.yaml``), or None.

    """

    name: str
    headline: tuple[str, ...]
    plan: tuple[str, ...]
    rubric: str | None


_QA_PLAN = (
    "correct", "grade", "contains_answer", "exact_match", "token_f1", "abstained", "reply_lang",
)  # fmt: skip

TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("factual_qa", ("correct",), _QA_PLAN, "factual_qa"),
        Task("grounded_qa", ("correct",), _QA_PLAN, "grounded_qa"),
        Task("refusal", ("behavior_ok",), ("behavior_ok", "refusal_label", "reply_lang"),
             "refusal"),
        Task("code_mixed", ("reply_lang", "key_terms"), ("reply_lang", "key_terms", "check_pass"),
             "code_mixed"),
        Task("classification", ("label_match",), ("label_match", "json_valid"), "classification"),
        Task("translation", ("chrf",), ("chrf", "bleu", "rouge_l", "reply_lang"), "translation"),
        # No reply_lang here: JSON keys, bare numbers and codes are correct replies whose script
        # says nothing about language; items that ask for a language carry a reply_lang check.
        Task("instruction_following", ("check_pass",), ("check_pass",), "instruction_following"),
    )
}  # fmt: skip

HEADLINE_METRICS: dict[str, tuple[str, ...]] = {t.name: t.headline for t in TASKS.values()}
"""Each task's gate metrics (a view of `TASKS`)."""

JUDGE_TWINS: dict[str, str] = {
    "judge_grade_ok": "correct",
    "judge_label_correct_ok": "label_match",
    "judge_refusal_label_ok": "behavior_ok",
}
"""Each judge pass/fail view and the deterministic metric that asks a reply the same question.
With the judge metric gated, the gate reads a reply with one of the two values by that value and
a reply with both by each (docs/gate-design.md §4.1)."""

DECIDED_ON_EVERY_ITEM: frozenset[str] = frozenset({"correct", "behavior_ok"})
"""Rule metrics that apply to every item of their tasks (every built-in QA item has a grade,
every built-in refusal item expects a refusal or a compliance): a reply without one was left
unsure by its grader, never one the metric does not apply to. The gate reads such a reply as
unknown even where no reply of either run has a value (docs/gate-design.md §4.1)."""

METRIC_FLOOR: dict[str, float] = {
    "judge_naturalness": 1.0,
    "judge_adequacy": 1.0,
    "judge_adherence": 1.0,
}
"""The lowest value of a metric whose scale does not start at 0 (the judges' 1-5 scores)."""

METRIC_SCALE: dict[str, float] = {
    "chrf": 100.0,
    "bleu": 100.0,
    "judge_naturalness": 4.0,
    "judge_adequacy": 4.0,
    "judge_adherence": 4.0,
}
"""Metrics not on a 0-1 scale (the range of the scale); the gate's margin, a fraction, is
multiplied by this: 0.02 is 2 chrF points or 0.08 of a 1-5 judge score."""


def metric_floor(metric: str) -> float:
    """The lowest value of ``metric``'s scale: 1 for the judges' 1-5 scores, else 0."""
    return METRIC_FLOOR.get(metric, 0.0)


def metric_scale(metric: str) -> float:
    """The range of ``metric``'s scale: 1 for rates, 100 for chrF and BLEU, 4 for 1-5 scores."""
    return METRIC_SCALE.get(metric, 1.0)
