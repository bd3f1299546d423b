"""Matplotlib forest plot of a comparison, for notebooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit.tasks import metric_scale

if TYPE_CHECKING:
    from evalkit.comparison._compare import Comparison

COLOURS = {
    "regressed": "#d62728",
    "worse": "#ff7f0e",
    "better": "#2ca02c",
    "": "#9e9e9e",
}
"""Point colours by slice verdict: the worse ones apart from the better and neutral ones."""
LABELS = {
    "regressed": "regressed (failed task)",
    "worse": "worse",
    "better": "better",
    "": "no significant change",
}
"""Legend text by slice verdict (the same words as the HTML report)."""


CJK_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "PingFang SC",
    "Microsoft YaHei", "SimHei",
)  # fmt: skip
"""Fonts with Chinese glyphs, tried after matplotlib's default for Chinese labels and names."""


def font_family() -> list[str] | None:
    """The default font, then every installed font of `CJK_FONTS` (matplotlib falls back
    glyph by glyph); None when none is installed (Chinese then shows as boxes)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [name for name in CJK_FONTS if name in installed]
    return ["DejaVu Sans", *cjk] if cjk else None


def _verdicts(cmp: Comparison, rows: Any) -> list[str]:
    regressed = set(cmp.regressed_slices.index)
    return [
        "regressed" if i in regressed else (v if v in ("worse", "better") else "")
        for i, v in zip(rows.index, rows["verdict"], strict=True)
    ]


def _legend(ax: Any, margin: float) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=c, marker="o", linewidth=2, label=LABELS[v])
        for v, c in COLOURS.items()
    ]
    handles.append(
        Line2D(
            [], [], color="#d62728", linestyle="--", linewidth=0.8, label=f"−margin ({margin:g})"
        )
    )
    ax.legend(handles=handles, loc="best", fontsize=7, title="candidate vs baseline")


def forest(cmp: Comparison, ax: Any = None, *, gate_only: bool = False) -> Any:
    """Deltas with intervals, one row per slice grouped by task; scores on 0-100 scales are
    shown as fractions. Titled ``candidate NAME vs baseline NAME: VERDICT``, with a legend."""
    import matplotlib.pyplot as plt

    from evalkit.comparison._render import run_title

    rows = cmp.slices[cmp.slices["gate"].astype(bool)] if gate_only else cmp.slices
    rows = rows[rows["metric"] != "answered"].sort_values(["task", "lang", "metric"], kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows) + 1.5)))
    scale = rows["metric"].map(metric_scale)
    delta, low, high = rows["delta"] / scale, rows["ci_low"] / scale, rows["ci_high"] / scale
    ys = list(range(len(rows)))[::-1]
    colours = [COLOURS[v] for v in _verdicts(cmp, rows)]
    ax.hlines(ys, low, high, colors=colours, linewidth=2)
    ax.scatter(delta, ys, c=colours, zorder=3, s=18)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.axvline(-cmp.gate.margin, color="#d62728", linewidth=0.8, linestyle="--")
    tasks = rows["task"].tolist()
    for i in range(1, len(tasks)):  # a rule between tasks
        if tasks[i] != tasks[i - 1]:
            ax.axhline(ys[i] + 0.5, color="#ccc", linewidth=0.6)
    labels = [f"{r.task}/{r.lang}/{r.metric}" for r in rows.itertuples()]
    family = font_family()
    font = {"fontfamily": family} if family else {}
    ax.set_yticks(ys, labels, fontsize=8, **font)
    ax.set_xlabel("candidate − baseline (fraction of scale)")
    ax.set_title(f"{run_title(cmp)}: {cmp.verdict}", **font)
    _legend(ax, cmp.gate.margin)
    return ax
