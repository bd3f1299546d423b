"""The slice section: forest plots of the deltas, the full slice table, missing slices and notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit.report._format import esc, is_missing, num, pvalue, row, table
from evalkit.report._svg import ForestRow, forest_plot
from evalkit.tasks import METRIC_SCALE

if TYPE_CHECKING:
    import pandas as pd

    from evalkit.comparison import Comparison

VERDICT_COLOURS = {
    "FAIL": "#d62728",
    "regressed": "#d62728",
    "worse": "#ff7f0e",
    "better": "#2ca02c",
    "pass": "#1f77b4",
}
NEUTRAL = "#9e9e9e"
HEAD = [
    "task", "lang", "metric", "gate", "n", "clusters", "baseline", "candidate", "delta",
    "interval", "test", "p", "p_worse", "p_adj", "mde", "verdict",
]  # fmt: skip
MAX_EXCLUDED_SHOWN = 50


def _get(r: Any, name: str) -> Any:
    return getattr(r, name, float("nan"))


def slice_label(r: Any) -> str:
    """``task / lang / metric`` of a slice row."""
    return f"{r.task} / {r.lang} / {r.metric}"


def _scale(r: Any) -> float:
    """The metric's scale range: 1 for rates, 100 for BLEU/chrF, 4 for 1-5 judge scores.

    Each scale gets its own axis so the rates stay readable.
    """
    known = METRIC_SCALE.get(str(r.metric))
    if known is not None:
        return known
    values = [abs(v) for v in (_get(r, "baseline"), _get(r, "candidate")) if not is_missing(v)]
    return 100.0 if any(v > 1.0 for v in values) else 1.0


LEGEND = (
    (VERDICT_COLOURS["regressed"], "regressed (failed task)"),
    (VERDICT_COLOURS["worse"], "worse"),
    (VERDICT_COLOURS["better"], "better"),
    (NEUTRAL, "no significant change"),
)
"""What each colour of the forest plot means (worse apart from better and neutral)."""


def _forest_row(r: Any) -> ForestRow:
    colour = VERDICT_COLOURS.get(str(_get(r, "verdict")), NEUTRAL)
    route = _get(r, "route")
    label = f"{r.lang} / {r.metric}" + ("" if is_missing(route) else f" / {route}")
    return ForestRow(
        label, _get(r, "delta"), _get(r, "ci_low"), _get(r, "ci_high"), colour, str(r.task)
    )


def forest_plots(slices: pd.DataFrame, margin: float) -> str:
    """One forest plot per scale (rates, 0-100 scores, 1-5 judge scores), each when it has rows;
    in each, the slices grouped by task under a heading, with a colour legend."""
    rows_by_scale: dict[float, list[Any]] = {}
    ordered = (
        slices.sort_values(["task", "lang", "metric"], kind="stable") if len(slices) else slices
    )
    for r in ordered.itertuples():
        rows_by_scale.setdefault(_scale(r), []).append(r)
    plots = []
    for scale, caption in ((1.0, "rates (0–1)"), (100.0, "scores (0–100 points)"),
                           (4.0, "judge scores (1–5)")):  # fmt: skip
        rows = rows_by_scale.get(scale, [])
        if rows:
            caption = f"candidate − baseline, {caption}"
            # the gate's margin is a fraction of each metric's scale (GateConfig.margin_for)
            rows_drawn = [_forest_row(r) for r in rows]
            plots.append(forest_plot(rows_drawn, margin * scale, caption, LEGEND))
    return "".join(f'<div class="chart">{p}</div>' for p in plots)


def _cells(r: Any, by_route: bool = False) -> list[str]:
    interval = f"[{num(_get(r, 'ci_low'), signed=True)}, {num(_get(r, 'ci_high'), signed=True)}]"
    route = [esc(_get(r, "route"))] if by_route else []
    return (
        [esc(v) for v in (r.task, r.lang, r.metric)]
        + route
        + [
            "yes" if bool(_get(r, "gate")) else "",
            esc(_get(r, "n")),
            esc(_get(r, "clusters")),
            num(_get(r, "baseline")),
            num(_get(r, "candidate")),
            num(_get(r, "delta"), signed=True),
            esc(interval),
            esc(_get(r, "test")),
            pvalue(_get(r, "p")),
            pvalue(_get(r, "p_worse")),
            pvalue(_get(r, "p_adj")),
            num(_get(r, "mde")),
            f"<b>{esc(r.verdict)}</b>" if r.verdict in ("FAIL", "regressed") else esc(r.verdict),
        ]
    )


def _row_class(verdict: Any) -> str:
    return {"FAIL": "fail", "regressed": "fail", "worse": "worse", "better": "better"}.get(
        str(verdict), ""
    )


def slice_table(slices: pd.DataFrame) -> str:
    """Every slice with all its numbers; failing rows carry the ``fail`` class."""
    by_route = "route" in slices.columns
    rows = [row(_cells(r, by_route), cls=_row_class(r.verdict)) for r in slices.itertuples()]
    head = [*HEAD[:3], "route", *HEAD[3:]] if by_route else HEAD
    return table(head, rows, cls="slices")


def _listing(title: str, entries: list[str], cls: str = "") -> str:
    if not entries:
        return ""
    items = "".join(f"<li>{esc(e)}</li>" for e in entries)
    return f'<h3>{esc(title)}</h3><ul class="{esc(cls)}">{items}</ul>'


def _excluded(ids: list[str]) -> list[str]:
    shown = ids[:MAX_EXCLUDED_SHOWN]
    more = len(ids) - len(shown)
    return [", ".join(shown) + (f" … and {more} more" if more else "")] if ids else []


def slice_section(cmp: Comparison) -> str:
    """The chart, the table and the lists under them."""
    shown = cmp.slices.copy()
    if len(shown):
        shown.loc[cmp.regressed_slices.index, "verdict"] = "regressed"
    return (
        '<section id="slices"><h2>Slices (diagnostics)</h2>'
        '<p class="hint">Task x language slices are diagnostics, not gated. Point: mean delta; '
        "bar: paired interval; red: a gate metric's drop in a task the gate failed; "
        "orange/green: significantly worse/better (BH-adjusted); dashed: −margin.</p>"
        + forest_plots(shown, cmp.gate.margin)
        + slice_table(shown)
        + _listing("Missing gate slices (fail the gate)", list(cmp.missing_slices), "fail")
        + _listing("Notes", list(cmp.notes))
        + _listing(f"Excluded items ({len(cmp.excluded_items)})", _excluded(cmp.excluded_items))
        + "</section>"
    )
