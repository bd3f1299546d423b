"""A router cutover in every format: the route diff, per-route deltas, failing hypotheses first."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

import evalkit.goldensets as goldensets
from evalkit.commands import compare_routers_command
from evalkit.comparison import ROUTE_DELTA_COLUMNS, route_deltas, route_report
from evalkit.comparison._render import render
from evalkit.report import render_html
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store
from tests._helpers import make_set, qa_items

ZH_ROUTE = "中文路由"  # a Chinese route name; the en items take "default" (English)
CANDIDATE = "明天-tomorrow"  # a mixed-script router name
ROUTER = """
name: {name}
models:
  cheap:
    provider: sim
    model: cheap
    base_url: {url}
    price: {{input: 1.0, output: 2.0, currency: CNY}}
  strong:
    provider: sim
    model: strong
    base_url: {url}
    price: {{input: 10.0, output: 30.0, currency: CNY}}
rules:
  - name: {route}
    match: {{lang: [zh]}}
    model: {zh_model}
default: cheap
"""


@pytest.fixture(scope="module")
def cutover(tmp_path_factory):
    """today sends zh to a perfect model; tomorrow moves zh to a 40% one. Both stored."""
    tmp = tmp_path_factory.mktemp("cutover")
    items = qa_items(40)
    personas = [
        Persona(name="cheap", rates=Rates(accuracy=0.4, hallucination=0.6)),
        Persona(name="strong", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    configs = (("today", "strong"), (CANDIDATE, "cheap"))
    paths = [tmp / f"router-{i}.yaml" for i in range(2)]
    with Simulator(personas, items) as server:
        for path, (name, model) in zip(paths, configs, strict=True):
            text = ROUTER.format(name=name, url=server.url, route=ZH_ROUTE, zh_model=model)
            path.write_text(text, encoding="utf-8")
        original = goldensets.load_goldensets
        goldensets.load_goldensets = lambda names=None: [make_set(items)]  # the test set only
        try:
            routed, md = compare_routers_command(
                str(paths[0]), str(paths[1]), store=str(tmp / "r.duckdb"), progress=False,
                fmt="md",
            )  # fmt: skip
        finally:
            goldensets.load_goldensets = original
    with Store(tmp / "r.duckdb", read_only=True) as store:
        yield routed, store, md


def _row(routed, route):
    deltas = routed.routes.deltas
    return deltas[deltas["route"] == route].iloc[0]


def test_per_route_deltas_pair_the_items_of_each_route(cutover):
    routed, _, _ = cutover
    deltas = routed.routes.deltas
    assert list(deltas.columns) == ROUTE_DELTA_COLUMNS
    assert set(deltas["route"]) == {ZH_ROUTE, "default"}
    zh, en = _row(routed, ZH_ROUTE), _row(routed, "default")
    assert (zh["items"], en["items"]) == (40, 40)
    assert (zh["models_baseline"], zh["models_candidate"]) == ("strong", "cheap")
    assert (en["models_baseline"], en["models_candidate"]) == ("cheap", "cheap")
    # zh: a perfect model replaced by a 40% one; the exact McNemar test sees it
    assert zh["quality_baseline"] == 1.0 and zh["quality_candidate"] < 0.7
    assert zh["test"] == "mcnemar_exact" and zh["p_adj"] < 0.001 and zh["verdict"] == "worse"
    assert zh["ci_low"] < zh["quality_delta"] < zh["ci_high"] < 0
    # en: the same request under both configs, reused: nothing can differ
    assert en["quality_delta"] == 0 and en["verdict"] == "" and en["p"] == 1.0
    assert en["cost_delta"] == pytest.approx(0.0) and en["cost_delta_pct"] == pytest.approx(0.0)
    # zh got ten times cheaper per token: the cost drops by most of its baseline
    assert zh["currency"] == "CNY" and zh["cost_delta"] < 0 and -95 < zh["cost_delta_pct"] < -80
    assert zh["cost_per_item_candidate"] < zh["cost_per_item_baseline"]
    assert not math.isnan(zh["p95_delta_ms"])


def test_route_diff_says_what_moved_and_what_was_recalled(cutover):
    routed, _, _ = cutover
    lines = routed.routes.diff_lines()
    assert lines[0] == "route diff: 40 of 80 items change route (40 strong -> cheap)"
    assert lines[1].startswith("re-called: baseline 80 of 80, candidate 40 of 80; reused: ")
    assert "candidate 40;" in lines[1] and "CNY" in lines[1]


def _order(text, *needles):
    found = [text.index(n) for n in needles]
    assert found == sorted(found), f"out of order: {needles}"


def test_markdown_failing_first_then_route_diff_then_routes_then_slices(cutover):
    routed, _, md = cutover
    assert md == render(routed.comparison, "md", routed.routes)
    table = [line for line in md.splitlines() if line.startswith("| ")]
    verdicts = [line.rsplit("|", 2)[1].strip() for line in table[1:4]]
    assert verdicts[0] == "**FAIL**" and "**FAIL**" not in verdicts[2:]
    _order(md, "**FAIL**", "#### Routes", "- route diff: 40 of 80", "- re-called:",
           f"| {ZH_ROUTE} | 40 | strong -> cheap |", "| default | 40 | cheap -> cheap |",
           "<details>")  # fmt: skip
    zh_line = next(line for line in md.splitlines() if line.startswith(f"| {ZH_ROUTE} |"))
    assert "CNY (-" in zh_line and "mcnemar_exact" in zh_line and "**worse**" in zh_line
    assert f"candidate {CANDIDATE} vs baseline today" in md


def test_table_has_the_route_diff_and_per_route_rows(cutover):
    routed, _, _ = cutover
    text = render(routed.comparison, "table", routed.routes)
    _order(text, "route diff: 40 of 80", "Per route of the candidate", ZH_ROUTE, "diagnostics:")
    assert "strong -> cheap" in text and "mcnemar_exact" in text and "worse" in text


def test_json_carries_the_deltas_beside_the_diff(cutover):
    routed, _, _ = cutover
    payload = json.loads(render(routed.comparison, "json", routed.routes))
    routes = payload["routes"]
    assert routes["changed"] == 40 and routes["items"] == 80
    assert routes["moves"] == [{"from": "strong", "to": "cheap", "items": 40}]
    assert routes["recalled"] == {"baseline": 80, "candidate": 40}
    zh = next(d for d in routes["deltas"] if d["route"] == ZH_ROUTE)  # Chinese kept as written
    assert zh["verdict"] == "worse" and zh["models_candidate"] == "cheap"
    assert {r["route"] for r in routes["per_route"]["candidate"]} == {ZH_ROUTE, "default"}


def test_html_has_a_route_section_worst_route_first(cutover):
    routed, store, _ = cutover
    page = render_html(routed.comparison, store, routes=routed.routes)
    _order(page, 'id="summary"', 'class="fail"', 'id="routes"', 'id="slices"')
    section = page[page.index('id="routes"') : page.index('id="slices"')]
    _order(section, "route diff: 40 of 80", f"<td>{ZH_ROUTE}</td>", "<td>default</td>")
    assert '<tr class="worse"><td>中文路由</td>' in section
    assert f"<title>evalkit compare: candidate {CANDIDATE} vs baseline today</title>" in page


def test_stored_router_runs_get_per_route_deltas_without_a_diff(cutover):
    routed, store, _ = cutover
    report = route_report(store, routed.comparison)
    assert report is not None and report.items is None and report.diff_lines() == []
    assert set(report.deltas["route"]) == {ZH_ROUTE, "default"}
    md = render(routed.comparison, "md", report)
    assert "#### Routes" in md and "route diff" not in md


def test_currencies_are_never_compared_and_no_price_says_so(cutover):
    routed, store, _ = cutover
    frame = route_deltas(store, routed.comparison.baseline, routed.comparison.candidate)
    assert frame["currency"].tolist() == ["CNY", "CNY"]
    from evalkit.comparison._render import route_cells

    row = frame.iloc[0].copy()
    row["currency"] = "CNY/USD"
    assert route_cells(row)[3:5] == ["currencies differ (CNY/USD)", "-"]
    for unpriced in (None, float("nan")):
        row["currency"] = unpriced
        assert route_cells(row)[3:5] == ["no price", "no price"]


def test_failing_hypotheses_come_first_in_every_format(cutover):
    routed, store, _ = cutover
    cmp = routed.comparison
    flipped = cmp.hypotheses.copy()
    flipped["verdict"] = ["pass", "FAIL"]  # overall passing, the task failing
    flipped["hypothesis"] = ["overall", "任务-task"]
    shuffled = dataclasses.replace(cmp, hypotheses=flipped)
    md = render(shuffled, "md", routed.routes)
    _order(md, "| 任务-task |", "| overall |")
    _order(render(shuffled, "table", routed.routes), "│ 任务-task", "│ overall")
    page = render_html(shuffled, store, routes=routed.routes)
    gate = page[page.index('id="gate"') :]
    _order(gate, "<td>任务-task</td>", "<td>overall</td>")


def test_markup_in_a_route_name_is_escaped_in_html_and_markdown(cutover):
    routed, store, _ = cutover
    evil = "<script>alert('路由')</script>|x"
    deltas = routed.routes.deltas.assign(route=[evil, "default"])
    routes = dataclasses.replace(routed.routes, deltas=deltas)
    page = render_html(routed.comparison, store, routes=routes)
    assert evil not in page and "&lt;script&gt;alert(&#x27;路由&#x27;)&lt;/script&gt;|x" in page
    md = render(routed.comparison, "md", routes)
    # shown as text (GitHub renders inline HTML in Markdown); a pipe cannot break the table
    assert "| &lt;script>alert('路由')&lt;/script>\\|x | 40 |" in md and "<script" not in md


def test_markup_in_run_names_and_notes_shows_as_text_in_markdown(cutover):
    routed, _, _ = cutover
    names = {"baseline": "今天<b>", "candidate": "<img src=x onerror=alert(1)>明天"}
    cmp = dataclasses.replace(
        routed.comparison, names=names, notes=["<i>note</i> 注意"], warnings=["<u>w</u>"]
    )
    md = render(cmp, "md", routed.routes)
    assert "<img" not in md and "<b>" not in md and "<i>" not in md and "<u>" not in md
    assert "candidate &lt;img src=x onerror=alert(1)>明天 vs baseline 今天&lt;b>" in md
    assert "> &lt;i>note&lt;/i> 注意" in md and "> **Warning:** &lt;u>w&lt;/u>" in md
