"""Matplotlib forest plot of a comparison, for notebooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit.tasks import metric_scale

if TYPE_CHECKING:
    from evalkit.comparison._compare import Comparison


def forest(cmp: Comparison, ax: Any = None, *, gate_only: bool = False) -> Any:
    """Deltas with intervals, one row per slice; scores on 0-100 scales are shown as fractions."""
    import matplotlib.pyplot as plt

    rows = cmp.slices[cmp.slices["gate"].astype(bool)] if gate_only else cmp.slices
    rows = rows[rows["metric"] != "answered"]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows) + 1)))
    scale = rows["metric"].map(metric_scale)
    delta, low, high = rows["delta"] / scale, rows["ci_low"] / scale, rows["ci_high"] / scale
    ys = list(range(len(rows)))[::-1]
    colours = ["#c62828" if v == "FAIL" else "#1565c0" for v in rows["verdict"]]
    ax.hlines(ys, low, high, colors=colours, linewidth=2)
    ax.scatter(delta, ys, c=colours, zorder=3, s=18)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.axvline(-cmp.gate.margin, color="#c62828", linewidth=0.8, linestyle="--")
    labels = [f"{r.task}/{r.lang}/{r.metric}" for r in rows.itertuples()]
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlabel("candidate − baseline (fraction of scale)")
    ax.set_title(f"{cmp.candidate} vs {cmp.baseline}: {'PASS' if cmp.passed else 'FAIL'}")
    return ax
