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


def test_summary_strip_opens_the_page_with_mde_against_margin(pair, page):
    cmp, _ = pair
    strip = page[page.index('id="summary"') : page.index("</section>")]
    assert page.index('id="summary"') < page.index('id="gate"')
    assert '<span class="badge fail">FAIL</span>' in strip and "Detectable with 80% power" in strip
    assert strip.count('<li class="chip') == len(cmp.hypotheses)
    for r in cmp.hypotheses.itertuples():
        assert f"<b>{r.hypothesis}</b> MDE {100 * r.mde:.1f} pts vs margin " in strip
    assert '<li class="chip fail"><b>factual_qa</b>' in strip and "<b>regressed</b>" in strip


def test_summary_strip_marks_underpowered_hypotheses(pair):
    _, store = pair
    same = compare_runs(store, "base", "twin")  # 80 items: cannot see a 5-point drop
    strip = render_html(same, store).split('id="summary"', 1)[1].split("</section>", 1)[0]
    weak = same.underpowered["hypothesis"].tolist()
    assert weak and all(f'<li class="chip weak"><b>{h}</b>' in strip for h in weak)
    assert "<b>underpowered</b>" in strip and 'class="chip fail"' not in strip


@pytest.mark.parametrize(
    ("names", "title"),
    [
        ({"baseline": "today", "candidate": "tomorrow"}, "candidate tomorrow vs baseline today"),
        ({"baseline": "今天", "candidate": "明天"}, "candidate 明天 vs baseline 今天"),
        ({"baseline": "gpt-今天", "candidate": None}, "candidate cand vs baseline gpt-今天"),
    ],
)
def test_titles_name_the_runs_by_name_not_id(pair, names, title):
    cmp, store = pair
    named = dataclasses.replace(cmp, names=names)
    page = render_html(named, store)
    assert f"<title>evalkit compare: {title}</title>" in page
    assert f"<h1>evalkit compare: {title}" in page
    assert title in named.render("md").splitlines()[0]


def test_regressed_items_show_prompt_and_reference_beside_both_replies(page):
    section = page[page.index('id="regressed"') :]
    head = section[section.index("<thead>") : section.index("</thead>")]
    assert head.index("prompt") < head.index("reference") < head.index("baseline answer")
    # Chinese prompt, mixed-script reference, English expectation, both replies on one row
    row7 = section[section.index("第7号东西是什么？") :].split("</tr>", 1)[0]
    assert "answers: ans007 | 答案007" in row7 and "expected: answer" in row7
    assert "北京是中国的首都。 ans007" in row7 and "错误答案7" in row7


def test_planted_markup_in_a_prompt_or_reference_is_escaped(page):
    assert "第0号东西是什么？&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "答案000&lt;script&gt;" in page


def test_forest_plot_has_a_legend_and_colours_worse_apart(pair, page):
    from evalkit.report._slices import LEGEND, VERDICT_COLOURS

    for colour, meaning in LEGEND:
        assert f'fill="{colour}"/><text' in page and f">{meaning}</text>" in page
    assert VERDICT_COLOURS["worse"] != VERDICT_COLOURS["better"]
    # the regressed zh slice is red; the untouched en slices are neutral grey
    assert '<circle cx="' in page and 'r="4" fill="#d62728"/>' in page
    assert 'r="4" fill="#9e9e9e"/>' in page


def test_mde_column_in_the_html_slice_table(page):
    head = page[page.index('<table class="slices">') :].split("</thead>", 1)[0]
    assert "<th>mde</th>" in head
