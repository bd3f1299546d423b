from __future__ import annotations

import numpy as np
import pytest

from evalkit.report._usage import ALL_ROUTES, DIRECT, run_usage, usage_section


def test_candidate_usage_overall_and_per_route(pair):
    _, store = pair
    usage = {u.route: u for u in run_usage(store, "cand")}
    assert list(usage) == [ALL_ROUTES, "fast", "slow"]
    overall = usage[ALL_ROUTES]
    assert (overall.responses, overall.failed, overall.items) == (79, 1, 79)
    assert overall.error_rate == pytest.approx(1 / 80)
    assert overall.cost == {"USD": pytest.approx(0.079)}
    assert usage["fast"].failed == 1 and usage["slow"].failed == 0


def test_latency_percentiles_are_numpy_percentiles(pair):
    _, store = pair
    latency = store.responses_frame("cand")["latency_ms"].to_numpy()
    expected = np.percentile(latency, [50, 95, 99])
    assert run_usage(store, "cand")[0].latency == pytest.approx(tuple(expected))


def test_a_null_route_is_shown_as_direct(pair):
    _, store = pair
    routes = [u.route for u in run_usage(store, "base")]
    assert routes == [ALL_ROUTES, DIRECT, "fast"]


def test_section_has_the_table_and_the_latency_chart(pair):
    cmp, store = pair
    html = usage_section(cmp, store)
    assert "<td>(direct)</td>" in html and "0.0800 USD" in html and "0.001000 USD" in html
    assert "<td>1.2%</td>" in html
    assert html.count("<svg") == 1 and ">p99<" in html
