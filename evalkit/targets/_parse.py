"""Building `TargetSpec` objects from spec strings and YAML targets files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import ValidationError

from evalkit._yamlpos import line_of, load_with_lines, validation_problems
from evalkit.errors import ConfigError
from evalkit.targets._presets import PRESETS, family_for
from evalkit.targets._spec import Sampling, TargetModel, TargetSpec

SIM_URL_ENV = "EVALKIT_SIM_URL"


def from_model(model: TargetModel) -> TargetSpec:
    """Resolve a targets-file entry against its provider preset."""
    if model.provider is not None and model.provider not in PRESETS and model.provider != "sim":
        raise ConfigError(
            f"unknown provider {model.provider!r}; use one of {', '.join(sorted(PRESETS))} or "
            "leave it out and give protocol + base_url"
        )
    if model.provider == "sim":
        base_url = model.base_url or os.environ.get(SIM_URL_ENV)
        if not base_url:
            raise ConfigError(
                f"target 'sim:{model.model}' needs a running simulator: start one with "
                f"`evalkit sim serve` and export {SIM_URL_ENV}=http://127.0.0.1:PORT"
            )
        protocol = model.protocol or "openai"
        base_url = base_url.rstrip("/") + ("/v1" if protocol == "openai" else "")
        family, key_env = model.family or "sim", model.api_key_env
    elif model.provider is not None:
        preset = PRESETS[model.provider]
        protocol = model.protocol or preset.protocol
        base_url = model.base_url or preset.base_url
        family = model.family or family_for(model.provider, model.model)
        if model.provider in ("openai", "anthropic") and model.base_url and not model.family:
            # any compatible server (a LiteLLM proxy, vLLM) behind a first-party protocol: not
            # GPT or Claude, unless stated (a wrong family would wrongly exclude a judge)
            family = "unknown"
        # api_key_env: "" means "no key" (a keyless self-hosted server behind a preset URL).
        key_env = preset.api_key_env if model.api_key_env is None else (model.api_key_env or None)
    else:
        if model.protocol is None:
            raise ConfigError(
                f"target {model.model!r}: give a provider preset or a protocol (openai|anthropic)"
            )
        protocol, base_url = model.protocol, model.base_url
        family, key_env = model.family or "unknown", model.api_key_env
    preset_limit = PRESETS[model.provider].concurrency if model.provider in PRESETS else None
    return TargetSpec(
        name=model.name or model.model,
        protocol=protocol,
        model=model.model,
        base_url=base_url,
        api_key_env=key_env,
        family=family,
        price=model.price,
        sampling=Sampling(model.temperature, model.seed, model.max_tokens),
        timeout_s=model.timeout_s,
        stream=model.stream,
        provider=model.provider,
        extra_body=model.extra_body,
        concurrency=model.concurrency or preset_limit,
    )


_SPEC_OPTIONS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "max_tokens": ("max_tokens", int),
    "timeout": ("timeout_s", float),
    "timeout_s": ("timeout_s", float),
    "concurrency": ("concurrency", int),
    "temperature": ("temperature", float),
    "seed": ("seed", int),
    "stream": ("stream", lambda v: v.lower() in ("1", "true", "yes")),
}
"""Options a spec string may carry in its URL's query (``...@url?max_tokens=256``)."""


def _spec_options(base_url: str) -> tuple[str | None, dict[str, Any]]:
    """Split the evalkit options off a spec string's base URL; other query parameters stay."""
    parts = urlsplit(base_url)
    kept, options = [], {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in _SPEC_OPTIONS:
            kept.append((key, value))
            continue
        field, convert = _SPEC_OPTIONS[key]
        try:
            options[field] = convert(value)
        except ValueError as exc:
            raise ConfigError(
                f"spec string option {key}={value!r} is not a valid {field}; e.g. "
                "?max_tokens=256&timeout=300&concurrency=1&temperature=0"
            ) from exc
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))
    return url or None, options


def parse_target(spec: str) -> TargetSpec:
    """Parse a target spec string.

    Forms: ``provider:model`` (``deepseek:deepseek-chat``), ``provider:model@base_url``
    (``vllm:qwen2.5-7b@http://10.0.0.5:8000/v1``), ``sim:persona`` (the bundled simulator), each
    optionally prefixed with ``name=``. The URL's query may carry ``max_tokens``, ``timeout``,
    ``concurrency``, ``temperature``, ``seed`` and ``stream``
    (``llamacpp:qwen@http://127.0.0.1:8080/v1?max_tokens=256&timeout=300&concurrency=1``).

    Raises:
        ConfigError: The string has no provider or names an unknown one.
    """
    name = None
    if "=" in spec.split(":", 1)[0]:
        name, spec = spec.split("=", 1)
    provider, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise ConfigError(
            f"target {spec!r}: expected provider:model, e.g. openai:gpt-4o-mini or sim:good"
        )
    model, _, base_url = rest.partition("@")
    options: dict[str, Any] = {}
    if base_url:
        url, options = _spec_options(base_url)
        base_url = url or ""
    return from_model(
        TargetModel(name=name, provider=provider, model=model, base_url=base_url or None, **options)
    )


def load_targets_file(path: str | Path) -> list[TargetSpec]:
    """Load ``targets:`` from a YAML file; errors name the file, line and entry."""
    path = Path(path)
    data, lines = load_with_lines(path)
    entries = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a top-level 'targets:' list")
    specs = []
    for index, entry in enumerate(entries):
        try:
            specs.append(from_model(TargetModel.model_validate(entry)))
        except ValidationError as exc:
            problems = validation_problems(path, lines, exc, ("targets", index))
            raise ConfigError("invalid targets file\n" + "\n".join(problems)) from exc
        except ConfigError as exc:
            line = line_of(lines, ("targets", index))
            raise ConfigError(f"{path}:{line}: targets[{index}]: {exc}") from exc
    return specs
