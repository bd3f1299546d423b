"""`Comparison.plot()`: candidate vs baseline by name, a legend, worse slices coloured apart."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

from evalkit.comparison import _plot
from tests.report._pair import ALERT, build_pair

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def cmp():
    comparison, store = build_pair(ALERT)
    yield comparison
    store.close()


@pytest.mark.parametrize(
    ("names", "title"),
    [
        ({}, "candidate cand vs baseline base: FAIL"),
        ({"baseline": "今天", "candidate": "明天"}, "candidate 明天 vs baseline 今天: FAIL"),
        ({"baseline": "gpt-4o 今天", "candidate": "qwen-明天"},
         "candidate qwen-明天 vs baseline gpt-4o 今天: FAIL"),
    ],
)  # fmt: skip
def test_title_says_candidate_vs_baseline_by_name(cmp, names, title):
    ax = dataclasses.replace(cmp, names=names).plot()
    assert ax.get_title() == title
    assert ax.get_xlabel() == "candidate − baseline (fraction of scale)"


def test_legend_names_every_colour_and_the_margin(cmp):
    legend = cmp.plot().get_legend()
    assert legend is not None and legend.get_title().get_text() == "candidate vs baseline"
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [
        "regressed (failed task)", "worse", "better", "no significant change",
        f"−margin ({cmp.gate.margin:g})",
    ]  # fmt: skip


def test_worse_slices_are_coloured_apart_from_neutral_ones(cmp):
    ax = cmp.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    colours = ax.collections[1].get_facecolors()  # the scatter of points
    by_label = dict(zip(labels, colours, strict=True))
    red, grey = matplotlib.colors.to_rgba("#d62728"), matplotlib.colors.to_rgba("#9e9e9e")
    assert tuple(by_label["factual_qa/zh/correct"]) == pytest.approx(red)
    assert tuple(by_label["factual_qa/en/correct"]) == pytest.approx(grey)


def test_rows_are_grouped_by_task(cmp):
    slices = cmp.slices.copy()
    twin = slices.assign(task="translation")
    mixed = dataclasses.replace(cmp, slices=pd.concat([twin, slices], ignore_index=True))
    labels = [t.get_text() for t in mixed.plot().get_yticklabels()]  # top row first
    tasks = [label.split("/")[0] for label in labels]
    assert tasks == sorted(tasks)  # every task's rows together, tasks in name order


def test_chinese_names_use_an_installed_cjk_font(monkeypatch):
    from matplotlib import font_manager

    fonts = [SimpleNamespace(name="DejaVu Sans"), SimpleNamespace(name="Noto Sans CJK SC")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fonts)
    assert _plot.font_family() == ["DejaVu Sans", "Noto Sans CJK SC"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fonts[:1])
    assert _plot.font_family() is None
