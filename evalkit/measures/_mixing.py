"""Code-mixed quality and cross-lingual parity measures of one run."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evalkit.comparison import paired_ci
from evalkit.metrics import code_mix_stats
from evalkit.tasks import HEADLINE_METRICS


def code_mixed(scores: pd.DataFrame, responses: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Language fidelity, terminology preservation, judge naturalness and mixing statistics.

    Mixing statistics are computed on the replies with the declared segmentation of
    `evalkit.metrics.code_mix_stats` (Han characters as tokens): switch points per reply, mean
    span length, CMI and M-index.
    """
    cm = scores[scores["task"] == "code_mixed"]
    wide = cm.pivot_table(index=["item_id", "repeat", *by], columns="metric", values="value")
    wide = wide.reset_index()
    texts = responses[responses["task"] == "code_mixed"][["item_id", "repeat", "text"]]
    wide = wide.merge(texts, on=["item_id", "repeat"], how="left")
    stats = [code_mix_stats(t or "") for t in wide["text"].fillna("")]
    wide["switch_points"] = [s.switch_points for s in stats]
    wide["mean_span"] = [
        float(np.mean([n for _, n in s.spans])) if s.spans else math.nan for s in stats
    ]
    wide["cmi"] = [s.cmi for s in stats]
    wide["m_index"] = [s.m_index for s in stats]
    cols = {
        "reply_lang": "fidelity",
        "key_terms": "terminology",
        "judge_naturalness": "naturalness",
    }
    agg = {new: (old, "mean") for old, new in cols.items() if old in wide}
    agg.update({k: (k, "mean") for k in ("switch_points", "mean_span", "cmi", "m_index")})
    agg["n"] = ("item_id", "size")
    return wide.groupby(by, as_index=False).agg(**agg)


def parity(scores: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per task: the paired English-minus-Chinese gap on the headline metric over ``pair_id``.

    Each pair contributes its en and zh item (repeats averaged first); the interval is a paired
    bootstrap of the mean gap.
    """
    rows = []
    for task, metrics in HEADLINE_METRICS.items():
        metric = metrics[0]
        part = scores[(scores["task"] == task) & (scores["metric"] == metric)]
        per_item = part.groupby(["pair_id", "lang"])["value"].mean().unstack()
        if not {"en", "zh"} <= set(per_item.columns):
            continue
        both = per_item.dropna(subset=["en", "zh"])
        if both.empty:
            continue
        en, zh = both["en"].to_numpy(float), both["zh"].to_numpy(float)
        low, high = paired_ci(zh, en, alpha, 2000) if len(both) > 1 else (math.nan, math.nan)
        rows.append({"task": task, "metric": metric, "pairs": len(both), "en": float(np.mean(en)),
                     "zh": float(np.mean(zh)), "gap_en_minus_zh": float(np.mean(en - zh)),
                     "ci_low": low, "ci_high": high})  # fmt: skip
    return pd.DataFrame(rows)
