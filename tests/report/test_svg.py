from __future__ import annotations

import math

import pytest

from evalkit.report._svg import ForestRow, bar_chart, forest_plot, nice_ticks


@pytest.mark.parametrize(
    ("lo", "hi", "ticks"),
    [
        (-0.6, 0.05, [-0.6, -0.4, -0.2, 0.0]),
        (-12.4, 9.2, [-10.0, -5.0, 0.0, 5.0]),
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (1.0, 1.0, [1.0]),
    ],
)
def test_nice_ticks(lo, hi, ticks):
    assert nice_ticks(lo, hi) == pytest.approx(ticks, abs=1e-9)


def _rows() -> list[ForestRow]:
    return [
        ForestRow("a / en / correct", -0.5, -0.6, -0.4, "#d62728"),
        ForestRow("b / zh / <x>", 0.0, math.nan, math.nan, "#9e9e9e"),
    ]


def test_forest_plot_draws_a_point_per_row_and_an_interval_where_known():
    svg = forest_plot(_rows(), 0.02, "cap")
    assert svg.count("<circle") == 2
    assert svg.count('stroke-width="2"') == 1
    assert 'stroke-dasharray="4 3"' in svg and "−margin (0.02)" in svg


def test_forest_plot_escapes_labels():
    svg = forest_plot(_rows(), 0.02, "cap <b>")
    assert "&lt;x&gt;" in svg and "<x>" not in svg and "cap &lt;b&gt;" in svg


def test_forest_plot_puts_zero_right_of_a_negative_delta():
    svg = forest_plot(_rows()[:1], 0.0, "cap")
    circle_x = float(svg.split('<circle cx="')[1].split('"')[0])
    zero_x = float(svg.split('<line x1="')[1].split('"')[0])
    assert circle_x < zero_x


def test_bar_chart_draws_a_bar_per_value_and_skips_nan():
    svg = bar_chart(["p50", "p95"], {"base": [10.0, 20.0], "cand": [15.0, math.nan]}, "ms")
    assert svg.count("<rect") == 2 + 3  # two legend swatches, three bars
    assert ">20<" in svg and ">15<" in svg
