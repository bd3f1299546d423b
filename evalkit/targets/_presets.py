"""Provider presets: base URL, key variable, protocol and family for the providers teams route to.

Every field can be overridden in a targets file. Prices are not guessed here: put your contract
prices in the targets file or router config (``price: {input, output, currency}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from evalkit.targets._spec import Protocol


@dataclass(frozen=True)
class Preset:
    """Defaults for one provider."""

    protocol: Protocol
    base_url: str | None
    api_key_env: str | None
    family: str
    notes: str = ""
    concurrency: int | None = None
    """Requests in flight the server handles well (llama.cpp answers one at a time)."""


PRESETS: dict[str, Preset] = {
    "openai": Preset("openai", None, "OPENAI_API_KEY", "gpt"),
    "anthropic": Preset("anthropic", None, "ANTHROPIC_API_KEY", "claude"),
    "deepseek": Preset(
        "openai",
        "https://api.deepseek.com/v1",
        "DEEPSEEK_API_KEY",
        "deepseek",
        "reasoner models return `reasoning_content` beside `content`; it is stored, never scored",
    ),
    "qwen": Preset(
        "openai",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "DASHSCOPE_API_KEY",
        "qwen",
        "DashScope compatible mode",
    ),
    "kimi": Preset("openai", "https://api.moonshot.cn/v1", "MOONSHOT_API_KEY", "kimi"),
    "glm": Preset("openai", "https://open.bigmodel.cn/api/paas/v4", "ZHIPUAI_API_KEY", "glm"),
    "minimax": Preset("openai", "https://api.minimax.io/v1", "MINIMAX_API_KEY", "minimax"),
    "openrouter": Preset(
        "openai",
        "https://openrouter.ai/api/v1",
        "OPENROUTER_API_KEY",
        "openrouter",
        "the family is taken from the model prefix (anthropic/..., openai/...) when present",
    ),
    "vllm": Preset("openai", "http://127.0.0.1:8000/v1", None, "local"),
    "ollama": Preset("openai", "http://127.0.0.1:11434/v1", None, "local"),
    "llamacpp": Preset(
        "openai",
        "http://127.0.0.1:8080/v1",
        None,
        "local",
        "llama.cpp's server answers one request at a time: more in flight only queue and time out",
        concurrency=1,
    ),
}

OPENROUTER_FAMILIES: dict[str, str] = {
    "anthropic": "claude",
    "openai": "gpt",
    "deepseek": "deepseek",
    "qwen": "qwen",
    "moonshotai": "kimi",
    "z-ai": "glm",
    "thudm": "glm",
    "minimax": "minimax",
    "google": "gemini",
    "meta-llama": "llama",
}


def family_of_routed_model(model: str) -> str | None:
    """The family of an OpenRouter-style ``vendor/model`` name (``anthropic/claude-3.5-haiku``
    -> ``claude``); None without a vendor prefix. An unknown vendor is its own family."""
    if "/" not in model:
        return None
    prefix = model.split("/", 1)[0]
    return OPENROUTER_FAMILIES.get(prefix, prefix)


def family_for(provider: str, model: str) -> str:
    """The model family of ``model`` served by ``provider``."""
    routed = family_of_routed_model(model) if provider == "openrouter" else None
    return routed or PRESETS[provider].family
