"""Time to first token in the per-route tables: beside latency where a run streamed, left out
(not zeros) where none did."""

from __future__ import annotations

import pytest

from evalkit.comparison import ROUTE_COLUMNS, ROUTE_DELTA_COLUMNS, route_table
from evalkit.comparison._render import ROUTE_HEAD, TTFT_HEAD, render, route_cells, route_head
from evalkit.comparison._routes import (
    TTFT_COLUMNS,
    TTFT_DELTA_COLUMNS,
    RouteReport,
    route_deltas,
)
from evalkit.report import render_html
from tests.report._pair import build_pair


@pytest.fixture(scope="module")
def pair():
    return build_pair("")  # "cand" streamed (TTFT = latency / 4), "base" and "twin" did not


@pytest.fixture(scope="module")
def store(pair):
    return pair[1]


def test_a_streamed_runs_route_table_has_ttft_percentiles_after_latency(store):
    table = route_table(store, "cand")
    at = ROUTE_COLUMNS.index("p99_ms") + 1
    assert list(table.columns) == ROUTE_COLUMNS[:at] + TTFT_COLUMNS + ROUTE_COLUMNS[at:]
    for r in table.itertuples():
        assert r.ttft_p50_ms == pytest.approx(r.p50_ms / 4) and r.ttft_p95_ms < r.p95_ms


def test_an_unstreamed_runs_route_table_leaves_ttft_out(store):
    assert list(route_table(store, "base").columns) == ROUTE_COLUMNS


def test_route_deltas_have_ttft_only_when_both_runs_streamed(store):
    one_side = route_deltas(store, "base", "cand")
    assert list(one_side.columns) == ROUTE_DELTA_COLUMNS
    assert route_head(RouteReport(one_side)) == ROUTE_HEAD
    both = route_deltas(store, "cand", "cand")
    at = ROUTE_DELTA_COLUMNS.index("p99_delta_ms") + 1
    assert list(both.columns) == (
        ROUTE_DELTA_COLUMNS[:at] + TTFT_DELTA_COLUMNS + ROUTE_DELTA_COLUMNS[at:]
    )
    assert not both[TTFT_DELTA_COLUMNS].isna().any().any()  # same replies: a delta of 0
    assert (both[TTFT_DELTA_COLUMNS] == 0).all().all()


@pytest.mark.parametrize("baseline", ["base", "cand"])
def test_every_format_shows_ttft_deltas_exactly_when_the_deltas_have_them(pair, baseline):
    cmp, store = pair
    report = RouteReport(route_deltas(store, baseline, "cand"))
    head = route_head(report)
    rows = [route_cells(r) for r in report.deltas.itertuples()]
    assert rows and all(len(cells) == len(head) for cells in rows)
    shown = baseline == "cand"
    for text in (render(cmp, "md", report), render(cmp, "table", report),
                 render_html(cmp, store, routes=report)):  # fmt: skip
        assert (TTFT_HEAD[0] in text) == shown
