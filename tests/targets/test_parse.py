from __future__ import annotations

import pytest

from evalkit.errors import ConfigError
from evalkit.targets import PRESETS, load_targets_file, parse_target


@pytest.mark.parametrize(
    ("spec", "protocol", "base_url", "family", "key"),
    [
        (
            "deepseek:deepseek-chat",
            "openai",
            "https://api.deepseek.com/v1",
            "deepseek",
            "DEEPSEEK_API_KEY",
        ),
        (
            "qwen:qwen-plus",
            "openai",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "qwen",
            "DASHSCOPE_API_KEY",
        ),
        ("kimi:moonshot-v1-8k", "openai", "https://api.moonshot.cn/v1", "kimi", "MOONSHOT_API_KEY"),
        (
            "glm:glm-4-plus",
            "openai",
            "https://open.bigmodel.cn/api/paas/v4",
            "glm",
            "ZHIPUAI_API_KEY",
        ),
        (
            "minimax:MiniMax-Text-01",
            "openai",
            "https://api.minimax.io/v1",
            "minimax",
            "MINIMAX_API_KEY",
        ),
        ("anthropic:claude-sonnet-4-5", "anthropic", None, "claude", "ANTHROPIC_API_KEY"),
        ("openai:gpt-4o-mini", "openai", None, "gpt", "OPENAI_API_KEY"),
        (
            "openrouter:anthropic/claude-3.5-haiku",
            "openai",
            "https://openrouter.ai/api/v1",
            "claude",
            "OPENROUTER_API_KEY",
        ),
        (
            "vllm:qwen2.5@http://10.0.0.5:8000/v1",
            "openai",
            "http://10.0.0.5:8000/v1",
            "local",
            None,
        ),
    ],
)
def test_presets(spec, protocol, base_url, family, key):
    t = parse_target(spec)
    assert (t.protocol, t.base_url, t.family, t.api_key_env) == (protocol, base_url, family, key)


def test_every_preset_is_tested_above():
    assert set(PRESETS) == {
        "openai",
        "anthropic",
        "deepseek",
        "qwen",
        "kimi",
        "glm",
        "minimax",
        "openrouter",
        "vllm",
        "ollama",
        "llamacpp",
    }


def test_name_prefix_and_temperature_none_only_when_asked(tmp_path):
    t = parse_target("prod=anthropic:claude-sonnet-4-5")
    assert t.name == "prod" and t.sampling.temperature == 0.0
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - {provider: anthropic, model: claude-x, temperature: null}\n")
    assert load_targets_file(path)[0].sampling.temperature is None


def test_bad_spec_messages():
    with pytest.raises(ConfigError, match="expected provider:model"):
        parse_target("gpt-4o")
    with pytest.raises(ConfigError, match="unknown provider"):
        parse_target("acme:model")


def test_targets_file_and_errors_name_file_and_entry(tmp_path):
    good = tmp_path / "t.yaml"
    good.write_text(
        "targets:\n"
        "  - provider: deepseek\n    model: deepseek-chat\n"
        "    price: {input: 2, output: 8, currency: CNY}\n"
        "  - name: local\n    protocol: openai\n    model: m\n    base_url: http://127.0.0.1:9/v1\n"
    )
    specs = load_targets_file(good)
    assert [s.name for s in specs] == ["deepseek-chat", "local"]
    assert specs[0].price.cost(1_000_000, 500_000) == pytest.approx(6.0)
    bad = tmp_path / "b.yaml"
    bad.write_text("targets:\n  - provider: deepseek\n    modle: x\n")
    with pytest.raises(ConfigError, match=r"b.yaml:2: targets\[0\]\.model: Field required"):
        load_targets_file(bad)


def test_missing_key_error_names_variable(monkeypatch):
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="DEEPSEEK_API_KEY is not set"):
        parse_target("deepseek:deepseek-chat").api_key()


def test_public_config_has_no_secret(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secretsecretsecret")
    assert "sk-secret" not in str(parse_target("openai:gpt-4o").public_config())


def test_an_openai_compatible_proxy_is_not_assumed_to_be_gpt():
    assert parse_target("openai:chat@http://proxy:4000/v1").family == "unknown"
    assert parse_target("openai:gpt-4o").family == "gpt"


def test_a_spec_string_carries_the_common_options():
    spec = parse_target(
        "llamacpp:qwen@http://127.0.0.1:8080/v1?max_tokens=256&timeout=300&concurrency=2"
        "&temperature=0.5&api-version=7"
    )
    assert spec.sampling.max_tokens == 256 and spec.sampling.temperature == 0.5
    assert spec.timeout_s == 300 and spec.concurrency == 2
    assert spec.base_url == "http://127.0.0.1:8080/v1?api-version=7"  # other params stay
    with pytest.raises(ConfigError, match="max_tokens='many'"):
        parse_target("vllm:m@http://h/v1?max_tokens=many")


def test_local_presets_default_to_what_the_server_handles():
    assert parse_target("llamacpp:qwen").concurrency == 1  # llama.cpp answers one at a time
    assert parse_target("vllm:qwen").concurrency is None  # vLLM batches: the run's setting
    assert parse_target("llamacpp:qwen@http://h/v1?concurrency=4").concurrency == 4


@pytest.mark.parametrize("spec", ["anthropic:claude-x", "openai:gpt-4o", "deepseek:deepseek-chat"])
def test_both_doors_default_to_temperature_0(spec):
    assert parse_target(spec).sampling.temperature == 0.0


@pytest.mark.parametrize(
    ("spec", "family"),
    [
        ("anthropic:claude-x", "claude"),
        ("anthropic:qwen-en@http://127.0.0.1:4000", "unknown"),  # a proxy: not Claude
        ("openai:chat@http://127.0.0.1:4000/v1", "unknown"),
        ("openai:gpt-4o", "gpt"),
    ],
)
def test_a_proxy_behind_a_first_party_protocol_has_no_family(spec, family):
    assert parse_target(spec).family == family
