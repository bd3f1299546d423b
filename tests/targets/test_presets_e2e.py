"""Every provider preset through its real SDK, against the simulator speaking its dialect."""

from __future__ import annotations

from dataclasses import replace

import pytest

import evalkit as ek
from evalkit.sim import Faults, Persona, Rates, Simulator
from evalkit.targets import PRESETS, parse_target
from tests._helpers import make_set, qa_items

PERFECT = Rates(accuracy=1.0, hallucination=0.0)
ITEMS = qa_items(6)


@pytest.fixture(scope="module")
def sim():
    personas = [
        Persona(name="plain", rates=PERFECT),
        Persona(name="deepseek-reasoner", rates=PERFECT, dialect="deepseek", reasoning=True),
        Persona(
            name="openrouter-auto",
            rates=PERFECT,
            dialect="openrouter",
            served_model="anthropic/claude-3.5-haiku",
        ),
        Persona(
            name="minimax-busy",
            rates=PERFECT,
            dialect="minimax",
            faults=Faults(rate_429=0.5, retry_after_s=0.0),
        ),
    ]
    with Simulator(personas, ITEMS) as s:
        yield s


@pytest.fixture(autouse=True)
def keys(monkeypatch):
    for preset in PRESETS.values():
        if preset.api_key_env:
            monkeypatch.setenv(preset.api_key_env, "sim-not-a-real-key")


def run(spec):
    result = ek.run(spec, [make_set(ITEMS)], store=":memory:", max_retries=6, backoff_base_s=0.001)
    return result, result.store.responses_frame(result.run_id)


@pytest.mark.parametrize("preset", ["openai", "qwen", "kimi", "glm", "vllm", "ollama", "llamacpp"])
def test_plain_openai_compatible_presets(sim, preset):
    spec = replace(parse_target(f"{preset}:plain"), base_url=sim.url + "/v1")
    result, frame = run(spec)
    assert result.summary.failed == 0 and len(frame) == 12
    assert result.to_pandas().query("metric == 'correct'").value.all()


def test_deepseek_reasoning_content_is_stored_not_scored(sim):
    spec = replace(parse_target("deepseek:deepseek-reasoner"), base_url=sim.url + "/v1")
    result, frame = run(spec)
    assert frame.reasoning.notna().all()
    assert result.to_pandas().query("metric == 'correct'").value.all()


def test_openrouter_records_the_upstream_model_that_served(sim):
    spec = replace(parse_target("openrouter:openrouter-auto"), base_url=sim.url + "/v1")
    _, frame = run(spec)
    assert set(frame.served_model) == {"anthropic/claude-3.5-haiku"}


def test_minimax_http_200_rate_limits_are_retried(sim):
    spec = replace(parse_target("minimax:minimax-busy"), base_url=sim.url + "/v1")
    result, _ = run(spec)
    assert result.summary.failed == 0 and result.summary.retries > 0
    assert sim.stats().get("fault:minimax-busy:429", 0) > 0


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_preset(sim, stream):
    spec = replace(parse_target("anthropic:plain"), base_url=sim.url, stream=stream)
    result, frame = run(spec)
    assert result.summary.failed == 0 and len(frame) == 12
