from __future__ import annotations

import dataclasses
import re

import pytest

from evalkit.comparison import GateConfig, compare_runs
from evalkit.report import render_html, write_html
from tests.report._pair import ALERT, CHINESE, EVIL_ID, EVIL_NOTE, EVIL_TARGET

REMOTE = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def page(pair) -> str:
    cmp, store = pair
    return render_html(cmp, store)


def test_is_self_contained(page):
    assert not REMOTE.search(page)
    assert "http://" not in page and "https://" not in page
    for tag in ("<link", "<script", "<iframe", "<object", "@import", "url("):
        assert tag not in page.lower()


def test_forbids_scripts_and_fetches_by_policy(page):
    assert "default-src 'none'" in page


def test_every_slice_is_charted_under_its_task_and_tabled(pair, page):
    cmp, _ = pair
    for r in cmp.slices.itertuples():
        assert f'class="lbl">{r.lang} / {r.metric}</text>' in page
        assert f"<td>{r.task}</td><td>{r.lang}</td><td>{r.metric}</td>" in page
    # one heading per task, drawn before that task's rows
    assert page.count('class="grp">factual_qa</text>') == 1
    assert page.index('class="grp">factual_qa<') < page.index('class="lbl">en / correct<')


def test_failing_rows_are_highlighted(pair, page):
    cmp, _ = pair
    # the failed hypotheses (overall, factual_qa) and the one regressed slice (zh correct)
    assert len(cmp.failing) == 2 and len(cmp.regressed_slices) == 1
    assert page.count('<tr class="fail">') == 3


def test_shows_fail_verdict_and_gate(page):
    assert '<span class="badge fail">FAIL</span>' in page
    assert "mode <b>regression</b>, alpha <b>0.05</b>, margin <b>0.02</b>" in page


def test_shows_pass_and_inconclusive_verdicts(pair):
    _, store = pair
    # 80 items cannot show a 5-point overall drop: identical runs are INCONCLUSIVE, not PASS
    same = compare_runs(store, "base", "twin")
    page = render_html(same, store)
    assert '<span class="badge inconclusive">INCONCLUSIVE</span>' in page
    assert "Detectable with 80% power: overall quality drop &gt;=" in page
    loose = compare_runs(store, "base", "twin", GateConfig(index_margin=0.2, task_margin=0.2))
    assert '<span class="badge pass">PASS</span>' in render_html(loose, store)


def test_header_names_runs_targets_and_times(page):
    assert "baseline-model" in page and "2026-01-02 12:00:00" in page


def test_planted_markup_in_an_answer_is_escaped(page):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert ALERT not in page and "<img" not in page


@pytest.mark.parametrize("untrusted", [EVIL_ID, EVIL_TARGET, EVIL_NOTE])
def test_ids_target_names_and_notes_are_escaped(page, untrusted):
    assert untrusted not in page
    assert (
        untrusted.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
        in page
    )


def test_missing_slices_are_listed(pair):
    cmp, _ = pair
    broken = dataclasses.replace(cmp, missing_slices=["refusal/zh/<behavior_ok>"])
    page = render_html(broken)
    assert "Missing gate slices" in page and "refusal/zh/&lt;behavior_ok&gt;" in page
    assert "badge fail" in page


def test_chinese_survives_a_round_trip_through_the_file(pair, tmp_path):
    cmp, store = pair
    path = write_html(cmp, tmp_path / "out" / "report.html", store)
    text = path.read_bytes().decode("utf-8")
    assert CHINESE in text and '<meta charset="utf-8">' in text
    assert '"Noto Sans CJK SC"' in text and '"Microsoft YaHei"' in text


def test_without_a_store_only_slices_are_shown(pair):
    cmp, _ = pair
    page = render_html(cmp, title="近况 <report>")
    assert "<title>近况 &lt;report&gt;</title>" in page
    assert 'id="slices"' in page
    assert 'id="usage"' not in page and 'id="regressed"' not in page
