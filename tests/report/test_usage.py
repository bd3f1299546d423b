from __future__ import annotations

from types import SimpleNamespace

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


def test_ttft_percentiles_come_from_the_streamed_replies_only(pair):
    _, store = pair
    ttft = store.responses_frame("cand")["ttft_ms"].to_numpy()
    cand, base = run_usage(store, "cand"), run_usage(store, "base")
    assert cand[0].ttft == pytest.approx(tuple(np.percentile(ttft, [50, 95])))
    assert cand[0].ttft[0] < cand[0].latency[0]
    assert all(u.ttft == () for u in base)  # nothing streamed: unknown, not zeros


def test_section_shows_ttft_beside_latency_and_a_dash_for_the_run_without(pair):
    cmp, store = pair
    html = usage_section(cmp, store)
    assert "<th>TTFT p50 ms</th><th>TTFT p95 ms</th>" in html and "time to first token" in html
    base_row = next(r for r in html.split("<tr") if "<td>baseline</td><td>(all routes)" in r)
    cand_row = next(r for r in html.split("<tr") if "<td>candidate</td><td>(all routes)" in r)
    p99 = run_usage(store, "base")[0].latency[2]
    assert base_row.endswith(f"<td>{p99:,.0f}</td><td>-</td><td>-</td></tr>")  # p99, no TTFT
    p50 = run_usage(store, "cand")[0].ttft[0]
    assert f"<td>{p50:,.0f}</td>" in cand_row


def test_section_of_runs_without_ttft_has_no_ttft_columns(pair):
    _, store = pair
    neither = SimpleNamespace(baseline="base", candidate="twin")  # both unstreamed
    html = usage_section(neither, store)  # type: ignore[arg-type]
    assert "TTFT" not in html and "latency p50 ms" in html
