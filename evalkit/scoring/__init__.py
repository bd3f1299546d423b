"""Scoring: the default metric plan per task type and task-level verdicts."""

from evalkit.scoring._grade import (
    GRADE_LABELS,
    GRADES,
    UNSURE,
    BehaviorOk,
    QACorrect,
    QAGrade,
    behaves,
)
from evalkit.scoring._plan import default_plan, score_reply, score_rows, to_row

__all__ = [
    "GRADES",
    "GRADE_LABELS",
    "UNSURE",
    "BehaviorOk",
    "QACorrect",
    "QAGrade",
    "behaves",
    "default_plan",
    "score_reply",
    "score_rows",
    "to_row",
]
