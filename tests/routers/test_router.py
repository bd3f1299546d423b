from __future__ import annotations

import textwrap

import pandas as pd
import pytest

import evalkit as ek
from evalkit.commands import compare_routers_command
from evalkit.errors import ConfigError
from evalkit.routers import RouterSpec, load_router, route_diff
from evalkit.sim import Faults, Persona, Rates, Simulator
from evalkit.store import Store
from tests._helpers import make_set, qa_items

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
  backup:
    provider: sim
    model: backup
    base_url: {url}
rules:
  - name: zh-route
    match: {{lang: [zh]}}
    model: {zh_model}
default: cheap
fallbacks:
  cheap: [backup]
"""


def write_router(tmp_path, name="r", url="http://127.0.0.1:9", zh_model="strong"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(ROUTER.format(name=name, url=url, zh_model=zh_model))
    return path


@pytest.fixture(scope="module")
def sim():
    items = qa_items(40)
    personas = [
        Persona(name="cheap", rates=Rates(accuracy=0.7, hallucination=0.3)),
        Persona(name="strong", rates=Rates(accuracy=1.0, hallucination=0.0)),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    with Simulator(personas, items) as s:
        yield s, items


def test_routes_by_rule_and_records_route_reason_and_served_model(sim, tmp_path):
    server, items = sim
    router = RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url)))
    result = ek.run(router, [make_set(items)], store=":memory:")
    frame = result.store.responses_frame(result.run_id)
    zh, en = frame[frame.lang == "zh"], frame[frame.lang == "en"]
    assert set(zh.route) == {"zh-route"} and set(zh.served_model) == {"strong"}
    assert set(en.route) == {"default"} and set(en.served_model) == {"cheap"}
    assert set(zh.route_reason) == {"lang=zh"} and set(en.route_reason) == {"no rule matched"}
    run = result.store.run(result.run_id)
    assert run.target_kind == "router" and run.target_name == "r"


def test_cost_uses_each_models_price(sim, tmp_path):
    server, items = sim
    router = RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url)))
    result = ek.run(router, [make_set(items)], store=":memory:")
    f = result.store.responses_frame(result.run_id)
    strong = f[f.target_name == "strong"]
    expected = (strong.prompt_tokens * 10.0 + strong.completion_tokens * 30.0) / 1e6
    assert strong.cost.to_numpy() == pytest.approx(expected.to_numpy())
    assert set(f.currency.dropna()) == {"CNY"}


def test_currencies_are_never_summed_and_no_price_is_not_zero(sim, tmp_path):
    server, items = sim
    text = write_router(tmp_path, url=server.url).read_text()
    # strong (zh) bills in USD now; cheap (en) keeps CNY; backup has no price at all
    text = text.replace("{input: 10.0, output: 30.0, currency: CNY}", "{input: 10.0, output: 30.0}")
    path = tmp_path / "mixed.yaml"
    path.write_text(text)
    result = ek.run(RouterSpec.from_config(load_router(path)), [make_set(items)], store=":memory:")
    s = result.summary
    assert set(s.costs) == {"CNY", "USD"} and s.costs["USD"] > 0 and s.costs["CNY"] > 0
    assert "CNY + " in s.cost_text and "USD" in s.cost_text
    f = result.store.responses_frame(result.run_id)
    assert set(f[f.target_name == "strong"].currency) == {"USD"}
    unpriced = ek.run(f"sim:backup@{server.url}", [make_set(items[:4])], store=":memory:")
    assert unpriced.summary.cost_text == "no price for sim:backup" or (
        "no price" in unpriced.summary.cost_text
    )
    rows = unpriced.store.responses_frame(unpriced.run_id)
    assert rows.cost.isna().all() and rows.currency.isna().all()  # never a made-up 0.0


def test_a_cached_rerun_keeps_its_own_routes_and_prices_and_copies_the_scores(sim, tmp_path):
    """Reused replies are copied inside DuckDB: each row carries this run's route and this
    run's price for the stored tokens (a renegotiated price shows), and the reply's scores."""
    server, items = sim
    store = Store(":memory:")
    first = ek.run(RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url))),
                   [make_set(items)], store=store)  # fmt: skip
    text = write_router(tmp_path, url=server.url).read_text()
    text = text.replace("{input: 10.0, output: 30.0, currency: CNY}", "{input: 5.0, output: 7.0}")
    text = text.replace("{input: 1.0, output: 2.0, currency: CNY}", "null")  # cheap: unpriced
    path = tmp_path / "renegotiated.yaml"
    path.write_text(text)
    again = ek.run(RouterSpec.from_config(load_router(path)), [make_set(items)], store=store)
    assert again.summary.cached == len(items) and again.summary.called == 0
    a = store.responses_frame(first.run_id).set_index(["item_id", "repeat"]).sort_index()
    b = store.responses_frame(again.run_id).set_index(["item_id", "repeat"]).sort_index()
    assert b.cached.all() and (b.attempts == 0).all() and not b.fallback_used.any()
    for col in ("text", "route", "route_reason", "served_model", "prompt_tokens", "latency_ms"):
        assert b[col].tolist() == a[col].tolist(), col
    strong, cheap = b[b.target_name == "strong"], b[b.target_name == "cheap"]
    expected = (strong.prompt_tokens * 5.0 + strong.completion_tokens * 7.0) / 1e6
    assert strong.cost.to_numpy() == pytest.approx(expected.to_numpy())
    assert set(strong.currency) == {"USD"} and set(strong.route) == {"zh-route"}
    assert cheap.cost.isna().all() and cheap.currency.isna().all()
    sa, sb = store.scores_frame(first.run_id), store.scores_frame(again.run_id)
    key = ["item_id", "repeat", "metric"]
    cols = [*key, "value", "value_label", "signature"]
    assert len(sb) == len(sa) > 0
    pd.testing.assert_frame_equal(
        sb.sort_values(key)[cols].reset_index(drop=True),
        sa.sort_values(key)[cols].reset_index(drop=True),
    )


def test_fallback_serves_when_the_routed_model_fails(tmp_path):
    items = qa_items(10)
    personas = [
        Persona(name="cheap", faults=Faults(rate_500=1.0)),
        Persona(name="strong"),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    with Simulator(personas, items) as server:
        router = RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url)))
        result = ek.run(
            router,
            [make_set(items)],
            store=":memory:",
            max_retries=1,
            backoff_base_s=0.001,
            retry_budget=5.0,
        )
    f = result.store.responses_frame(result.run_id)
    en = f[f.lang == "en"]
    assert en.fallback_used.all() and set(en.served_model) == {"backup"}
    assert not f[f.lang == "zh"].fallback_used.any()
    assert result.summary.fallbacks == 10 and result.summary.failed == 0


def test_route_diff_recalls_only_the_changed_route(sim, tmp_path):
    server, items = sim
    a = write_router(tmp_path, "today", server.url, zh_model="strong")
    b = write_router(tmp_path, "tomorrow", server.url, zh_model="cheap")
    db = str(tmp_path / "rd.duckdb")
    diff = route_diff(
        RouterSpec.from_config(load_router(a)),
        RouterSpec.from_config(load_router(b)),
        [make_set(items)],
    )
    assert len(diff.changed) == 40 and diff.moves() == {("strong", "cheap"): 40}

    import evalkit.goldensets as goldensets

    original = goldensets.load_goldensets
    goldensets.load_goldensets = lambda names=None: [make_set(items)]  # the test set, not built-ins
    try:
        result, _ = compare_routers_command(str(a), str(b), store=db)
    finally:
        goldensets.load_goldensets = original
    assert result.baseline.summary.called == 80
    assert result.candidate.summary.called == len(diff.changed) == 40
    assert result.candidate.summary.cached == 40
    assert "40 of 80 items change route" in result.note
    cmp = result.comparison
    assert not cmp.passed  # zh moved from a perfect model to a 70% one
    assert "factual_qa" in set(cmp.failing["hypothesis"])
    assert {(r.task, r.lang) for r in cmp.regressed_slices.itertuples()} == {("factual_qa", "zh")}


def test_config_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent("""\
        name: bad
        models:
          a: {provider: sim, model: a, base_url: "http://x"}
          b: {provider: sim, model: b, base_url: "http://x"}
        rules:
          - name: all
            model: a
          - name: never
            match: {lang: [zh]}
            model: a
          - name: ghost
            match: {task: [poetry]}
            model: nope
        default: a
        fallbacks:
          a: [b]
          b: [a]
        """)
    )
    with pytest.raises(ConfigError) as info:
        load_router(path)
    text = str(info.value)
    assert (
        f"{path}:8: rule 'never' can never match: rule 'all' before it matches every item" in text
    )
    assert f"{path}:13: rule 'ghost' routes to unknown model 'nope'" in text
    assert "unknown task(s) ['poetry']" in text
    assert "fallback cycle a -> b -> a" in text


def test_schema_errors_name_the_line(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text(
        "name: t\nmodels:\n  a: {provider: sim, model: a, base_url: 'http://x'}\n"
        "default: a\nrulez: []\n"
    )
    with pytest.raises(ConfigError, match=r"typo.yaml:5: rulez: Extra inputs are not permitted"):
        load_router(path)


def test_route_table_reports_cost_latency_errors_and_quality_per_route(sim, tmp_path):
    from evalkit.comparison import route_table

    server, items = sim
    router = RouterSpec.from_config(load_router(write_router(tmp_path, url=server.url)))
    result = ek.run(router, [make_set(items)], store=":memory:")
    table = route_table(result.store, result.run_id).set_index("route")
    assert set(table.index) == {"zh-route", "default"}
    assert table.loc["zh-route", "models"] == "strong" and table.loc["zh-route", "n"] == 40
    assert table.loc["zh-route", "cost_per_mtok"] > table.loc["default", "cost_per_mtok"]
    assert table.loc["zh-route", "quality"] == 1.0 and table.loc["default", "quality"] < 1.0
    assert (table.error_rate == 0).all() and (table.p99_ms >= table.p50_ms).all()


def test_a_price_only_change_recalls_nothing_but_costs_the_new_price(sim, tmp_path):
    server, items = sim
    a = write_router(tmp_path, "old-price", server.url)
    b = tmp_path / "new-price.yaml"
    b.write_text(a.read_text().replace("{input: 10.0, output: 30.0", "{input: 5.0, output: 15.0")
                 .replace("name: old-price", "name: new-price"))  # fmt: skip
    store = str(tmp_path / "price.duckdb")
    first = ek.run(str(a), [make_set(items)], store=store)
    first.store.close()
    second = ek.run(str(b), [make_set(items)], store=store)
    assert second.summary.called == 0 and second.summary.cached == 80
    f1 = Store(store).responses_frame(first.run_id)
    f2 = second.store.responses_frame(second.run_id)
    strong1 = f1[f1.target_name == "strong"].cost.sum()
    strong2 = f2[f2.target_name == "strong"].cost.sum()
    assert strong2 == pytest.approx(strong1 / 2)


def test_cli_run_with_a_router_and_a_broken_one(sim, tmp_path):
    import subprocess
    import sys

    server, _ = sim
    good = write_router(tmp_path, url=server.url)
    db = str(tmp_path / "cli.duckdb")
    ok = subprocess.run(
        [sys.executable, "-m", "evalkit._cli.main", "run", "--router", str(good), "--sets",
         "factual_qa", "--limit", "4", "--store", db, "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("default: cheap", "default: nowhere"))
    out = subprocess.run(
        [sys.executable, "-m", "evalkit._cli.main", "run", "--router", str(bad), "--store", db],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert f"{bad}:" in out.stderr and "unknown model 'nowhere'" in out.stderr


def test_litellm_config_is_accepted_where_a_router_is(tmp_path):
    from evalkit._api import resolve_target

    path = tmp_path / "litellm.yaml"
    path.write_text(
        "model_list:\n  - model_name: chat\n    litellm_params: {model: openai/m, "
        "api_base: 'http://127.0.0.1:9/v1'}\n"
    )
    spec = resolve_target(str(path))
    assert isinstance(spec, RouterSpec) and spec.config.default == "chat"
