from __future__ import annotations

import os

import anthropic
import openai
import pytest

from evalkit.sim import Faults, Persona

EN = "What is thing number 3?"
ZH = "第3号东西是什么？"


@pytest.fixture
def sim(sim_factory, tiny_items):
    perfect = Persona(name="perfect", rates={"accuracy": 1.0, "hallucination": 0.0})
    return sim_factory([perfect, Persona(name="reasoner", reasoning=True)], tiny_items)


def test_openai_plain_reply_answers_the_golden_item(sim):
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    resp = client.chat.completions.create(
        model="perfect", messages=[{"role": "user", "content": EN}]
    )
    assert "ans003" in resp.choices[0].message.content
    assert resp.model == "perfect"
    assert resp.usage.prompt_tokens > 0 and resp.usage.completion_tokens > 0


def test_openai_chinese_item_gets_a_chinese_answer(sim):
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    resp = client.chat.completions.create(
        model="perfect", messages=[{"role": "user", "content": ZH}]
    )
    assert resp.choices[0].message.content == "答案是答案003。"


def test_openai_streaming_matches_plain(sim):
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    msgs = [{"role": "user", "content": ZH}]
    plain = (
        client.chat.completions.create(model="perfect", messages=msgs).choices[0].message.content
    )
    chunks = client.chat.completions.create(
        model="perfect", messages=msgs, stream=True, stream_options={"include_usage": True}
    )
    parts, usage = [], None
    for chunk in chunks:
        usage = chunk.usage or usage
        parts.extend(c.delta.content or "" for c in chunk.choices)
    assert "".join(parts) == plain
    assert usage is not None and usage.completion_tokens > 0


def test_anthropic_plain_and_streaming(sim):
    client = anthropic.Anthropic(base_url=sim.url, api_key="x", max_retries=0)
    msgs = [{"role": "user", "content": EN}]
    msg = client.messages.create(model="perfect", max_tokens=64, messages=msgs)
    assert "ans003" in msg.content[0].text
    assert msg.usage.input_tokens > 0
    with client.messages.stream(model="perfect", max_tokens=64, messages=msgs) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == msg.content[0].text


def test_deepseek_style_reasoning_content(sim):
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    resp = client.chat.completions.create(
        model="reasoner", messages=[{"role": "user", "content": EN}]
    )
    assert resp.choices[0].message.reasoning_content  # type: ignore[attr-defined]


def test_unknown_model_is_404(sim):
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": EN}])


def test_same_seed_same_reply_different_seed_can_differ(sim_factory, tiny_items):
    coin = Persona(name="coin", rates={"accuracy": 0.5, "hallucination": 0.5})
    sim = sim_factory([coin], tiny_items)
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    msgs = [{"role": "user", "content": EN}]

    def ask(seed):
        return (
            client.chat.completions.create(model="coin", messages=msgs, seed=seed)
            .choices[0]
            .message.content
        )

    assert ask(1) == ask(1)
    replies = [ask(s) for s in range(16)]
    assert "The answer is ans003." in replies
    assert any(r != "The answer is ans003." for r in replies)


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        (Faults(rate_429=1.0, retry_after_s=7), openai.RateLimitError),
        (Faults(rate_500=1.0), openai.InternalServerError),
        (Faults(rate_drop=1.0), openai.APIConnectionError),
    ],
)
def test_fault_injection(sim_factory, tiny_items, faults, error):
    sim = sim_factory([Persona(name="faulty", faults=faults)], tiny_items)
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    with pytest.raises(error) as info:
        client.chat.completions.create(model="faulty", messages=[{"role": "user", "content": EN}])
    if faults.rate_429:
        assert info.value.response.headers["retry-after"] == "7"


def test_timeout_fault_times_out_the_client(sim_factory, tiny_items):
    sim = sim_factory(
        [Persona(name="slow", faults=Faults(rate_timeout=1.0, stall_s=2))], tiny_items
    )
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0, timeout=0.3)
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="slow", messages=[{"role": "user", "content": EN}])


def test_malformed_body_is_not_valid_json(sim_factory, tiny_items):
    sim = sim_factory([Persona(name="broken", faults=Faults(rate_malformed=1.0))], tiny_items)
    client = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
    with pytest.raises(Exception) as info:
        client.chat.completions.create(model="broken", messages=[{"role": "user", "content": EN}])
    assert "JSON" in type(info.value).__name__ or "Expecting" in str(info.value)


def test_a_simulator_in_its_own_process_serves_both_apis_and_stops(tiny_items):
    """``process=True`` (the demo's mode) answers like the thread mode, counts requests, and
    leaves no process behind."""
    from evalkit.sim import Simulator

    perfect = Persona(name="perfect", rates={"accuracy": 1.0, "hallucination": 0.0})
    with Simulator([perfect], tiny_items, process=True) as sim:
        oa = openai.OpenAI(base_url=sim.url + "/v1", api_key="x", max_retries=0)
        zh = oa.chat.completions.create(model="perfect", messages=[{"role": "user", "content": ZH}])
        assert zh.choices[0].message.content == "答案是答案003。"
        an = anthropic.Anthropic(base_url=sim.url, api_key="x", max_retries=0)
        en = an.messages.create(
            model="perfect", max_tokens=64, messages=[{"role": "user", "content": EN}]
        )
        assert "ans003" in en.content[0].text
        assert sum(sim.stats().values()) >= 2
        child = sim._process
        assert child is not None and child.is_alive() and child.pid != os.getpid()
    assert not child.is_alive()
