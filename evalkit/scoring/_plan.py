"""Which deterministic metrics score which task, and turning scores into store rows."""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import lru_cache

from evalkit.goldensets import GoldenItem
from evalkit.metrics import (
    Abstained,
    Bleu,
    CheckPass,
    ChrF,
    ContainsAnswer,
    ExactMatch,
    JsonValid,
    KeyTerms,
    LabelMatch,
    Metric,
    RefusalLabel,
    ReplyLang,
    RougeL,
    Score,
    TokenF1,
)
from evalkit.scoring._grade import BehaviorOk, QACorrect, QAGrade
from evalkit.store import ScoreKind, ScoreRow
from evalkit.tasks import TASKS


@lru_cache(maxsize=1)
def default_plan() -> dict[str, tuple[Metric, ...]]:
    """The default metrics per task type (each task's ``plan`` in `evalkit.tasks.TASKS`)."""
    metrics: tuple[Metric, ...] = (
        QACorrect(), QAGrade(), ContainsAnswer(), ExactMatch(), TokenF1(), Abstained(),
        ReplyLang(), BehaviorOk(), RefusalLabel(), KeyTerms(), CheckPass(), LabelMatch(),
        JsonValid(), ChrF(), Bleu(), RougeL(),
    )  # fmt: skip
    by_name = {m.name: m for m in metrics}
    return {t.name: tuple(by_name[m] for m in t.plan) for t in TASKS.values()}


def score_reply(item: GoldenItem, text: str) -> list[Score]:
    """Every applicable default metric's score for one reply."""
    out = []
    for metric in default_plan().get(item.task, ()):
        score = metric.score(text, item)
        if score is not None:
            out.append(score)
    return out


def score_rows(
    run_id: str,
    item: GoldenItem,
    repeat: int,
    text: str,
    done: Collection[str] = (),
) -> list[ScoreRow]:
    """Scores of one reply as rows of the ``scores`` table.

    ``done``: metrics already stored for this reply in this run, left out (a cached re-run
    copied them with the reply, see `evalkit.store.copy_cached`).
    """
    out = []
    for metric in default_plan().get(item.task, ()):
        if metric.name in done:
            continue
        score = metric.score(text, item)
        if score is not None:
            out.append(to_row(run_id, item.id, repeat, score))
    return out


def to_row(run_id: str, item_id: str, repeat: int, s: Score) -> ScoreRow:
    """One `Score` as a ``scores`` row, filed by the type of its value."""
    kind = ScoreKind(s.kind)  # a kind outside the table's three is an error, not a NULL row
    return ScoreRow(
        run_id=run_id,
        item_id=item_id,
        repeat=repeat,
        metric=s.metric,
        kind=kind.value,
        signature=s.signature,
        value_bool=bool(s.value) if kind is ScoreKind.BOOL else None,
        value_num=float(s.value) if kind is ScoreKind.NUMBER else None,
        value_label=str(s.value) if kind is ScoreKind.LABEL and s.value is not None else None,
        detail_json=json.dumps(s.detail, ensure_ascii=False) if s.detail else None,
    )
