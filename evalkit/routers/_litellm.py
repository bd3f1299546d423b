"""Importing a LiteLLM proxy ``config.yaml`` (``model_list`` + ``router_settings``) as a router."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from evalkit._yamlpos import line_of, load_with_lines
from evalkit.errors import ConfigError
from evalkit.routers._config import RouterConfig, RouterModel

# LiteLLM provider prefix -> evalkit preset (None: plain OpenAI-compatible with api_base)
_PREFIXES: dict[str, str | None] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "deepseek": "deepseek",
    "dashscope": "qwen",
    "moonshot": "kimi",
    "zai": "glm",
    "zhipuai": "glm",
    "minimax": "minimax",
    "openrouter": "openrouter",
    "hosted_vllm": "vllm",
    "ollama": "ollama",
    "ollama_chat": "ollama",
    "llamacpp": "llamacpp",
}


def import_litellm(
    path: str | Path, *, model_group: str | None = None, name: str | None = None
) -> RouterConfig:
    """Turn a LiteLLM config into an evalkit router config.

    LiteLLM routes by the model group the application asks for; evalkit evaluates one group:
    ``model_group`` (default: the first ``model_name``). A group of several deployments is
    load-balanced: it becomes a weighted split (``litellm_params.weight``, else ``rpm``, else
    ``tpm``, else equal weights, as LiteLLM's simple-shuffle), each item drawn to one
    deployment; on failure the group's other deployments are tried, then the groups
    ``router_settings.fallbacks`` names for it. Keys must be ``os.environ/VAR`` references: a
    literal key is refused, never copied.

    Raises:
        ConfigError: Naming the file and line of the problem.
    """
    path = Path(path)
    data, lines = load_with_lines(path)
    entries = data.get("model_list") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}:1: model_list: a LiteLLM config needs a non-empty model_list")
    models: dict[str, RouterModel] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    weights: dict[str, float] = {}
    for i, entry in enumerate(entries):
        where = f"{path}:{line_of(lines, ('model_list', i))}"
        key, model = _deployment(entry, i, where)
        key = key if key not in models else f"{key}#{i}"
        models[key] = model
        groups[entry["model_name"]].append(key)
        weights[key] = _weight(entry["litellm_params"])
    group = model_group or entries[0]["model_name"]
    if group not in groups:
        raise ConfigError(
            f"{path}: model group {group!r} not in model_list; use one of {sorted(groups)}"
        )
    members = groups[group]
    after = _fallback_groups(data, group, groups)
    if len(members) == 1:
        chain = after
        return RouterConfig(
            name=name or f"litellm:{path.stem}:{group}",
            models=models,
            default=members[0],
            fallbacks={members[0]: chain} if chain else {},
        )
    split = f"{group} (load-balanced)"
    return RouterConfig(
        name=name or f"litellm:{path.stem}:{group}",
        models=models,
        default=split,
        splits={split: {m: weights[m] for m in members}},
        fallbacks={m: [o for o in members if o != m] + after for m in members},
    )


def _deployment(entry: Any, i: int, where: str) -> tuple[str, RouterModel]:
    if not isinstance(entry, dict) or "model_name" not in entry or "litellm_params" not in entry:
        raise ConfigError(f"{where}: model_list[{i}] needs model_name and litellm_params")
    params = entry["litellm_params"]
    prefix, _, model_id = str(params.get("model", "")).partition("/")
    if not model_id:
        raise ConfigError(
            f"{where}: litellm_params.model must be provider/model, e.g. openai/gpt-4o"
        )
    if prefix not in _PREFIXES:
        raise ConfigError(
            f"{where}: provider prefix {prefix!r} is not supported; use one of {sorted(_PREFIXES)}"
        )
    info = entry.get("model_info") or {}
    price = None
    if "input_cost_per_token" in info or "output_cost_per_token" in info:
        price = {
            "input": float(info.get("input_cost_per_token", 0)) * 1e6,
            "output": float(info.get("output_cost_per_token", 0)) * 1e6,
            "currency": "USD",
        }
    fields: dict[str, Any] = {
        "provider": _PREFIXES[prefix],
        "model": model_id,
        "base_url": params.get("api_base"),
        "api_key_env": _key_env(params.get("api_key"), where, params.get("api_base")),
        "rpm": params.get("rpm"),
        "price": price,
    }
    if prefix == "openai" and params.get("api_base"):
        fields["family"] = "unknown"
    return str(entry["model_name"]), RouterModel.model_validate(
        {k: v for k, v in fields.items() if v is not None}
    )


def _weight(params: dict[str, Any]) -> float:
    """A deployment's share in LiteLLM's simple-shuffle: weight, else rpm, else tpm, else 1."""
    for key in ("weight", "rpm", "tpm"):
        value = params.get(key)
        if value is not None and float(value) > 0:
            return float(value)
    return 1.0


def _key_env(value: Any, where: str, api_base: Any) -> str | None:
    if value is None:
        return "" if api_base else None  # a keyless server at api_base, else the preset's key
    text = str(value)
    if text.startswith("os.environ/"):
        return text.removeprefix("os.environ/")
    raise ConfigError(
        f"{where}: litellm_params.api_key is a literal key; evalkit reads keys only from the "
        "environment: write api_key: os.environ/YOUR_VAR (the value was not read or stored)"
    )


def _fallback_groups(data: dict[str, Any], group: str, groups: dict[str, list[str]]) -> list[str]:
    settings = data.get("router_settings") or {}
    chain: list[str] = []
    for rule in settings.get("fallbacks") or []:
        for src, dsts in (rule or {}).items():
            if src == group:
                chain.extend(groups[d][0] for d in dsts if d in groups)
    return chain
