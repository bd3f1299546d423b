"""Agreement of a judged run: panel alpha per measure, each judge's kappa against human labels."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import pandas as pd

from evalkit.judges._agreement import cohen_kappa, interpret_alpha, panel_agreement

if TYPE_CHECKING:
    from evalkit.store import Store


def agreement(store: Store, run: str) -> pd.DataFrame:
    """Per measure: Krippendorff's alpha across the panel (nominal for labels, interval for
    scores), its reading, and per judge Cohen's kappa against ``human_labels`` where items have
    them (quadratic-weighted for scores)."""
    run_id = store.resolve_run_id(run)
    frame = store.verdicts_frame(run_id)
    frame = frame[frame["status"] == "ok"]
    humans: dict[str, dict[str, object]] = {
        i.id: dict(i.human_labels or {}) for i in store.run_items(run_id)
    }
    rows = []
    for measure, grp in frame.groupby("measure"):
        is_score = grp["label"].isna().all()
        value = grp["score"] if is_score else grp["label"]
        unit = grp["item_id"] + "#" + grp["repeat"].astype(str)
        verdicts: dict[str, dict[Hashable, object]] = {}
        for judge, u, v in zip(grp["judge_name"], unit, value, strict=True):
            verdicts.setdefault(judge, {})[u] = v
        report = panel_agreement(verdicts, "interval" if is_score else "nominal")
        row = {"measure": measure, "alpha": report.alpha, "reading": interpret_alpha(report.alpha),
               "units": report.n_units, "judges": report.n_judges}  # fmt: skip
        row.update(_human_kappas(grp, humans, measure, is_score))
        rows.append(row)
    return pd.DataFrame(rows)


def _human_kappas(
    grp: pd.DataFrame, humans: dict[str, dict[str, object]], measure: str, is_score: bool
) -> dict[str, float]:
    out = {}
    for judge, part in grp.groupby("judge_name"):
        pairs = [
            (humans[i].get(measure), v)
            for i, v in zip(part["item_id"], part["score" if is_score else "label"], strict=True)
            if humans.get(i, {}).get(measure) is not None
        ]
        if len(pairs) >= 2:
            h, j = zip(*pairs, strict=True)
            out[f"kappa_vs_human:{judge}"] = cohen_kappa(
                list(h), list(j), weights="quadratic" if is_score else None
            )
    return out
