"""The task registry is the one place per-task knowledge lives, and it is complete."""

from __future__ import annotations

from pathlib import Path

from evalkit.goldensets import TASKS as SCHEMA_TASKS
from evalkit.scoring import default_plan
from evalkit.targets import family_of_routed_model
from evalkit.tasks import HEADLINE_METRICS, TASKS, metric_scale

ROOT = Path(__file__).resolve().parents[1]


def test_every_task_the_schema_allows_is_registered():
    assert set(TASKS) == set(SCHEMA_TASKS)


def test_the_plan_scores_what_the_registry_names_and_the_gate_metrics_are_scored():
    plan = default_plan()
    for task in TASKS.values():
        assert [m.name for m in plan[task.name]] == list(task.plan)
        assert set(task.headline) <= set(task.plan), task.name
    assert HEADLINE_METRICS["translation"] == ("chrf",)


def test_every_rubric_the_registry_names_exists():
    for task in TASKS.values():
        if task.rubric is not None:
            assert (ROOT / "judges" / "rubrics" / f"{task.rubric}.yaml").is_file(), task.rubric


def test_scales_and_the_routed_family_rule():
    assert metric_scale("chrf") == 100.0 and metric_scale("correct") == 1.0
    assert family_of_routed_model("anthropic/claude-3.5-haiku") == "claude"
    assert family_of_routed_model("moonshotai/kimi-k2") == "kimi"
    assert family_of_routed_model("acme/model-x") == "acme"
    assert family_of_routed_model("qwen-max") is None
