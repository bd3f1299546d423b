"""Inline SVG charts drawn from numbers: a forest plot of deltas and a grouped bar chart."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evalkit.report._format import esc, is_missing

ROW_H = 18
LABEL_W = 300
WIDTH = 900
PAD = 40
SERIES_COLOURS = ("#1f77b4", "#ff7f0e")


@dataclass(frozen=True)
class ForestRow:
    """One slice in a forest plot.

    Attributes:
        label: Text at the left of the row.
        delta: Candidate minus baseline.
        low: Lower end of the interval (NaN when unknown).
        high: Upper end of the interval (NaN when unknown).
        colour: Colour of the point and interval.
        group: The group heading the row is drawn under (its task); rows of one group are
            consecutive, and a new group starts with its heading.
    """

    label: str
    delta: float
    low: float
    high: float
    colour: str
    group: str = ""


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``, about ``target`` of them."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / target
    base = 10 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    eps = 1e-9  # so -0.6 / 0.2 = -2.9999999999999996 still counts as a tick
    first, last = math.ceil(lo / step - eps), math.floor(hi / step + eps)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _scale(lo: float, hi: float, x0: float, x1: float) -> Callable[[float], float]:
    return lambda v: x0 + (v - lo) / (hi - lo) * (x1 - x0)


def _domain(rows: Sequence[ForestRow], margin: float) -> tuple[float, float]:
    values = [0.0, -margin]
    for r in rows:
        values += [v for v in (r.delta, r.low, r.high) if not is_missing(v)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or 0.05
    return lo - pad, hi + pad


def _vline(x: float, y0: float, y1: float, style: str) -> str:
    return f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" {style}/>'


def _axis(lo: float, hi: float, x: Callable[[float], float], y: float) -> str:
    parts = []
    for t in nice_ticks(lo, hi):
        parts.append(_vline(x(t), y, y + 4, 'stroke="#555"'))
        parts.append(
            f'<text x="{x(t):.1f}" y="{y + 16}" text-anchor="middle" class="tick">{t:g}</text>'
        )
    return "".join(parts)


def _forest_row(r: ForestRow, y: float, x: Callable[[float], float]) -> str:
    colour = esc(r.colour)
    parts = [
        f'<text x="{LABEL_W - 8}" y="{y + 4}" text-anchor="end" class="lbl">{esc(r.label)}</text>'
    ]
    if not (is_missing(r.low) or is_missing(r.high)):
        parts.append(
            f'<line x1="{x(r.low):.1f}" y1="{y}" x2="{x(r.high):.1f}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    if not is_missing(r.delta):
        parts.append(f'<circle cx="{x(r.delta):.1f}" cy="{y}" r="4" fill="{colour}"/>')
    return "".join(parts)


def _layout(rows: Sequence[ForestRow]) -> list[tuple[str, ForestRow | None]]:
    """Rows in drawing order, a ``(group, None)`` heading before each group's first row."""
    out: list[tuple[str, ForestRow | None]] = []
    current = None
    for r in rows:
        if r.group and r.group != current:
            out.append((r.group, None))
            current = r.group
        out.append((r.group, r))
    return out


def _forest_legend(legend: Sequence[tuple[str, str]], y: float) -> str:
    """Colour swatches with their meaning in one line, then the dashed margin line."""
    parts, x = [], float(LABEL_W + 10)
    for colour, text in legend:
        parts.append(
            f'<rect x="{x:.0f}" y="{y - 9}" width="10" height="10" fill="{esc(colour)}"/>'
            f'<text x="{x + 14:.0f}" y="{y}" class="tick">{esc(text)}</text>'
        )
        x += 24 + 6.2 * len(text)
    parts.append(
        f'<line x1="{x:.0f}" y1="{y - 4}" x2="{x + 18:.0f}" y2="{y - 4}" stroke="#d62728" '
        f'stroke-dasharray="4 3"/><text x="{x + 22:.0f}" y="{y}" class="tick">−margin</text>'
    )
    return "".join(parts)


def forest_plot(
    rows: Sequence[ForestRow],
    margin: float,
    caption: str,
    legend: Sequence[tuple[str, str]] = (),
) -> str:
    """A forest plot: one row per slice, a zero line and a dashed line at ``-margin``.

    Rows with a ``group`` are drawn under a heading per group; ``legend`` is (colour, meaning)
    pairs drawn under the caption.
    """
    laid = _layout(rows)
    top, height = 44 + (18 if legend else 0), ROW_H * len(laid)
    lo, hi = _domain(rows, margin)
    x = _scale(lo, hi, LABEL_W + 10, WIDTH - 20)
    bottom = top + height + 4
    parts = [
        f'<text x="{LABEL_W + 10}" y="16" class="cap">{esc(caption)}</text>',
        _vline(x(0.0), top - 6, bottom, 'stroke="#333" stroke-width="1"'),
        _vline(x(-margin), top - 6, bottom, 'stroke="#d62728" stroke-dasharray="4 3"'),
        f'<text x="{x(-margin) - 4:.1f}" y="{top - 12}" text-anchor="end" class="tick">'
        f"−margin ({margin:g})</text>",
    ]
    if legend:
        parts.append(_forest_legend(legend, 34))
    for i, (group, r) in enumerate(laid):
        y = top + ROW_H * i + ROW_H / 2
        if r is None:
            parts.append(f'<text x="8" y="{y + 4}" class="grp">{esc(group)}</text>')
        else:
            parts.append(_forest_row(r, y, x))
    parts.append(
        f'<line x1="{LABEL_W + 10}" y1="{bottom}" x2="{WIDTH - 20}" y2="{bottom}" stroke="#555"/>'
    )
    parts.append(_axis(lo, hi, x, bottom))
    return _svg(WIDTH, bottom + 24, "".join(parts), f"forest plot: {caption}")


def _bar(
    x: float, w: float, value: float, base_y: float, y: Callable[[float], float], colour: str
) -> str:
    top = y(value)
    return (
        f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{base_y - top:.1f}" '
        f'fill="{colour}"/><text x="{x + w / 2:.1f}" y="{top - 3:.1f}" text-anchor="middle" '
        f'class="tick">{value:,.0f}</text>'
    )


def _legend(names: Sequence[str], x0: float) -> str:
    return "".join(
        f'<rect x="{x0 + 150 * i}" y="6" width="10" height="10" fill="{SERIES_COLOURS[i % 2]}"/>'
        f'<text x="{x0 + 150 * i + 14}" y="15" class="tick">{esc(n)}</text>'
        for i, n in enumerate(names)
    )


def bar_chart(groups: Sequence[str], series: dict[str, Sequence[float]], unit: str) -> str:
    """Grouped bars: one group per label in ``groups``, one bar per series (at most two colours)."""
    width, base_y, plot_h = 460, 190, 150
    peak = max([v for vals in series.values() for v in vals if not is_missing(v)] or [1.0]) or 1.0
    y = _scale(0.0, peak * 1.1, base_y, base_y - plot_h)
    group_w = (width - PAD) / max(len(groups), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    parts = [_legend(list(series), PAD)]
    for g, label in enumerate(groups):
        gx = PAD + g * group_w + group_w * 0.15
        for s, vals in enumerate(series.values()):
            if not is_missing(vals[g]):
                colour = SERIES_COLOURS[s % 2]
                parts.append(_bar(gx + s * bar_w, bar_w, vals[g], base_y, y, colour))
        parts.append(
            f'<text x="{gx + bar_w * len(series) / 2:.1f}" y="{base_y + 16}" '
            f'text-anchor="middle" class="lbl">{esc(label)}</text>'
        )
    parts.append(f'<line x1="{PAD}" y1="{base_y}" x2="{width}" y2="{base_y}" stroke="#555"/>')
    parts.append(f'<text x="4" y="{base_y - plot_h}" class="tick">{esc(unit)}</text>')
    return _svg(width, base_y + 24, "".join(parts), f"bar chart ({unit})")


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">{body}</svg>'
    )
