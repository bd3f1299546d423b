"""Which label decides a reply: the deterministic grade or the panel's."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.measures import final_labels


def _scores(rules: list[str], judge: list[str | None], n_judges: int) -> pd.DataFrame:
    rows = []
    for i, (r, j) in enumerate(zip(rules, judge, strict=True)):
        base = {"item_id": f"q{i}", "repeat": 0, "task": "factual_qa", "lang": "zh",
                "category": None, "expected_behavior": "answer"}  # fmt: skip
        rows.append({**base, "metric": "grade", "value_label": r, "n_judges": None})
        if j is not None:
            rows.append({**base, "metric": "judge_grade", "value_label": j, "n_judges": n_judges})
    return pd.DataFrame(rows)


def test_a_single_judge_never_overrides_a_decided_grade():
    # one weak judge calls everything correct where the rules found 4 of 5 wrong
    scores = _scores(["incorrect"] * 4 + ["correct"], ["correct"] * 5, n_judges=1)
    labels = final_labels(scores, "judge_grade", "grade")
    assert (labels["label"] == "correct").mean() == pytest.approx(0.2)
    assert int(labels["overruled"].sum()) == 4 and (labels["source"] == "rules").all()


def test_a_panel_of_three_may_override_and_any_panel_settles_unsure():
    three = final_labels(_scores(["incorrect"], ["correct"], 3), "judge_grade", "grade")
    assert three["label"].tolist() == ["correct"] and three["source"].tolist() == ["panel"]
    one = final_labels(_scores(["unsure"], ["not_attempted"], 1), "judge_grade", "grade")
    assert one["label"].tolist() == ["not_attempted"] and not one["overruled"].any()
