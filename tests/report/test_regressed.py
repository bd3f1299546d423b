from __future__ import annotations

from evalkit.comparison import compare_runs
from evalkit.report._regressed import regressed_items, regressed_section
from tests.report._pair import EVIL_ID, N_WRONG


def test_failing_slice_items_baseline_passed_candidate_failed(pair):
    cmp, store = pair
    items = regressed_items(cmp, store)
    assert len(items) == N_WRONG
    assert set(items["lang"]) == {"zh"} and set(items["metric"]) == {"correct"}
    assert (items["value_a"] == 1.0).all() and (items["value_b"] == 0.0).all()


def test_examples_are_limited_but_the_total_is_kept(pair):
    cmp, store = pair
    items = regressed_items(cmp, store, limit=5)
    assert len(items) == 5 and set(items["total"]) == {N_WRONG}
    assert "5 of 20 regressed item(s)" in regressed_section(cmp, store, limit=5)


def test_section_shows_both_answers_and_the_route(pair):
    cmp, store = pair
    html = regressed_section(cmp, store)
    assert "错误答案7" in html and "北京是中国的首都。 ans007" in html
    assert "<td>slow</td>" in html and EVIL_ID not in html


def test_no_failing_slice_says_so(pair):
    _, store = pair
    same = compare_runs(store, "base", "twin")
    assert "No failing slice" in regressed_section(same, store)
