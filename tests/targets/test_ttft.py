"""Time to first token: measured on streamed calls through both real SDKs, null otherwise."""

from __future__ import annotations

import pytest

import evalkit as ek
from evalkit.goldensets import GoldenItem
from evalkit.sim import Faults, Latency, Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set

PERFECT = Rates(accuracy=1.0, hallucination=0.0)
FIRST_MS, CHUNK_MS = 150.0, 60.0
"""The slow persona's first text comes 150 ms after its opening events, then a piece every 60 ms."""


def _item(item_id: str, lang: str, prompt: str, answer: str) -> GoldenItem:
    return GoldenItem(
        id=item_id, pair_id=item_id.rsplit("-", 1)[0], task="factual_qa", lang=lang,
        reply_lang="zh" if lang == "mixed" else None, prompt=prompt,
        reference={"answers": [answer]},
    )  # fmt: skip


# replies of 4+ pieces (16 characters each), so a slow stream is clearly longer than its start
ITEMS = [
    _item("cap-en", "en", "What is the capital of China?",
          "Beijing, the capital city of the People's Republic of China"),
    _item("cap-zh", "zh", "中国的首都是哪座城市？",
          "北京，中华人民共和国的首都，也是全国的政治、文化、国际交往和科技创新中心，"
          "历史悠久，人口两千多万"),
    _item("cap-mixed", "mixed", "中国的 capital city 是哪里？",
          "北京 Beijing，中华人民共和国的首都 (the capital of the PRC, 人口两千多万)"),
]  # fmt: skip


@pytest.fixture(scope="module")
def sim():
    personas = [
        Persona(name="steady", rates=PERFECT),
        Persona(
            name="slow",
            rates=PERFECT,
            latency=Latency(first_token_ms=FIRST_MS, chunk_ms=CHUNK_MS),
        ),
        Persona(name="busy", rates=PERFECT, faults=Faults(rate_429=0.6, retry_after_s=1.0)),
    ]
    with Simulator(personas, ITEMS) as s:
        yield s


@pytest.fixture(autouse=True)
def keys(monkeypatch):
    for env in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.setenv(env, "sim-not-a-real-key")


def _spec(sim, door: str, persona: str, stream: bool) -> str:
    query = "?stream=1" if stream else ""
    url = sim.url if door == "anthropic" else sim.url + "/v1"
    return f"{door}:{persona}@{url}{query}"


def _responses(spec: str, **options):
    result = ek.run(
        parse_target(spec), [make_set(ITEMS)], store=":memory:", use_cache=False, **options
    )
    assert result.summary.failed == 0
    return result.store.responses_frame(result.run_id)


@pytest.mark.parametrize("door", ["openai", "anthropic"])
def test_a_streamed_run_stores_ttft_within_latency_for_every_language(sim, door):
    rows = _responses(_spec(sim, door, "steady", stream=True))
    assert sorted(rows.lang) == ["en", "mixed", "zh"]
    assert rows.text.str.len().min() > 16  # every reply came in several pieces
    assert rows.ttft_ms.notna().all(), rows[["item_id", "ttft_ms"]]
    assert ((rows.ttft_ms > 0) & (rows.ttft_ms <= rows.latency_ms)).all()


@pytest.mark.parametrize("door", ["openai", "anthropic"])
def test_a_plain_run_stores_no_ttft_even_when_the_first_token_is_slow(sim, door):
    rows = _responses(_spec(sim, door, "slow", stream=False))
    assert rows.ttft_ms.isna().all()
    # the server still took the whole generation before answering: latency saw it
    assert (rows.latency_ms >= FIRST_MS).all()


@pytest.mark.parametrize("door", ["openai", "anthropic"])
def test_ttft_is_the_first_text_not_the_opening_events_and_ends_before_a_slow_stream(sim, door):
    rows = _responses(_spec(sim, door, "slow", stream=True))
    pieces = (rows.text.str.len() + 15) // 16
    assert (pieces >= 4).all()
    # the opening events arrive at once; the first text only FIRST_MS later
    assert (rows.ttft_ms >= FIRST_MS - 5).all(), rows[["item_id", "ttft_ms"]]
    # the other pieces took (pieces - 1) x CHUNK_MS more; half of that leaves room for noise
    rest = rows.latency_ms - rows.ttft_ms
    assert (rest >= (pieces - 1) * CHUNK_MS / 2).all(), rows[["item_id", "ttft_ms", "latency_ms"]]


@pytest.mark.parametrize("door", ["openai", "anthropic"])
def test_a_retried_request_reports_the_ttft_of_its_successful_attempt(sim, door):
    rows = _responses(
        _spec(sim, door, "busy", stream=True), max_retries=8, retry_budget=10.0, concurrency=3
    )
    retried = rows[rows.attempts > 1]
    assert len(retried) > 0
    # each retry waited Retry-After (1 s) first: none of that is in the call's timings
    assert (retried.ttft_ms < 1000).all() and (retried.latency_ms < 1000).all(), retried
    assert ((rows.ttft_ms > 0) & (rows.ttft_ms <= rows.latency_ms)).all()


def test_a_reused_reply_keeps_its_stored_ttft_and_a_reused_plain_reply_stays_null(sim):
    store = Store(":memory:")
    streamed = parse_target(_spec(sim, "openai", "steady", stream=True))
    first = ek.run(streamed, [make_set(ITEMS)], store=store, name="first")
    # the same requests (stream is no part of a request's hash), served from the store
    again = ek.run(streamed, [make_set(ITEMS)], store=store, name="again")
    assert again.summary.cached == len(ITEMS) and again.summary.called == 0
    key = ["item_id", "ttft_ms", "latency_ms"]
    before = store.responses_frame(first.run_id)[key]
    after = store.responses_frame(again.run_id)
    assert after.cached.all() and before.ttft_ms.notna().all()
    assert after[key].reset_index(drop=True).equals(before.reset_index(drop=True))
    # a plain reply reused by a streamed run has no TTFT to copy: it stays unknown
    plain_store = Store(":memory:")
    ek.run(parse_target(_spec(sim, "openai", "steady", stream=False)), [make_set(ITEMS)],
           store=plain_store, name="plain")  # fmt: skip
    reused = ek.run(streamed, [make_set(ITEMS)], store=plain_store, name="reused")
    assert reused.summary.cached == len(ITEMS)
    assert plain_store.responses_frame(reused.run_id).ttft_ms.isna().all()
