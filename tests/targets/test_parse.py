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


def test_name_prefix_and_anthropic_sends_no_temperature_by_default():
    t = parse_target("prod=anthropic:claude-sonnet-4-5")
    assert t.name == "prod" and t.sampling.temperature is None
    assert parse_target("openai:gpt-4o").sampling.temperature == 0.0


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
