"""Scoring: the default metric plan per task type and task-level verdicts."""

from evalkit.scoring._grade import GRADES, BehaviorOk, QACorrect, QAGrade
from evalkit.scoring._plan import default_plan, score_reply, score_rows, to_row

__all__ = [
    "GRADES",
    "BehaviorOk",
    "QACorrect",
    "QAGrade",
    "default_plan",
    "score_reply",
    "score_rows",
    "to_row",
]
